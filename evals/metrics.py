"""Ranking metrics, computed exactly as the paper does (arXiv 2601.16492, Table 5).

Per query, then macro-averaged over queries:

* Precision@k = |relevant in top k| / k. The divisor is k even when fewer than k products come back
  (a filter that admits 2 products scores at most 2/k), as in the paper.
* Recall@k = |relevant in top k| / |relevant|.
* MRR@10: 1 / rank of the first relevant product in the top 10, 0 if none.
* nDCG@10 with binary gains.
* Constraint precision@k: the share of the returned top-k products that satisfy all of the query's
  constraints (divided by the number returned, since it measures what is shown; 1.0 when nothing
  comes back would flatter an empty list, so an empty list counts as 0).

    >>> precision_at_k(["a", "x"], {"a"}, 5)
    0.2
    >>> recall_at_k(["a", "x"], {"a", "b"}, 5)
    0.5
    >>> mrr_at_k(["x", "a"], {"a"})
    0.5
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

KS: tuple[int, ...] = (1, 2, 3, 5, 10)


def _hits(ranked: Sequence[str], relevant: set[str], k: int) -> int:
    return sum(1 for pid in ranked[:k] if pid in relevant)


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    if k <= 0:
        raise ValueError("k must be positive")
    return _hits(ranked, set(relevant), k) / k


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    return _hits(ranked, rel, k) / len(rel)


def mrr_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    rel = set(relevant)
    for i, pid in enumerate(ranked[:k], start=1):
        if pid in rel:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    rel = set(relevant)
    if not rel:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 1) for i, pid in enumerate(ranked[:k], start=1) if pid in rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(rel)) + 1))
    return dcg / ideal


def constraint_precision_at_k(satisfied: Sequence[bool], k: int) -> float:
    """Share of the returned top-k that satisfy every constraint; 0.0 for an empty list."""
    top = list(satisfied[:k])
    return sum(top) / len(top) if top else 0.0


def query_metrics(ranked: Sequence[str], relevant: Iterable[str], satisfied: Sequence[bool] | None = None,
                  ks: Sequence[int] = KS) -> dict[str, float]:
    """All metrics for one query: P@k, R@k for each k, MRR@10, nDCG@10 and (if given) CP@k."""
    rel = set(relevant)
    out: dict[str, float] = {}
    for k in ks:
        out[f"P@{k}"] = precision_at_k(ranked, rel, k)
    for k in ks:
        out[f"R@{k}"] = recall_at_k(ranked, rel, k)
    out["MRR@10"] = mrr_at_k(ranked, rel, 10)
    out["nDCG@10"] = ndcg_at_k(ranked, rel, 10)
    if satisfied is not None:
        for k in (1, 5, 10):
            out[f"CP@{k}"] = constraint_precision_at_k(satisfied, k)
    return out


def macro_average(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over queries (the paper's macro average)."""
    if not rows:
        return {}
    keys = list(rows[0])
    return {key: sum(r[key] for r in rows) / len(rows) for key in keys}
