"""Retrieval benchmark: index build throughput, query latency, memory, recall, and the LangChain baseline.

One run measures, side by side on the same machine:

1. **Build throughput** (products/s, embedding + index) with the fp32 and the bf16 embedder on the same
   fixed subset of products, and the cosine between their vectors (claim to check: >= 0.998).
2. **Query embedding latency** (one query = a batch of one), fp32 and bf16.
3. **Filtered search on the catalog** (real Amazon India electronics when present, else the demo catalog):
   `Filters` built from real attributes (price quantiles, ratings, subcategories, brands) that admit
   about 1%, 10% and 50% of products, and no filter. Sift = attribute table -> allowed ids -> `VectorIndex`.
   Recall@10 against exact numpy search over the allowed subset. Memory per product.
4. **The LangChain baseline**: `langchain_community.vectorstores.FAISS` over the same vectors, texts and
   metadata, queried with `similarity_search_by_vector(vec, k=10, filter=..., fetch_k=20)` (its default:
   fetch 20 neighbours, then drop those the filter rejects) and with fetch_k=100.
5. **Scale**: synthetic random unit vectors (d=384) at 100k and 1M (IVF, default `IndexConfig`), filters
   on a synthetic price column (so the allowed ids are a random subset), latency and recall@10 against
   exact search, and FAISS's `IDSelectorBatch` against `IDSelectorBitmap` (what `VectorIndex` uses by default).

Times are per query (p50/p95 over `n_queries` queries), excluding query embedding unless named so.

    >>> result = run_benchmark(BenchConfig(quick=True))                       # doctest: +SKIP
    >>> result["catalog_search"]["selectivities"][0]["sift"]["recall_at_10"]  # doctest: +SKIP
    1.0

From the shell: ``sift bench retrieval [--catalog FILE] [--quick] [--json] [--out FILE]``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.attributes import AttributeTable
from retrieval.catalog import Product, load_catalog
from retrieval.demo_catalog import write_demo_catalog
from retrieval.embedder import Embedder
from retrieval.filters import Filters
from retrieval.index import VectorIndex
from retrieval.store import BuildOptions, open_engine

from .bench_common import (
    DEFAULT_OUT,
    DEFAULT_PLOT,
    REAL_CATALOG,
    BenchConfig,
    K,
    exact_topk,
    memory_bytes,
    percentiles,
    recall_at_k,
    timed_search,
)
from .bench_filters import candidate_filters, pick_filters  # re-exported: callers import them from here
from .bench_langchain import build_langchain_store, langchain_admits, langchain_filter, product_metadata
from .bench_report import (
    SELECTIVITIES,
    check_targets,
    markdown,
    plot_latency,
)
from .bench_scale import bench_scale

# What `sift bench retrieval` and the tests use from here (parts live in the bench_* modules beside this one).
__all__ = ["DEFAULT_OUT", "DEFAULT_PLOT", "BenchConfig", "candidate_filters", "exact_topk", "langchain_filter",
           "markdown", "pick_filters", "product_metadata", "recall_at_k", "run_benchmark"]

log = logging.getLogger(__name__)


# Short queries as shoppers type them into a search box for this kind of catalog (phones, accessories,
# audio, computers, TVs, cameras). Written by hand, not generated from product titles.
SHOPPER_QUERIES: tuple[str, ...] = (
    "samsung phone with good camera", "usb c fast charger", "case for iphone 13", "cheap bluetooth earbuds",
    "noise cancelling headphones", "tempered glass screen protector", "power bank 20000mah",
    "gaming laptop", "smart watch for women", "wireless mouse", "redmi note 12 back cover",
    "hdmi cable 2 meter", "32 inch smart tv", "64gb pendrive", "memory card for phone",
    "type c to lightning cable", "phone holder for car", "bluetooth speaker waterproof", "oneplus charger",
    "laptop bag 15.6 inch", "keyboard and mouse combo", "dslr camera for beginners", "iphone 14 pro max",
    "earphones with mic under 500", "fitness band with heart rate", "wifi router dual band",
    "selfie stick with tripod", "external hard disk 1tb", "mobile stand for desk", "boat headphones",
    "magsafe charger", "tablet for kids", "otg adapter", "ring light for youtube", "webcam for zoom calls",
    "neckband with long battery", "google pixel 7", "led bulb smart", "soundbar for tv",
    "flip cover for samsung galaxy", "ssd 512gb", "air purifier", "printer ink cartridge",
    "5g phone under 15000", "kids smartwatch with gps", "wireless charging pad", "usb hub for macbook",
    "gaming headset with mic", "extension board with usb", "apple watch strap",
)


def load_products(config: BenchConfig, workdir: Path) -> tuple[list[Product], Path, str]:
    """(products, catalog path, label). Quick mode and a missing real catalog use the demo catalog."""
    if config.catalog is not None:
        path = Path(config.catalog)
        return load_catalog(path), path, path.name
    if not config.quick and REAL_CATALOG.exists():
        return load_catalog(REAL_CATALOG), REAL_CATALOG, REAL_CATALOG.name
    n = config.demo_products if config.quick else 3000
    path = write_demo_catalog(workdir / "demo_catalog.jsonl.gz", n_products=n, seed=7)
    return load_catalog(path), path, f"demo catalog ({n} products)"


def catalog_vectors(products: list[Product], path: Path, embedder: Any, config: BenchConfig,
                    use_cache: bool) -> tuple[np.ndarray, str]:
    """fp32 product vectors for the whole catalog: from the index cache when allowed, else embedded now."""
    if use_cache and config.cache_dir is not None:
        engine = open_engine(path, config.cache_dir, BuildOptions(model=embedder.name, show_progress=False),
                             embedder=embedder)
        if engine.size == len(products):
            return np.ascontiguousarray(engine.index.vectors, dtype=np.float32), "index cache"
    return embedder.encode_products(products, show_progress=False), "embedded in this run"


# ------------------------------------------------------------------------------------------ LangChain
def bench_build(products: Sequence[Product], fp32: Any, bf16: Any, n: int, config: BenchConfig) -> dict[str, Any]:
    """Embedding + index build on the same `n` products with both embedders."""
    rng = np.random.default_rng(config.seed)
    rows = np.sort(rng.choice(len(products), size=min(n, len(products)), replace=False))
    subset = [products[int(i)] for i in rows]
    out: dict[str, Any] = {"subset_products": len(subset), "subset": "random sample of the catalog (same rows for both)"}
    vecs = {}
    for label, emb in (("float32", fp32), ("bfloat16", bf16)):
        emb.encode_products(subset[:4], show_progress=False)  # warm-up: first call allocates
        t0 = time.perf_counter()
        v = emb.encode_products(subset, show_progress=False)
        t1 = time.perf_counter()
        VectorIndex.build(v)
        AttributeTable.from_products(subset)
        t2 = time.perf_counter()
        vecs[label] = v
        out[label] = {"embed_s": round(t1 - t0, 3), "index_s": round(t2 - t1, 4),
                      "products_per_s": round(len(subset) / (t2 - t0), 2), "embedder_dtype": emb.dtype}
    out["cosine_fp32_bf16"] = _cosines(vecs["float32"], vecs["bfloat16"])
    out["bf16_speedup"] = round(out["bfloat16"]["products_per_s"] / out["float32"]["products_per_s"], 3)
    return out


def bench_query_embedding(fp32: Any, bf16: Any, queries: Sequence[str], n: int, n_bf16: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, emb, count in (("float32", fp32, n), ("bfloat16", bf16, n_bf16)):
        emb.encode_queries([queries[0]])
        times = []
        for i in range(count):
            q = queries[i % len(queries)]
            t0 = time.perf_counter()
            emb.encode_queries([q])
            times.append((time.perf_counter() - t0) * 1e3)
        out[label] = percentiles(times)
    out["cosine_fp32_bf16"] = _cosines(fp32.encode_queries(list(queries)), bf16.encode_queries(list(queries)))
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Row-wise cosine (norms divided out), and how far each side's norms stray from 1: the index
    assumes unit vectors, so inner product = cosine only when that error is ~0."""
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    cos = np.sum(a * b, axis=1) / np.maximum(na * nb, 1e-12)
    return {"min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5),
            "norm_error_fp32": round(float(np.abs(na - 1).max()), 5),
            "norm_error_bf16": round(float(np.abs(nb - 1).max()), 5)}


def bench_catalog_search(products: list[Product], vectors: np.ndarray, embedder: Any, queries: Sequence[str],
                         config: BenchConfig) -> dict[str, Any]:
    """Sift filtered search vs the LangChain FAISS baseline on the catalog, per selectivity."""
    table = AttributeTable.from_products(products)
    t0 = time.perf_counter()
    index = VectorIndex.build(vectors)
    build_s = time.perf_counter() - t0
    qvecs = embedder.encode_queries(list(queries))
    t0 = time.perf_counter()
    store = build_langchain_store(products, vectors, embedder)
    lc_build_s = time.perf_counter() - t0
    metas = [product_metadata(i, p) for i, p in enumerate(products)]

    def equivalent(f: Filters) -> bool:
        # Only compare filters that mean the same thing in both systems, so recall measures retrieval.
        try:
            return bool(np.array_equal(langchain_admits(store, metas, f), table.mask(f)))
        except (ValueError, TypeError):
            return False

    candidates = candidate_filters(table, products)
    levels: list[dict[str, Any]] = []
    n = len(products)
    for target in (*SELECTIVITIES, None):
        if target is None:
            chosen: list[tuple[Filters | None, int]] = [(None, n)]
        else:
            chosen = list(pick_filters(table, candidates, target, accept=equivalent))
            if not chosen:  # a catalog without prices, ratings or brands: nothing to filter on
                levels.append({"target": target, "actual": None, "filters": [], "skipped": "no filter found"})
                continue
        levels.append(_measure_level(target, chosen, products, vectors, table, index, store, qvecs, config))
    return {"n_products": n, "index_kind": index.kind, "index_build_s": round(build_s, 4),
            "langchain_build_s": round(lc_build_s, 3), "k": K, "queries": len(queries),
            "memory": memory_bytes(index, table), "selectivities": levels}


def _measure_level(target: float | None, chosen: list[tuple[Filters | None, int]], products: list[Product],
                   vectors: np.ndarray, table: AttributeTable, index: VectorIndex, store: Any, qvecs: np.ndarray,
                   config: BenchConfig) -> dict[str, Any]:
    n = len(products)
    sift_total, sift_filter, sift_search, sift_recall, exhaustive = [], [], [], [], []
    lc: dict[int, dict[str, list[float]]] = {fk: {"ms": [], "recall": [], "short": []} for fk in (20, 100)}
    # The reference (exact filtered top-k) per filter and query, computed once.
    masks = [None if f is None else table.mask(f) for f, _ in chosen]
    allowed_sets = [None if m is None else np.flatnonzero(m).astype(np.int64) for m in masks]
    lc_filters = [None if f is None else langchain_filter(f) for f, _ in chosen]
    for i in range(config.n_queries or 0):
        j = i % len(chosen)
        f = chosen[j][0]
        qi = (i // len(chosen)) % len(qvecs) if len(chosen) > 1 else i % len(qvecs)
        q = qvecs[qi]
        _, exact_scores = exact_topk(vectors, q, allowed_sets[j])
        out, filter_ms, search_ms, total_ms = timed_search(index, table, f, q)  # Sift: filters -> ids -> index
        sift_filter.append(filter_ms)
        sift_search.append(search_ms)
        sift_total.append(total_ms)
        exhaustive.append(out.exhaustive)
        sift_recall.append(recall_at_k(out.ids[0], vectors, q, masks[j], exact_scores))
        # LangChain: fetch_k neighbours, then post-filter in Python.
        vec = q.tolist()
        for fk in (20, 100) if f is not None else (20,):
            t0 = time.perf_counter()
            docs = store.similarity_search_by_vector(vec, k=K, filter=lc_filters[j], fetch_k=fk)
            ms = (time.perf_counter() - t0) * 1e3
            rows = [int(d.metadata["row"]) for d in docs]
            lc[fk]["ms"].append(ms)
            lc[fk]["recall"].append(recall_at_k(rows, vectors, q, masks[j], exact_scores))
            lc[fk]["short"].append(float(len(rows) < min(K, exact_scores.size)))
    counts = [c for _, c in chosen]
    level: dict[str, Any] = {
        "target": target,
        "actual": round(float(np.mean(counts)) / n, 4),
        "filters": [{"filters": None if f is None else f.active(), "matched": c, "selectivity": round(c / n, 4),
                     "langchain_filter": None if f is None else langchain_filter(f)} for f, c in chosen],
        "sift": {**percentiles(sift_total), "filter_p50_ms": percentiles(sift_filter)["p50_ms"],
                 "search_p50_ms": percentiles(sift_search)["p50_ms"],
                 "recall_at_10": round(float(np.mean(sift_recall)), 4),
                 "min_recall_at_10": round(float(np.min(sift_recall)), 4),
                 "exhaustive_share": round(float(np.mean(exhaustive)), 4)},
    }
    for fk, d in lc.items():
        if not d["ms"]:
            continue
        name = "langchain" if target is None else f"langchain_fetch{fk}"
        level[name] = {**percentiles(d["ms"]), "recall_at_10": round(float(np.mean(d["recall"])), 4),
                       "short_list_share": round(float(np.mean(d["short"])), 4)}
    return level


# ------------------------------------------------------------------------------------------ scale
def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def _cpu_flags() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags |= set(line.split(":", 1)[1].split())
    return sorted(f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags)


def run_benchmark(config: BenchConfig, embedder: Any = None, bf16_embedder: Any = None,
                  progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run every section and return the result dict (also written to `config.out`, plotted to `config.plot`).

    `embedder`/`bf16_embedder`: anything with `encode`, `encode_queries`, `encode_products`, `dim`, `name`,
    `dtype` (tests pass a hashing embedder); default the packaged MiniLM in float32 / bfloat16.
    """
    config = config.resolved()
    say = progress or (lambda msg: log.info("%s", msg))
    started = time.perf_counter()
    load_start = _load_average()
    custom = embedder is not None
    if embedder is None:
        embedder = Embedder.load(dtype="float32")
    if bf16_embedder is None:
        # A custom fp32 embedder without a bf16 twin is compared with itself (cosine 1, speedup 1).
        bf16_embedder = embedder if custom else Embedder.load(embedder.name, dtype="bfloat16")
    queries = list(SHOPPER_QUERIES)
    with tempfile.TemporaryDirectory(prefix="sift-bench-") as tmp:
        products, path, label = load_products(config, Path(tmp))
        say(f"catalog: {label}, {len(products)} products")
        say(f"build throughput on {config.throughput_n} products (fp32 and bf16)")
        build = bench_build(products, embedder, bf16_embedder, config.throughput_n or 0, config)
        say("query embedding latency")
        qemb = bench_query_embedding(embedder, bf16_embedder, queries, config.n_queries or 0,
                                     config.bf16_query_n or 0)
        say("catalog vectors")
        t0 = time.perf_counter()
        vectors, source = catalog_vectors(products, path, embedder, config, use_cache=not config.quick and not custom)
        vec_s = time.perf_counter() - t0
        say(f"catalog vectors from {source} in {vec_s:.1f}s; filtered search + LangChain baseline")
        catalog = bench_catalog_search(products, vectors, embedder, queries, config)
    del vectors
    gc.collect()
    scale = []
    for n in config.scale_sizes or ():
        say(f"scale run: {n:,} synthetic vectors")
        scale.append(bench_scale(n, 384, config.n_queries or 0, config))
    result: dict[str, Any] = {
        "meta": {"catalog": label, "catalog_path": str(path), "quick": config.quick, "embedder": embedder.name,
                 "catalog_vectors": f"{source} ({vec_s:.1f} s)", "cpu": _cpu_name(), "cpu_flags": _cpu_flags(),
                 "cores": os.cpu_count(), "threads": _torch_threads(), "faiss_threads": faiss.omp_get_max_threads(),
                 "versions": _versions(), "n_queries": config.n_queries, "k": K,
                 "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "build": build,
        "query_embedding": qemb,
        "catalog_search": catalog,
        "scale": scale,
    }
    result["targets"] = check_targets(result)
    result["meta"]["total_s"] = round(time.perf_counter() - started, 1)
    result["meta"]["load_average_start"] = load_start
    result["meta"]["load_average_end"] = _load_average()
    if config.plot is not None:
        result["meta"]["plot"] = str(plot_latency(result, Path(config.plot)))
    if config.out is not None:
        Path(config.out).parent.mkdir(parents=True, exist_ok=True)
        Path(config.out).write_text(json.dumps(result, indent=2, default=_json_default))
    return result


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, Path):
        return str(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("numpy", "faiss-cpu", "torch", "sentence-transformers", "langchain-community"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "missing"
    return out


def _torch_threads() -> int | None:
    # Only ask torch when it is loaded already (a test's hashing embedder never imports it).
    torch = sys.modules.get("torch")
    return int(torch.get_num_threads()) if torch is not None else None
