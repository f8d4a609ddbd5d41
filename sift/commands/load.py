"""`sift bench load`: the HTTP load test from the command line (see evals/load_test.py).

    sift bench load --short                                   # CI size: N=1,8,32, seconds
    sift bench load --concurrency 1,8,32,64 --json evals/results/load.json
    sift bench load --url http://127.0.0.1:8000 --concurrency 1,8

`register(sub)` adds `load` to the `bench` group (creating it when `bench retrieval` is not there yet).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import subcommands


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--short", action="store_true",
                   help="CI size: N=1,8,32, 2 turns per shopper, 200-product demo catalog (seconds once started)")
    p.add_argument("--concurrency", type=str, default=None,
                   help="comma-separated concurrent shoppers per level (default 1,8,32,64); the first is the baseline")
    p.add_argument("--turns-per-user", type=int, default=None, help="turns each shopper sends per level (default 8)")
    p.add_argument("--min-turns", type=int, default=None, help="at least this many turns per level (default 40)")
    p.add_argument("--max-seconds", type=float, default=None, help="time bound per level (default 180)")
    p.add_argument("--url", type=str, default=None,
                   help="drive a running app at this loopback URL instead of starting one (its rate limit applies)")
    p.add_argument("--demo-size", type=int, default=None, help="demo catalog size of the app it starts (default 3000)")
    p.add_argument("--catalog", type=Path, default=None, help="catalog file for the app it starts (SIFT_CATALOG)")
    p.add_argument("--home", type=Path, default=None,
                   help="SIFT_HOME for the app it starts (keeps the built index for the next run); default: temporary")
    p.add_argument("--extractor", type=str, default="auto", help="SIFT_EXTRACTOR of the app it starts (default auto)")
    p.add_argument("--replicas", type=int, default=1,
                   help="app processes started on one SIFT_HOME, requests sent round-robin (default 1)")
    p.add_argument("--require-no-errors-at", type=int, default=32,
                   help="exit 1 if any level with N <= this had an error (default 32; -1: never)")
    p.add_argument("--json", type=Path, default=None, metavar="PATH",
                   help=f"write the result JSON here (e.g. {Path('evals/results/load.json')})")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `bench load`; returns its parser."""
    sub = subcommands(subparsers, "bench", "performance benchmarks (retrieval, HTTP load)")
    p = sub.add_parser("load", help="concurrent scripted conversations against the HTTP chat endpoint",
                       description="Run N concurrent scripted conversations against the app's POST /api/chat "
                                   "(started here on 127.0.0.1, rate limiting off) and report turns/s, latency "
                                   "p50/p95/p99 and errors per N, compared with the first N.")
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    # lazy: HTTP client stack, only for the run
    from evals.load_test import SHORT, LoadConfig, markdown, run_load

    cfg = LoadConfig(**SHORT) if args.short else LoadConfig()
    if args.concurrency:
        try:
            cfg.concurrency = [int(x) for x in args.concurrency.split(",") if x.strip()]
        except ValueError:
            print(f"--concurrency: comma-separated whole numbers, e.g. 1,8,32 (got {args.concurrency!r})",
                  file=sys.stderr)
            return 2
        if not cfg.concurrency or min(cfg.concurrency) < 1:
            print("--concurrency: at least one level, each >= 1", file=sys.stderr)
            return 2
    for name in ("turns_per_user", "min_turns", "max_seconds", "demo_size"):
        value = getattr(args, name)
        if value is not None:
            setattr(cfg, name, value)
    cfg.url = args.url
    cfg.home = str(args.home) if args.home else None
    cfg.catalog = str(args.catalog) if args.catalog else None
    cfg.extractor = args.extractor
    cfg.replicas = max(1, args.replicas)
    if cfg.url and cfg.replicas > 1:
        print("--replicas starts app processes; it cannot be combined with --url", file=sys.stderr)
        return 2
    cfg.require_no_errors_at = None if args.require_no_errors_at < 0 else args.require_no_errors_at
    if cfg.catalog and not Path(cfg.catalog).exists():
        print(f"catalog not found: {cfg.catalog}", file=sys.stderr)
        return 2
    try:
        result = run_load(cfg, log=lambda msg: print(msg, file=sys.stderr))
    except (RuntimeError, TimeoutError, ValueError) as exc:
        print(f"load test could not run: {exc}", file=sys.stderr)
        return 2
    print(markdown(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}", file=sys.stderr)
    return 0 if result["passed"] else 1
