"""`sift bench retrieval`: the retrieval benchmark from the command line.

    sift bench retrieval                       # real catalog when present, else the demo catalog (~5-8 min)
    sift bench retrieval --quick               # tiny everything, seconds (what the unit test runs)
    sift bench retrieval --catalog my.jsonl.gz --out results.json --json
    sift bench index [--catalog FILE] [--quick]  # encoder speed fp32/bf16, full build vs incremental update
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .common import subcommands

# Where `sift bench index` writes its JSON (evals/bench_index.py writes there by default too).
INDEX_OUT = Path("evals/results/bench_index.json")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `bench retrieval` (creating the `bench` group if needed); returns the `retrieval` parser."""
    sub = subcommands(subparsers, "bench", "performance benchmarks (retrieval, HTTP load)")
    p = sub.add_parser("retrieval", help="index build, query latency, memory, recall vs a LangChain FAISS baseline",
                       description="Measure Sift retrieval: build throughput (fp32 vs bf16), query latency at 1%%/10%%/50%%"
                                   " filter selectivity, memory, recall@10 against exact search, the LangChain FAISS"
                                   " post-filtering baseline, and a 100k/1M synthetic scale run.")
    p.add_argument("--catalog", type=Path, default=None,
                   help="catalog file (Amazon 2023 JSONL[.gz]); default: the real Amazon India catalog in "
                        "../shared/data when present, else the demo catalog")
    p.add_argument("--quick", action="store_true", help="tiny run (300 demo products, 20k synthetic vectors)")
    p.add_argument("--json", action="store_true", help="print the result JSON instead of Markdown tables")
    p.add_argument("--out", type=Path, default=None,
                   help="where to write the JSON (default evals/results/bench_retrieval.json); 'none' to skip")
    p.add_argument("--plot", type=Path, default=None,
                   help="latency-vs-size PNG (default docs/img/latency_vs_size.png); 'none' to skip")
    p.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "sift",
                   help="index cache for the catalog's vectors (default ~/.cache/sift); 'none' to embed every run")
    p.add_argument("--queries", type=int, default=None, help="queries per measurement (default 200, quick 40)")
    p.add_argument("--throughput-n", type=int, default=None,
                   help="products embedded by both fp32 and bf16 for the build figures (default 96, quick 40)")
    p.add_argument("--sizes", type=str, default=None,
                   help="comma-separated synthetic sizes (default 100000,1000000; quick 20000)")
    p.set_defaults(func=run_bench_retrieval)
    _register_index(sub)
    return p


def _register_index(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="encoder speed (fp32 vs bf16, 128 vs 256) and full build vs incremental update",
                       description="Measure products/s of the encoder per dtype and max_seq_length, then a full index "
                                   "build of the catalog against `sift index update` after 1%% of texts or 10%% of "
                                   "prices changed (a 10k catalog: a few minutes on 2 cores).")
    p.add_argument("--catalog", type=Path, default=None,
                   help="catalog file; default: the real Amazon India catalog in ../shared/data when present, else "
                        "the demo catalog")
    p.add_argument("--quick", action="store_true", help="tiny run: 300 demo products, one round each")
    p.add_argument("--update-reps", type=int, default=3, help="rounds of changes (median reported)")
    p.add_argument("--full-reps", type=int, default=1, help="full builds (median reported)")
    p.add_argument("--speed-reps", type=int, default=3, help="encoder-speed rounds; 0 skips the speed table")
    p.add_argument("--json", action="store_true", help="print the result JSON instead of Markdown tables")
    p.add_argument("--out", type=Path, default=INDEX_OUT, help=f"where to write the JSON (default {INDEX_OUT})")
    p.set_defaults(func=run_bench_index)


def run_bench_index(args: argparse.Namespace) -> int:
    # lazy: the benchmark's model and index store stay out of every other command's start-up
    from evals.bench_index import BenchIndexConfig, markdown, run_benchmark

    if args.catalog is not None and not Path(args.catalog).is_file():
        print(f"catalog not found: {args.catalog} (pass an existing file, or leave --catalog out)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr)
    quick = {"update_reps": 1, "speed_reps": 1, "speed_sample": 32} if args.quick else {}
    config = BenchIndexConfig(catalog=args.catalog, quick=args.quick, out=_none_or_path(args.out),
                              **{"update_reps": args.update_reps, "full_reps": args.full_reps,
                                 "speed_reps": args.speed_reps, **quick})
    result = run_benchmark(config, progress=lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True))
    print(json.dumps(result, indent=2, default=str) if args.json else markdown(result))
    return 0


def _none_or_path(p: Path | None) -> Path | None:
    return None if p is None or str(p).lower() == "none" else p


def run_bench_retrieval(args: argparse.Namespace) -> int:
    # lazy: the benchmark's FAISS, LangChain and index store (~0.3 s) stay out of every other command's start-up
    from evals.bench_retrieval import DEFAULT_OUT, DEFAULT_PLOT, BenchConfig, markdown, run_benchmark

    if args.catalog is not None and not Path(args.catalog).exists():
        print(f"catalog not found: {args.catalog} (pass an existing file, or leave --catalog out)", file=sys.stderr)
        return 2
    try:
        sizes = tuple(int(x) for x in args.sizes.split(",") if x.strip()) if args.sizes else None
    except ValueError:
        print(f"--sizes must be comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return 2
    import torch  # lazy: ~1 s to import, only for the benchmark itself

    torch.set_flush_denormal(True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    out = DEFAULT_OUT if args.out is None else _none_or_path(args.out)
    plot = DEFAULT_PLOT if args.plot is None else _none_or_path(args.plot)
    config = BenchConfig(catalog=args.catalog, quick=args.quick, out=out, plot=plot, cache_dir=_none_or_path(args.cache_dir),
                         n_queries=args.queries, throughput_n=args.throughput_n, scale_sizes=sizes)
    result = run_benchmark(config, progress=lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(markdown(result))
        if config.out is not None:
            print(f"JSON written to {config.out}")
    return 0
