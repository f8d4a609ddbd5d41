"""Searching with preferences ("ideally black") and with an extra row mask (accessories that fit a phone).

A soft constraint is a filter while products meet it with the rest: "Preferring black: 3 of the 12 matches".
When none do, the search runs without it and the products closest to it come first (those meeting more of
the preferences, then, for a bound such as "if possible under $250", the nearest to it): "No black ones
match the rest, so the others are shown, closest first." Either way the result says which.

    >>> result, used, note = search(engine, "phone", filters, ["color"], k=5)        # doctest: +SKIP
    >>> note                                                                          # doctest: +SKIP
    {'applied': ['black'], 'matched': 3, 'without': 12}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from retrieval.filters import NUMERIC_FIELDS, Filters
from retrieval.query_terms import excluded_rows, split_query
from retrieval.search import Hit, SearchEngine, SearchResult

from .describe import constraint_label

POOL = 100  # with nothing meeting the preferences, the most relevant matches reordered by closeness


def search(engine: SearchEngine, query: str, filters: Filters, soft: list[str], k: int, offset: int = 0,
           sort: str = "relevance", extra: np.ndarray | None = None,
           ) -> tuple[SearchResult, Filters, dict[str, Any] | None]:
    """(result, the filters every hit satisfies, a note on the preferences or None)."""
    active = filters.active()
    soft = [f for f in soft if f in active]
    if not soft:
        return _run(engine, query, filters, k, offset, sort, extra), filters, None
    hard = filters.without(*soft)
    labels = [constraint_label(f, active[f], filters, engine.table.levels) for f in dict.fromkeys(soft)]
    labels = list(dict.fromkeys(labels))
    without = _count(engine, hard, extra)
    with_soft = _count(engine, filters, extra)
    if with_soft:
        note = {"applied": labels, "matched": with_soft, "without": without}
        return _run(engine, query, filters, k, offset, sort, extra), filters, note
    if not without:  # nothing matches even without the preferences: the relaxation offers explain it
        return _run(engine, query, filters, k, offset, sort, extra), filters, None
    pool = _run(engine, query, hard, max(POOL, offset + k), 0, sort, extra)
    hits = sorted(pool.hits, key=_closeness(engine, filters, soft))  # stable: relevance breaks ties
    result = SearchResult(pool.query, hard, pool.matched, pool.exhaustive, hits[offset:offset + k], offset=offset)
    return result, hard, {"relaxed": labels, "matched": 0, "without": without}


def _closeness(engine: SearchEngine, filters: Filters, soft: list[str]) -> Any:
    """Sort key: more preferences met first, then the smallest relative miss on a soft bound."""
    table, active = engine.table, filters.active()
    masks = [table.mask(Filters(**{f: active[f]})) for f in soft]
    bounds = [(f, active[f]) for f in soft if f in NUMERIC_FIELDS and not isinstance(active[f], str)]

    def key(h: Hit) -> tuple[int, float]:
        met = sum(bool(m[h.row]) for m in masks)
        miss = 0.0
        for f, bound in bounds:
            value = table.column(NUMERIC_FIELDS[f][0])[h.row]
            if np.isnan(value):
                miss += 1.0
            elif NUMERIC_FIELDS[f][1] == "max":
                miss += max(0.0, value - bound) / max(bound, 1e-9)
            else:
                miss += max(0.0, bound - value) / max(bound, 1e-9)
        return -met, miss
    return key


def _count(engine: SearchEngine, filters: Filters, extra: np.ndarray | None) -> int:
    mask = engine.table.mask(filters)
    return int((mask & extra).sum() if extra is not None else mask.sum())


def _run(engine: SearchEngine, query: str, filters: Filters, k: int, offset: int, sort: str,
         extra: np.ndarray | None) -> SearchResult:
    if extra is None:
        return engine.search(query, filters, k=k, offset=offset, sort=sort)
    return within(engine, query, filters, extra, k, offset)


def within(engine: SearchEngine, query: str, filters: Filters, extra: np.ndarray, k: int,
           offset: int = 0) -> SearchResult:
    """The search restricted to `extra` rows as well: by similarity to `query` when there is one, else the
    well-rated products with many ratings first."""
    allowed = np.flatnonzero(engine.table.mask(filters) & extra).astype(np.int64)
    q, ruled_out = split_query(query.strip())  # "case -leather": the ruled-out words are left out of titles
    if ruled_out:
        allowed = excluded_rows(engine.titles, allowed, ruled_out)
    if allowed.size and q and engine.embedder is not None:
        out = engine.index.search(engine.embedder.encode_queries([q]), k + offset, allowed, filters=filters)
        rows, scores = out.ids[0], out.scores[0]
    else:
        rating = np.nan_to_num(engine.table.column("rating")[allowed], nan=3.0)
        reviews = np.nan_to_num(engine.table.column("review_count")[allowed], nan=0.0)
        order = np.argsort(-(rating * np.log1p(reviews)), kind="stable")[:k + offset]
        rows, scores = allowed[order], np.ones(order.size, dtype=np.float32)
    hits = [Hit(int(r), float(s), engine.products[int(r)]) for r, s in zip(rows, scores, strict=True) if r >= 0]
    return SearchResult(q, filters, int(allowed.size), True, hits[offset:], offset=offset)
