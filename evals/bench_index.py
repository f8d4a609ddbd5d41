"""Index build benchmark: encoder speed (fp32 vs bf16, 128 vs 256 word pieces) and incremental updates.

`sift bench index [--catalog FILE] [--quick]` writes `evals/results/bench_index.json` and prints tables:

1. **Encoder speed**: products/s for fp32 and bf16 at max_seq_length 128 and 256, on a random sample of
   the catalog's product texts and on its longest texts, all variants interleaved in every repetition
   (medians), plus cosine agreement of bf16 with fp32 vectors and one-query latency on one thread.
2. **Full build vs update**: a full build of the catalog (every product embedded, default settings) against
   `open_engine` after 1% of the product texts changed, after a price-only change (prices and INR price
   details of 10% of the products) and with nothing changed; medians over `update_reps` rounds, each
   round changing other products. The embedder is loaded once, so every figure is index work only
   (the command line adds the same start-up to both: imports and model load, `startup_s`).

Steps as the sentence-transformers training scripts number them: 1. catalog copy, 2. encoder speed,
3. full build, 4. updates, 5. report.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.catalog import load_catalog
from retrieval.demo_catalog import write_demo_catalog
from retrieval.embedder import DEFAULT_MAX_SEQ_LENGTH, Embedder, cpu_bf16_flags, product_text
from retrieval.store import BuildOptions, open_engine

log = logging.getLogger(__name__)
DEFAULT_OUT = Path("evals/results/bench_index.json")
REAL_CATALOG = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catalogs" / \
    "amazon_in_electronics.jsonl.gz"
PRICE_DETAILS = ("Price (INR)", "List Price (INR)")


@dataclass
class BenchIndexConfig:
    catalog: Path | None = None  # default: the real Amazon India catalog when present, else a demo catalog
    quick: bool = False  # tiny run with the hashing embedder (what the unit test runs)
    out: Path | None = DEFAULT_OUT
    changed_fraction: float = 0.01
    price_fraction: float = 0.10
    update_reps: int = 3
    full_reps: int = 1
    speed_sample: int = 256  # texts per encoder-speed measurement
    speed_reps: int = 3
    dtypes: tuple[str, ...] = ("float32", "bfloat16")
    seq_lengths: tuple[int, ...] = (128, 256)
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ 1. catalog
def _read_rows(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")


def change_texts(rows: list[dict[str, Any]], fraction: float, rng: np.random.Generator, tag: str) -> int:
    """Edit the title of `fraction` of the rows (a new text for each); returns how many."""
    n = max(1, round(fraction * len(rows)))
    for i in rng.choice(len(rows), size=n, replace=False):
        rows[i]["title"] = f"{rows[i].get('title') or ''} ({tag} edition)".strip()
    return n


def change_prices(rows: list[dict[str, Any]], fraction: float, rng: np.random.Generator) -> int:
    """Lower the price (and the INR price details) of `fraction` of the rows; no text changes."""
    n = max(1, round(fraction * len(rows)))
    for i in rng.choice(len(rows), size=n, replace=False):
        r = rows[i]
        price = r.get("price")
        r["price"] = round(price * 0.9, 2) if isinstance(price, int | float) else 9.99
        details = r.get("details") if isinstance(r.get("details"), dict) else {}
        for key in PRICE_DETAILS:
            if key in details:
                details[key] = f"{rng.integers(100, 100000):,}"
    return n


# ------------------------------------------------------------------------------------------------ 2. speed
def encoder_speed(texts: dict[str, list[str]], load: Callable[[str, int], Any], config: BenchIndexConfig,
                  progress: Callable[[str], None]) -> dict[str, Any]:
    """products/s per (sample, dtype, max_seq_length), interleaved, medians; cosine bf16 vs fp32."""
    import torch  # lazy: torch takes seconds to import; only model code needs it

    models = {(d, s): load(d, s) for d in config.dtypes for s in config.seq_lengths}
    for m in models.values():
        m.encode(next(iter(texts.values()))[:8])  # warm-up: first calls pay one-off allocation
    rates: dict[tuple[str, str, int], list[float]] = {}
    vectors: dict[tuple[str, str, int], np.ndarray] = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)  # what a build uses (retrieval.store._all_cores)
    try:
        for rep in range(config.speed_reps):
            for name, sample in texts.items():
                for (dtype, seq), model in models.items():
                    t = time.perf_counter()
                    vectors[(name, dtype, seq)] = model.encode(sample)
                    rates.setdefault((name, dtype, seq), []).append(len(sample) / (time.perf_counter() - t))
            progress(f"encoder speed: round {rep + 1}/{config.speed_reps}")
    finally:
        torch.set_num_threads(threads)
    rows = [{"sample": name, "dtype": dtype, "max_seq_length": seq, "products_per_s": round(statistics.median(r), 1),
             "runs": [round(x, 1) for x in r]} for (name, dtype, seq), r in rates.items()]
    agreement = []
    if "float32" in config.dtypes and "bfloat16" in config.dtypes:
        for name in texts:
            for seq in config.seq_lengths:
                cos = np.sum(vectors[(name, "float32", seq)] * vectors[(name, "bfloat16", seq)], axis=1)
                agreement.append({"sample": name, "max_seq_length": seq, "cosine_min": round(float(cos.min()), 6),
                                  "cosine_mean": round(float(cos.mean()), 6)})
    return {"rows": rows, "cosine_bf16_vs_fp32": agreement,
            "query_ms_p50_1_thread": _query_latency({d: models[(d, config.seq_lengths[0])] for d in config.dtypes})}


def _query_latency(models: dict[str, Any], n: int = 100) -> dict[str, float]:
    import torch  # lazy: torch takes seconds to import; only model code needs it

    queries = ["unlocked samsung phone under 300", "a case for my iphone 13 in blue", "usb c fast charger",
               "pixel 7 128gb"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as served (SIFT_TORCH_THREADS=1)
    try:
        lat: dict[str, list[float]] = {d: [] for d in models}
        for i in range(n + 10):
            for d, m in models.items():
                t = time.perf_counter()
                m.encode_queries([queries[i % len(queries)]])
                if i >= 10:
                    lat[d].append(1000 * (time.perf_counter() - t))
    finally:
        torch.set_num_threads(threads)
    return {d: round(statistics.median(v), 2) for d, v in lat.items()}


# ------------------------------------------------------------------------------------------------ 3-4. builds
def _timed_open(path: Path, cache: Path, options: Any, embedder: Any, rebuild: bool = False) -> dict[str, Any]:

    t = time.perf_counter()
    engine = open_engine(path, cache, options, embedder=embedder, rebuild=rebuild)
    seconds = time.perf_counter() - t
    m = engine.manifest
    return {"seconds": round(seconds, 3), "action": m["opened"]["action"], "embedded": m["embeddings"]["embedded"],
            "reused": m["embeddings"]["reused"], "products": m["count"], "build_seconds": m.get("build_seconds"),
            "dtype": m.get("embedder_dtype"), "max_seq_length": m.get("max_seq_length")}


def builds(source: Path, embedder: Any, options: Any, config: BenchIndexConfig,
           progress: Callable[[str], None]) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sift-bench-index-"))
    try:
        path = work / "catalog.jsonl.gz"
        rows = _read_rows(source)
        _write_rows(path, rows)
        rng = np.random.default_rng(config.seed)
        full = []
        for rep in range(config.full_reps):
            full.append(_timed_open(path, work / "cache", options, embedder, rebuild=True))
            progress(f"full build {rep + 1}/{config.full_reps}: {full[-1]['seconds']:.1f} s")
        runs: dict[str, list[dict[str, Any]]] = {"text_changed": [], "price_only": [], "unchanged": []}
        for rep in range(config.update_reps):
            changed = change_texts(rows, config.changed_fraction, rng, f"r{rep}")
            _write_rows(path, rows)
            runs["text_changed"].append({**_timed_open(path, work / "cache", options, embedder), "changed": changed})
            changed = change_prices(rows, config.price_fraction, rng)
            _write_rows(path, rows)
            runs["price_only"].append({**_timed_open(path, work / "cache", options, embedder), "changed": changed})
            runs["unchanged"].append(_timed_open(path, work / "cache", options, embedder))
            progress(f"update round {rep + 1}/{config.update_reps}: text {runs['text_changed'][-1]['seconds']:.2f} s, "
                     f"price {runs['price_only'][-1]['seconds']:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    full_s = statistics.median(r["seconds"] for r in full)
    out: dict[str, Any] = {"products": full[0]["products"], "full_build": _summary(full, full_s)}
    for name, rs in runs.items():
        out[name] = _summary(rs, full_s)
    out["full_build"]["runs"] = full
    return out


def _summary(runs: list[dict[str, Any]], full_s: float) -> dict[str, Any]:
    s = statistics.median(r["seconds"] for r in runs)
    return {"seconds_median": round(s, 3), "products_per_s": round(runs[0]["products"] / s, 1),
            "fraction_of_full_build": round(s / full_s, 4), "embedded": [r["embedded"] for r in runs],
            "changed": [r.get("changed") for r in runs], "actions": sorted({r["action"] for r in runs}),
            "seconds": [r["seconds"] for r in runs]}


# ------------------------------------------------------------------------------------------------ run
def _machine() -> dict[str, Any]:

    model = next((line.split(":", 1)[1].strip() for line in _cpuinfo().splitlines() if line.startswith("model name")),
                 platform.processor())
    return {"cpu": model, "cores": os.cpu_count(), "native_bf16": cpu_bf16_flags(), "load_avg": os.getloadavg()}


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def run_benchmark(config: BenchIndexConfig, embedder: Any = None,
                  load: Callable[[str, int], Any] | None = None,
                  progress: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Run every step; `embedder` (the one the builds use) and `load(dtype, seq)` (the encoder-speed
    models) default to the real sentence-transformer; the unit test passes hashing embedders."""

    t0 = time.perf_counter()
    # 1. catalog
    source, scratch = _source_catalog(config)
    try:
        texts = [product_text(p) for p in load_catalog(source)]
        rng = np.random.default_rng(config.seed)
        n = min(config.speed_sample, len(texts))
        samples = {"random": [texts[i] for i in rng.choice(len(texts), size=n, replace=False)],
                   "longest": sorted(texts, key=len, reverse=True)[:n]}
        machine = _machine()
        # 2. encoder speed
        load = load or (lambda dtype, seq: Embedder.load(dtype=dtype, max_seq_length=seq))
        speed = encoder_speed(samples, load, config, progress) if config.speed_reps else {}
        # 3-4. full build and updates, default settings
        t = time.perf_counter()
        embedder = embedder or Embedder.load(max_seq_length=DEFAULT_MAX_SEQ_LENGTH)
        startup = time.perf_counter() - t
        options = BuildOptions(model=embedder.name, show_progress=False, max_seq_length=DEFAULT_MAX_SEQ_LENGTH)
        result = builds(source, embedder, options, config, progress)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    ratio = result["text_changed"]["fraction_of_full_build"]
    out = {"config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
           "catalog": str(config.catalog or source.name), "machine": {**machine, "load_avg_end": os.getloadavg()},
           "embedder": {"name": embedder.name, "dtype": embedder.dtype,
                        "dtype_reason": getattr(embedder, "dtype_reason", ""), "model_load_s": round(startup, 2)},
           "encoder_speed": speed, "index": result,
           "acceptance": {"update_1pct_text_under_10pct_of_full": ratio < 0.10, "ratio": ratio},
           "seconds": round(time.perf_counter() - t0, 1)}
    if config.out is not None:
        config.out.parent.mkdir(parents=True, exist_ok=True)
        config.out.write_text(json.dumps(out, indent=2))
    return out


def _source_catalog(config: BenchIndexConfig) -> tuple[Path, Path | None]:
    if config.catalog is not None:
        return Path(config.catalog), None
    if not config.quick and REAL_CATALOG.exists():
        return REAL_CATALOG.resolve(), None

    scratch = Path(tempfile.mkdtemp(prefix="sift-bench-demo-"))
    return write_demo_catalog(scratch / "demo.jsonl.gz", n_products=300 if config.quick else 3000), scratch


# ------------------------------------------------------------------------------------------------ 5. report
def markdown(result: dict[str, Any]) -> str:
    m, idx = result["machine"], result["index"]
    lines = [f"Catalog {result['catalog']}: {idx['products']:,} products; {m['cpu']} ({m['cores']} cores, native "
             f"bf16: {', '.join(m['native_bf16']) or 'none'}); load average {m['load_avg'][0]:.2f} at start.", ""]
    speed = result.get("encoder_speed") or {}
    if speed:
        lines += ["| sample | dtype | max_seq_length | products/s (median) | runs |", "|---|---|---:|---:|---|"]
        for r in speed["rows"]:
            lines.append(f"| {r['sample']} | {r['dtype']} | {r['max_seq_length']} | {r['products_per_s']:.1f} | "
                         f"{', '.join(f'{x:.0f}' for x in r['runs'])} |")
        for a in speed["cosine_bf16_vs_fp32"]:
            lines.append(f"\ncosine bf16 vs fp32 ({a['sample']}, {a['max_seq_length']}): min {a['cosine_min']:.5f}, "
                         f"mean {a['cosine_mean']:.6f}")
        q = speed["query_ms_p50_1_thread"]
        lines.append("\none-query latency, 1 thread, p50 ms: " + ", ".join(f"{d} {v:.2f}" for d, v in q.items()))
    e = result["embedder"]
    lines += ["", f"Builds with {e['name']} ({e['dtype']}: {e['dtype_reason']}); model load {e['model_load_s']} s "
              "(not in the figures below).", "",
              "| operation | seconds (median) | products/s | share of a full build | embedded |",
              "|---|---:|---:|---:|---|"]
    names = {"full_build": "full build", "text_changed": f"update, {result['config']['changed_fraction']:.0%} of texts "
             "changed", "price_only": f"update, {result['config']['price_fraction']:.0%} of prices changed",
             "unchanged": "open, nothing changed"}
    for key, label in names.items():
        r = idx[key]
        lines.append(f"| {label} | {r['seconds_median']:.2f} | {r['products_per_s']:,.0f} | "
                     f"{r['fraction_of_full_build']:.1%} | {', '.join(str(x) for x in r['embedded'])} |")
    return "\n".join(lines)
