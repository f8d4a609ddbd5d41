"""Does the result list look like what a shopper wants? Quality prior, variant grouping, close-match cut.

On a catalog and its dev qrels (ESCI-style CSV, filters from the rule extractor as in `sift eval retrieval`):

* **prior**: R@k / MRR@10 / nDCG@10 of "pretrained + filters" for each quality weight w (w = 0 is the
  engine without the prior), so the weight can be chosen where relevance does not drop.
* **grouping**: distinct models among the top five cards and model-level recall@5 (a model counts as found
  when any of its listings is shown), without and with one card per model.
* **cut**: for each (ratio, floor) of the close-match cut, how many cards a first page keeps on average and
  the share of relevant products in the top five that the cut would hide.
* **quality queries** (``--quality FILE``, one query per line, e.g. evals/devsets/quality_queries.txt):
  products in the top five with under 3 stars from fewer than `FEW_REVIEWS` ratings while a product with at
  least 4 stars and `FEW_REVIEWS` ratings was among the matches, counted without and with the prior.

    python -m evals.ranking_eval --catalog ../shared/data/catalogs/amazon_us_phones.jsonl.gz \\
        --qrels evals/devsets/us_phones_dev.csv --quality evals/devsets/quality_queries.txt --json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import macro_average, query_metrics
from evals.retrieval_eval import QrelQuery, make_rule_extractor, parse_qrels
from retrieval.embedder import DEFAULT_MODEL
from retrieval.filters import Filters
from retrieval.ranking import RankingOptions, close_prefix, group
from retrieval.search import Hit, SearchEngine
from retrieval.store import BuildOptions, open_engine

# (w, penalty under 3 stars): the first is the engine without any prior
WEIGHTS = ((0.0, 0.0), (0.02, 0.0), (0.05, 0.0), (0.1, 0.0), (0.0, 0.03), (0.02, 0.03), (0.05, 0.03),
           (0.05, 0.05), (0.1, 0.05))
CUTS = tuple((r, f) for r in (0.7, 0.8, 0.85) for f in (0.35, 0.45, 0.55))
FEW_REVIEWS = 20
POOL = 50


def _ranked(engine: SearchEngine, texts: Sequence[str], filters: Sequence[Filters], k: int,
            weight: tuple[float, float]) -> list[list[Hit]]:
    engine.ranking = dataclasses.replace(engine.ranking, quality_weight=weight[0], poor_penalty=weight[1])
    return [r.hits for r in engine.search_batch(list(texts), list(filters), k=k)]


def prior_rows(engine: SearchEngine, queries: Sequence[QrelQuery], filters: Sequence[Filters],
               weights: Sequence[tuple[float, float]] = WEIGHTS) -> list[dict[str, Any]]:
    rows = []
    for w in weights:
        ranked = _ranked(engine, [q.query for q in queries], filters, 10, w)
        per = [query_metrics([h.product.id for h in hits], q.relevant) for q, hits in zip(queries, ranked, strict=True)]
        m = macro_average(per)
        rows.append({"w": w[0], "penalty": w[1], **{k: round(m[k], 4) for k in ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10")}})
    return rows


def grouping_rows(engine: SearchEngine, queries: Sequence[QrelQuery], filters: Sequence[Filters],
                  weight: tuple[float, float]) -> list[dict[str, Any]]:
    ranked = _ranked(engine, [q.query for q in queries], filters, POOL, weight)
    key = engine.variants.key
    out = []
    for grouped in (False, True):
        opts = dataclasses.replace(engine.ranking, group_variants=grouped, max_per_model=POOL)
        distinct, recall = [], []
        for q, hits in zip(queries, ranked, strict=True):
            top = group(hits, lambda h: key(h.row), opts)[:5]
            models = {key(h.row) for h in top}
            relevant = {key(engine.row_of[p]) for p in q.relevant if p in engine.row_of}
            distinct.append(len(models))
            recall.append(len(models & relevant) / len(relevant) if relevant else 0.0)
        out.append({"one_card_per_model": grouped, "distinct_models_top5": round(float(np.mean(distinct)), 3),
                    "model_R@5": round(float(np.mean(recall)), 4)})
    return out


def cut_rows(engine: SearchEngine, queries: Sequence[QrelQuery], filters: Sequence[Filters],
             weight: tuple[float, float]) -> list[dict[str, Any]]:
    ranked = _ranked(engine, [q.query for q in queries], filters, 5, weight)
    out = []
    for ratio, floor in CUTS:
        opts = RankingOptions(close_ratio=ratio, close_floor=floor)
        kept, hidden, relevant = [], 0, 0
        for q, hits in zip(queries, ranked, strict=True):
            sims = [h.similarity or 0.0 for h in hits]
            if not sims:
                continue
            n = max(1, close_prefix(sims, opts))
            kept.append(n)
            rel = [i for i, h in enumerate(hits) if h.product.id in q.relevant]
            relevant += len(rel)
            hidden += sum(1 for i in rel if i >= n)
        out.append({"ratio": ratio, "floor": floor, "cards_kept": round(float(np.mean(kept)), 3),
                    "relevant_hidden": round(hidden / max(relevant, 1), 4)})
    return out


def quality_rows(engine: SearchEngine, texts: Sequence[str], weight: tuple[float, float]) -> list[dict[str, Any]]:
    extract = make_rule_extractor(engine.table)
    filters = [extract(t) for t in texts]
    out = []
    for w in dict.fromkeys([(0.0, 0.0), *WEIGHTS, weight]):
        ranked = _ranked(engine, texts, filters, POOL, w)
        bad, worse_than_available = 0, 0
        per_query = []
        for t, hits in zip(texts, ranked, strict=True):
            top = group(hits, lambda h: engine.variants.key(h.row), engine.ranking)[:5]
            good = any(_good(h) for h in hits)
            poor = [h for h in top if _poor(h)]
            bad += len(poor)
            worse_than_available += len(poor) if good else 0
            per_query.append({"query": t, "top5": [f"{h.product.average_rating}*/{h.product.rating_number} "
                                                    f"{h.product.title[:50]}" for h in top]})
        row: dict[str, Any] = {"w": w[0], "penalty": w[1], "poor_in_top5": bad,
                               "poor_while_better_exist": worse_than_available}
        if w in ((0.0, 0.0), weight):
            row["queries"] = per_query
        out.append(row)
    return out


def _poor(h: Hit) -> bool:
    r, n = h.product.average_rating, h.product.rating_number or 0
    return r is not None and r < 3.0 and n < FEW_REVIEWS


def _good(h: Hit) -> bool:
    r, n = h.product.average_rating, h.product.rating_number or 0
    return r is not None and r >= 4.0 and n >= FEW_REVIEWS


def run(catalog: str, qrels: str | None, cache_dir: str, model: str, quality: str | None,
        weight: tuple[float, float]) -> dict[str, Any]:
    engine = open_engine(catalog, cache_dir, BuildOptions(model=model, show_progress=False))
    result: dict[str, Any] = {"catalog": catalog, "products": engine.size, "weight": weight}
    if qrels:
        queries, _ = parse_qrels(qrels)
        extract = make_rule_extractor(engine.table)
        filters = [extract(q.query) for q in queries]
        result.update(qrels=qrels, queries=len(queries), prior=prior_rows(engine, queries, filters),
                      grouping=grouping_rows(engine, queries, filters, weight),
                      cut=cut_rows(engine, queries, filters, weight))
    if quality:
        texts = [t.strip() for t in Path(quality).read_text(encoding="utf-8").splitlines()
                 if t.strip() and not t.startswith("#")]
        result["quality"] = quality_rows(engine, texts, weight)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--catalog", required=True)
    p.add_argument("--qrels", default=None)
    p.add_argument("--quality", default=None, help="file of quality queries, one a line")
    p.add_argument("--cache-dir", default=".sift/index")
    p.add_argument("--model", default=None, help="embedder (default: packaged all-MiniLM-L6-v2)")
    p.add_argument("--weight", type=float, default=RankingOptions().quality_weight)
    p.add_argument("--penalty", type=float, default=RankingOptions().poor_penalty)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    out = run(args.catalog, args.qrels, args.cache_dir, args.model or DEFAULT_MODEL, args.quality,
              (args.weight, args.penalty))
    if args.json:
        json.dump(out, sys.stdout, indent=2)
    else:
        for section in ("prior", "grouping", "cut"):
            for row in out.get(section, []):
                print(section, row)
        for row in out.get("quality", []):
            print("quality", {k: v for k, v in row.items() if k != "queries"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
