"""`sift` command line: the shell around the components. Reads settings once, wires, prints.

    sift catalog stats FILE [--json]
    sift index build [--catalog FILE] [--rebuild]
    sift index update [--catalog FILE]   # re-read a changed catalog, embed only new or changed product texts
    sift search "QUERY" [--catalog FILE] [--filter price_max=300 --filter brand=Samsung] [--k 10] [--json]
    sift demo                     # the assistant on the embedded demo catalog (terminal)

The other commands live by domain in `sift/commands/` (extract, chat, transcripts, train, eval, bench);
`build_parser` registers them all.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.catalog import CatalogError, FeedOptions, LoadReport, iter_products
from retrieval.feeds.stats import FeedStats
from retrieval.filters import FilterError, parse_filter_args

from .commands import bench, chat, conversations, extraction, load, retrieval, transcripts
from .commands.common import print_json as _print_json
from .commands.common import subcommands
from .settings import Settings

if TYPE_CHECKING:
    from retrieval.search import SearchEngine

# Start-up: `sift --help` imports this module and every `sift/commands/` module, so what only one command
# needs (the index store, the extractors, the agent, Chainlit, the evaluations) is imported inside that
# command's handler, each marked `# lazy:` with its reason.


# ---------------------------------------------------------------------------------------------- catalog
def cmd_catalog_stats(args: argparse.Namespace) -> int:
    report = LoadReport(max_listed=args.max_errors)
    options, feed = FeedOptions(currency=args.currency.upper(), shop_url=args.shop_url), FeedStats()
    n = 0
    present: Counter[str] = Counter()
    facets: dict[str, Counter[str]] = {k: Counter() for k in ("subcategory", "brand", "color", "carrier",
                                                               "condition", "storage_gb")}
    try:
        for p in iter_products(args.file, report=report, options=options):
            n += 1
            feed.add(p)
            for name in ("price", "average_rating", "rating_number", "brand", "color", "storage_gb", "subcategory",
                         "image_url"):
                if getattr(p, name) not in (None, ""):
                    present[name] += 1
            if p.carriers:
                present["carrier"] += 1
            present.update(f"spec:{name}" for name in p.specs)  # attributes with units (retrieval/specs.py)
            if p.features or p.description:
                present["features_or_description"] += 1
            facets["subcategory"][p.subcategory or "(none)"] += 1
            facets["brand"][p.brand or "(none)"] += 1
            for c in p.colors:
                facets["color"][c] += 1
            for c in p.carriers:
                facets["carrier"][c] += 1
            facets["condition"][p.condition] += 1
            if p.storage_gb:
                facets["storage_gb"][f"{p.storage_gb:g} GB"] += 1
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    coverage = {k: round(present[k] / n, 4) if n else 0.0 for k in sorted(present)}
    top = {k: dict(c.most_common(args.top)) for k, c in facets.items()}
    out = {"file": str(args.file), "rows": report.rows, "products": n, "skipped": report.skipped,
           "errors": [{"line": e.line, "reason": e.reason} for e in report.errors[: args.max_errors]],
           "field_warnings": len(report.warnings), "coverage": coverage, "facets": top,
           "feed": feed.to_dict(report.format, options, args.top)}
    if args.json:
        _print_json(out)
        return 0
    print(report.summary())
    print("\nfeed:\n" + "\n".join(f"  {k:<24} {v}" for k, v in out["feed"].items()))
    print("\nfield coverage:")
    for k, v in coverage.items():
        print(f"  {k:<24} {v:6.1%}")
    for facet, counts in top.items():
        print(f"\n{facet} (top {args.top} of {len(facets[facet])}):")
        for value, c in counts.items():
            print(f"  {value:<40} {c}")
    return 0


# ---------------------------------------------------------------------------------------------- index/search
def _engine(args: argparse.Namespace, **options: bool) -> SearchEngine:
    from .wiring import build_engine  # lazy: the index store, extractors and demo catalog generator (~25 ms)

    return build_engine(args.settings, args.catalog, **options)


def cmd_index_build(args: argparse.Namespace) -> int:
    engine = _engine(args, rebuild=args.rebuild)
    m = engine.manifest
    print(f"index ready: {m.get('count')} products, {m.get('index_kind')} index, model {m.get('model')}, "
          f"build seconds {m.get('build_seconds', 'reused from cache')}")
    return 0


def cmd_index_update(args: argparse.Namespace) -> int:
    from retrieval.store import describe  # lazy: the index store (FAISS) stays out of `sift --help`

    from .wiring import build_engine

    print(describe(build_engine(args.settings, args.catalog, for_queries=False).manifest))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    try:
        filters = parse_filter_args(args.filter or [])
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = _engine(args, show_progress=not args.json)
    result = engine.search(args.query, filters, k=args.k)
    if args.json:
        _print_json(result.to_json())
        return 0
    print(f"{result.matched} products match {filters.active() or 'no filter'}"
          f"{'' if result.exhaustive else ' (approximate search)'}")
    for i, h in enumerate(result.hits, 1):
        p = h.product
        price = f"${p.price:,.2f}" if p.price is not None else "no price"
        stars = f"{p.average_rating:.1f}*" if p.average_rating is not None else "-"
        print(f"{i:>2}. [{h.score:.3f}] {p.title[:90]}  | {p.brand} | {price} | {stars} ({p.rating_number or 0})")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Terminal search prompt on the demo catalog: a query, optionally followed by `| key=value ...` filters."""
    engine = _engine(args)
    print(f"Sift search on {engine.size} products. Type a query, optionally `| price_max=300 brand=Samsung`; "
          "empty line or Ctrl-D quits.")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            break
        query, _, rest = line.partition("|")
        try:
            filters = parse_filter_args(rest.split())
        except FilterError as exc:
            print(exc)
            continue
        result = engine.search(query, filters, k=5)
        print(f"{result.matched} match")
        for h in result.hits:
            print(f"  - {h.product.title[:100]} | {h.product.price} | {h.product.average_rating}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from . import ui  # lazy: chat-window glue (~7 ms), only for `sift serve`

    return ui.serve(args.settings, host=args.host, port=args.port)


# ---------------------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sift", description="Conversational product search.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)

    def catalog_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--catalog", type=Path, default=None,
                       help="catalog file (Amazon-2023 JSONL[.gz], Merchant Center TSV/XML, Shopify CSV export, "
                            "CSV/JSONL); default: the demo catalog")

    cat = sub.add_parser("catalog", help="inspect catalog files").add_subparsers(dest="catalog_cmd", required=True)
    stats = cat.add_parser("stats", help="counts, field coverage and facet values of a catalog file")
    stats.add_argument("file", type=Path)
    stats.add_argument("--top", type=int, default=15)
    stats.add_argument("--max-errors", type=int, default=50)
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--currency", default="USD", help="ISO code of prices the feed writes without one "
                       "(the Shopify export states none); default USD")
    stats.add_argument("--shop-url", default=None, help="the shop's address, for Shopify product links "
                       "(SHOP/products/HANDLE)")
    stats.set_defaults(func=cmd_catalog_stats)

    idx = sub.add_parser("index", help="build vector indexes").add_subparsers(dest="index_cmd", required=True)
    build = idx.add_parser("build", help="build (or reuse) the index of a catalog")
    catalog_opts(build)
    build.add_argument("--rebuild", action="store_true", help="rebuild even if the cached index is current")
    build.set_defaults(func=cmd_index_build)
    update = idx.add_parser("update", help="re-read a changed catalog; embed only new or changed product texts")
    catalog_opts(update)
    update.set_defaults(func=cmd_index_update)

    search = sub.add_parser("search", help="filtered semantic search")
    search.add_argument("query")
    catalog_opts(search)
    search.add_argument("--filter", action="append", metavar="KEY=VALUE",
                        help="a constraint, repeatable: price_max=300, brand=Samsung, average_rating_min=4 ...")
    search.add_argument("--k", type=int, default=10)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)

    demo = sub.add_parser("demo", help="terminal search prompt on the demo catalog")
    catalog_opts(demo)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="the chat window (Chainlit) for shoppers and staff")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    # Each domain adds its own sub-commands; the `train`, `eval` and `bench` groups are shared.
    chat.register(sub)
    transcripts.register(sub)
    retrieval.add_train_embedder(subcommands(sub, "train", "train models"))
    evals = subcommands(sub, "eval", "evaluations")
    conversations.add_eval_conversations(evals)
    retrieval.add_eval_retrieval(evals)
    extraction.register(sub)
    bench.register(sub)
    load.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    level = {0: settings.log_level, 1: "INFO"}.get(args.verbose, "DEBUG")
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args.settings = settings
    args.cache_dir = settings.cache_dir
    args.models_dir = settings.models_dir
    if getattr(args, "catalog", None) is None:
        args.catalog = settings.catalog
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from retrieval.store import IndexCacheError  # lazy: the index store (~10 ms), only on this error path

        if isinstance(exc, CatalogError | IndexCacheError):  # a bad SIFT_CATALOG or cache folder: say what to do
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
