"""Do shopper words for a kind of product bring back that kind? Before/after the catalog's product types.

Queries: evals/devsets/category_queries.csv (query_id, split, query, product_type), written by hand across
the categories of the Amazon India electronics catalog (TVs, laptops, earbuds, smartwatches, power banks,
speakers, chargers, memory cards, cases, cameras...), split dev/test (tune on dev, report test).

For each query the rule extractor reads filters and a topic against the catalog's vocabulary, the engine
searches the topic under the filters, and each of the top 5 hits counts as right when its product type
(retrieval/roles.py, as the attribute table stores it) is the one the query asks for.

* before: the vocabulary without product types (the behaviour before extraction/categories.py);
* after: with them (words, then category names, then meaning with the index's MiniLM).

    PYTHONPATH=. python -m evals.category_queries --catalog ../shared/data/catalogs/amazon_in_electronics.jsonl.gz \
        [--split test] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from retrieval.search import SearchEngine
from retrieval.store import BuildOptions, open_engine

QUERIES = Path(__file__).resolve().parent / "devsets" / "category_queries.csv"
K = 5


def load_queries(path: Path = QUERIES, split: str | None = None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if split in (None, "all", r["split"])]


def hit_types(engine: SearchEngine, vocab: Vocabulary, query: str) -> tuple[list[str | None], dict[str, Any]]:
    """Product types of the top K hits for one query, and the filters the rules read."""
    result = RuleExtractor(vocab).extract(query)
    topic = result.topic or query
    hits = engine.search(topic, result.filters, k=K).hits
    if not hits and not result.filters.is_empty():  # the assistant relaxes an empty result; so do we
        hits = engine.search(query, None, k=K).hits
    table = engine.table
    kinds = [table.kinds[int(table.kind_codes[h.row])] if table.kind_codes is not None else None for h in hits]
    return kinds, result.filters.active()


def evaluate(engine: SearchEngine, vocab: Vocabulary, rows: list[dict[str, str]]) -> dict[str, Any]:
    per_query = []
    for r in rows:
        kinds, filters = hit_types(engine, vocab, r["query"])
        right = sum(k == r["product_type"] for k in kinds)
        per_query.append({"id": r["query_id"], "query": r["query"], "want": r["product_type"], "right_in_top5": right,
                          "top1": bool(kinds) and kinds[0] == r["product_type"], "filters": filters, "got": kinds})
    n = len(per_query) or 1
    return {"queries": len(per_query),
            "top1_right": sum(q["top1"] for q in per_query),
            "mean_right_in_top5": round(sum(q["right_in_top5"] for q in per_query) / n, 3),
            "all5_right": sum(q["right_in_top5"] == K for q in per_query),
            "any_right_in_top5": sum(q["right_in_top5"] > 0 for q in per_query),
            "per_query": per_query}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--catalog", required=True)
    p.add_argument("--cache-dir", default=".sift/index")
    p.add_argument("--split", default="test", choices=["dev", "test", "all"])
    p.add_argument("--no-meaning", action="store_true", help="after: words and category names only")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    engine = open_engine(Path(args.catalog), args.cache_dir, BuildOptions(show_progress=False))
    after = Vocabulary.from_products(engine.products)
    if not args.no_meaning and engine.embedder is not None:
        after.encoder = engine.embedder.encode_queries
    before = replace(after, product_types=[], type_examples={}, type_subcategories={}, categories=[], encoder=None)
    rows = load_queries(split=args.split)
    report = {"split": args.split, "before": evaluate(engine, before, rows), "after": evaluate(engine, after, rows)}
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        print()
    else:
        for name in ("before", "after"):
            r = report[name]
            print(f"{name:6s} queries={r['queries']} top1={r['top1_right']} any-in-top5={r['any_right_in_top5']} "
                  f"all5={r['all5_right']} mean-right-in-top5={r['mean_right_in_top5']}")
        for b, a in zip(report["before"]["per_query"], report["after"]["per_query"], strict=True):
            print(f"{a['id']} {a['right_in_top5']}/5 (was {b['right_in_top5']}) {a['query']!r} want={a['want']} "
                  f"got={a['got']} {a['filters']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
