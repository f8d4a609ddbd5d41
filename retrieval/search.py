"""The search engine: semantic query + `Filters` -> ranked, verified hits.

    >>> engine = open_engine("catalog.jsonl.gz")                              # doctest: +SKIP
    >>> r = engine.search("unlocked samsung phone", Filters(price_max=300), k=10)  # doctest: +SKIP
    >>> r.matched, r.exhaustive, r.hits[0].product.title                      # doctest: +SKIP
    (412, True, 'Samsung Galaxy A14 ...')
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .attributes import AttributeTable
from .catalog import Product
from .embedder import Embedder
from .filters import Filters
from .index import VectorIndex
from .lexical import TitleWords
from .model_match import model_rows
from .query_terms import excluded_rows, split_query
from .ranking import MODEL_BOOST, RankingOptions, boosted, prior, with_prior
from .roles import kind_of
from .variants import VariantIndex

log = logging.getLogger(__name__)


# Orders a result list can have besides relevance; "rating" and "reviews" are highest first.
SORTS = ("relevance", "price_asc", "price_desc", "rating", "reviews")
SORT_POOL = 100  # with a query, the most relevant matches that a sort reorders ...
SORT_RELEVANCE = 0.8  # ... keeping those scoring at least this share of the best score


@dataclass
class Hit:
    row: int
    score: float  # what the list is ordered by: similarity + the quality prior for a query
    product: Product
    similarity: float | None = None  # the query-product similarity alone (None: no query)
    model_match: bool = False  # the title carries the model the query names ("note 11"; retrieval/model_match.py)

    def to_json(self) -> dict[str, Any]:
        p = self.product
        return {"id": p.id, "title": p.title, "brand": p.brand, "price": p.price,
                "average_rating": p.average_rating, "rating_number": p.rating_number,
                "subcategory": p.subcategory, "score": round(float(self.score), 4)}


@dataclass
class SearchResult:
    query: str
    filters: Filters
    matched: int
    exhaustive: bool
    hits: list[Hit]
    offset: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "filters": self.filters.active(), "matched": self.matched,
                "exhaustive": self.exhaustive, "hits": [h.to_json() for h in self.hits],
                "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()}}


@dataclass
class SearchEngine:
    """Products + attribute table + vector index + the embedder that built it."""

    products: list[Product]
    table: AttributeTable
    index: VectorIndex  # or any backend with the same `search` contract (e.g. QdrantBackend)
    embedder: Embedder | None
    manifest: dict[str, Any] = field(default_factory=dict)
    ranking: RankingOptions = field(default_factory=RankingOptions)

    def __post_init__(self) -> None:
        self.row_of = {p.id: i for i, p in enumerate(self.products)}
        # Popularity prior for queries with no words ("only black ones" before any topic):
        # well-rated products with many ratings first.
        reviews = np.nan_to_num(self.table.review_count, nan=0.0)
        rating = np.nan_to_num(self.table.rating, nan=3.0)
        self._popularity = (rating * np.log1p(reviews)).astype(np.float32)
        self._prior: tuple[RankingOptions, np.ndarray] | None = None
        self._variants: VariantIndex | None = None
        self._titles: list[str] | None = None
        self._words: TitleWords | None = None

    @property
    def prior(self) -> np.ndarray:
        """Per row, what the ranking adds to a query's similarity (`retrieval.ranking.prior`)."""
        if self._prior is None or self._prior[0] != self.ranking:  # options can be swapped (evaluation)
            self._prior = (self.ranking, prior(self.table.rating, self.table.review_count, self.ranking))
        return self._prior[1]

    @property
    def variants(self) -> VariantIndex:
        """Variant groups of the catalog, built on first use (a regex pass over the titles)."""
        if self._variants is None:
            self._variants = VariantIndex(self.products)
        return self._variants

    @property
    def titles(self) -> list[str]:
        """Lower-cased titles, for matching the model names a query carries."""
        if self._titles is None:
            self._titles = [p.title.lower() for p in self.products]
        return self._titles

    @property
    def title_words(self) -> TitleWords:
        """The title-word index for the lexical signal (`retrieval.lexical`), built on first use."""
        if self._words is None:
            self._words = TitleWords(self.titles)
        return self._words

    @property
    def size(self) -> int:
        return len(self.products)

    def product(self, product_id: str) -> Product | None:
        row = self.row_of.get(product_id)
        return None if row is None else self.products[row]

    def search(self, query: str, filters: Filters | None = None, k: int = 10, offset: int = 0,
               sort: str | None = None) -> SearchResult:
        """One query is a batch of one. `sort` (one of `SORTS`) orders the results by an attribute instead
        of relevance: without a query over every matching product (exact); with one, over the
        `SORT_POOL` most relevant matches, so "cheapest case with a card holder" is still about card holders."""
        if sort and sort != "relevance":
            return self._sorted(query, filters or Filters(), k, offset, sort)
        return self.search_batch([query], [filters or Filters()], k=k, offset=offset)[0]

    def _sorted(self, query: str, filters: Filters, k: int, offset: int, sort: str) -> SearchResult:
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        t0 = time.perf_counter()
        q = query.strip()
        if q:
            base = self.search_batch([q], [filters], k=max(SORT_POOL, k + offset))[0]
            hits = base.hits
            if hits and hits[0].score > 0:  # only the clearly relevant part of the pool is reordered
                close = [h for h in hits if h.score >= SORT_RELEVANCE * hits[0].score]
                hits = close if len(close) >= k + offset else hits[:k + offset]
            rows = np.array([h.row for h in hits], dtype=np.int64)
            matched, exhaustive = base.matched, base.exhaustive
        else:
            restricted = self.table.restricts(filters)  # sold-out products are left out even without filters
            rows = self.table.allowed_ids(filters) if restricted else np.arange(self.size, dtype=np.int64)
            matched, exhaustive = int(rows.size), True
        order = rows[self._sort_order(rows, sort)][offset:offset + k]
        hits = [Hit(int(r), 1.0, self.products[int(r)]) for r in order]
        return SearchResult(q, filters, matched, exhaustive, hits, offset=offset,
                            timings_ms={"total": (time.perf_counter() - t0) * 1e3})

    def _sort_order(self, rows: np.ndarray, sort: str) -> np.ndarray:
        """Positions of `rows` in sort order; products without the sorted attribute come last."""
        t = self.table
        if sort in ("price_asc", "price_desc"):
            price = t.price[rows]
            key = np.where(np.isnan(price), np.inf, price if sort == "price_asc" else -price)
            return np.lexsort((-self._popularity[rows], key))
        if sort == "rating":
            rating = np.nan_to_num(t.rating[rows], nan=-1.0)
            return np.lexsort((-np.nan_to_num(t.review_count[rows], nan=0.0), -rating))
        reviews = np.nan_to_num(t.review_count[rows], nan=-1.0)  # "reviews"
        return np.lexsort((-np.nan_to_num(t.rating[rows], nan=0.0), -reviews))

    def search_batch(self, queries: Sequence[str], filters: Sequence[Filters], k: int = 10,
                     offset: int = 0) -> list[SearchResult]:
        if len(queries) != len(filters):
            raise ValueError("queries and filters must have the same length")
        t0 = time.perf_counter()
        allowed = [self.table.allowed_ids(f) if self.table.restricts(f) else None for f in filters]
        split = [split_query(q.strip()) for q in queries]
        texts = [text for text, _ in split]
        # Ruled-out words ("laptop -bag"): the listings whose titles carry them are left out. FAISS is handed
        # the narrowed rows; a backend that filters on its own payload (Qdrant) is told which rows were taken
        # out (computed only for such a backend: a set difference over the catalog per query).
        narrowed = [self._without(allow, out, f) if out else allow
                    for allow, (_, out), f in zip(allowed, split, filters, strict=True)]
        payload_filtered = not isinstance(self.index, VectorIndex)
        excluded = [np.setdiff1d(np.arange(self.size, dtype=np.int64) if before is None else before, after)
                    if payload_filtered and after is not before else None
                    for before, after in zip(allowed, narrowed, strict=True)]
        allowed = narrowed
        t1 = time.perf_counter()
        need_embed = [i for i, q in enumerate(texts) if q]
        qvecs = None
        if need_embed:
            if self.embedder is None:
                raise RuntimeError("this engine was opened without an embedder; pass one to search by text")
            qvecs = self.embedder.encode_queries([texts[i] for i in need_embed])
        t2 = time.perf_counter()
        results: list[SearchResult] = []
        want = k + offset
        for i, (q, f, allow, out) in enumerate(zip(texts, filters, allowed, excluded, strict=True)):
            model_of: set[int] = set()
            matched = self.size if allow is None else int(allow.size)
            if matched == 0:
                ids, scores, exhaustive = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), True
            elif q:
                vec = qvecs[need_embed.index(i)][None, :]  # type: ignore[index]
                ids, scores, sim_of, model_of, exhaustive = self._ranked(q, vec, allow, f, want, out)
            else:
                ids, scores = self._by_popularity(allow, want)
                sim_of, exhaustive = {}, True
            hits = [Hit(int(r), float(s), self.products[int(r)], sim_of.get(int(r)), int(r) in model_of)
                    for r, s in zip(ids, scores, strict=True) if r >= 0]
            hits = hits[offset:]
            results.append(SearchResult(q, f, matched, exhaustive, hits, offset=offset))
        t3 = time.perf_counter()
        for r in results:
            r.timings_ms = {"filter": (t1 - t0) * 1e3, "embed": (t2 - t1) * 1e3, "search": (t3 - t2) * 1e3,
                            "total": (t3 - t0) * 1e3}
        return results

    def _ranked(self, q: str, vec: np.ndarray, allow: np.ndarray | None, f: Filters, want: int,
                excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, dict[int, float], set[int], bool]:
        """(rows, scores, similarity per row, rows carrying the named model, exhaustive) for one query text:
        similarity + the quality prior + the lexical signal, the named model first."""
        # The prior moves a hit by at most w, so a few more candidates than shown are enough; the lexical
        # signal moves one further, so it reorders a deeper list (the same depth on every backend).
        depth = want + min(want, 20) if self.ranking.lexical_weight <= 0 else 2 * want + 20
        if excluded is not None:  # only for a payload-filtering backend; FAISS's `allow` already leaves them out
            out = self.index.search(vec, depth, allow, filters=f, excluded=excluded)
        else:
            out = self.index.search(vec, depth, allow, filters=f)
        ids, sims = out.ids[0], out.scores[0]
        models = self._model_rows(q, allow)
        if models is not None:  # the listings carrying the named model, wherever the embedder put them
            ids, sims = self._with_rows(vec, ids, sims, models, depth)
        bonus = self.prior
        if self.ranking.lexical_weight > 0:  # titles that say what the query says
            bonus = self.prior + self.ranking.lexical_weight * self.title_words.coverage(q)
        sim_of = {int(r): float(s) for r, s in zip(ids, sims, strict=True) if r >= 0}
        ids, scores = with_prior(ids, sims, bonus)
        model_of: set[int] = set()
        if models is not None:
            model_of = set(models.tolist())
            ids, scores = boosted(ids, scores, model_of, MODEL_BOOST)
        return ids[:want], scores[:want], sim_of, model_of, out.exhaustive

    def _without(self, allowed: np.ndarray | None, phrases: list[str], f: Filters) -> np.ndarray | None:
        """The allowed rows whose titles carry none of the ruled-out phrases (`retrieval.query_terms`). A
        phrase naming another product type than the one filtered on is left to that filter: "earbuds, not a
        case" must not lose the earbuds that come "with charging case"."""
        if f.product_type:
            phrases = [p for p in phrases if kind_of(p) in (None, f.product_type)]
        if not phrases:
            return allowed
        rows = np.arange(self.size, dtype=np.int64) if allowed is None else allowed
        return excluded_rows(self.titles, rows, phrases)

    def _model_rows(self, query: str, allowed: np.ndarray | None) -> np.ndarray | None:
        """Allowed rows whose titles carry the model the query names; None when it names none the shop sells."""
        rows = np.arange(self.size, dtype=np.int64) if allowed is None else allowed
        return model_rows(query, self.titles, rows, self.title_words.with_number)

    def _with_rows(self, vec: np.ndarray, ids: np.ndarray, sims: np.ndarray,
                   rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The candidates plus the `k` of `rows` most similar to the query (exact, over just those rows)."""
        if rows.size == 0 or not hasattr(self.index, "exact_subset"):
            return ids, sims  # a backend that cannot search a row subset: boost what it returned
        extra = self.index.exact_subset(vec, min(k, int(rows.size)), np.sort(rows))
        seen = set(ids.tolist())
        new = [(int(r), float(s)) for r, s in zip(extra.ids[0], extra.scores[0], strict=True)
               if r >= 0 and int(r) not in seen]
        if not new:
            return ids, sims
        return (np.concatenate([ids, np.array([r for r, _ in new], dtype=ids.dtype)]),
                np.concatenate([sims, np.array([s for _, s in new], dtype=sims.dtype)]))

    def _by_popularity(self, allowed: np.ndarray | None, k: int) -> tuple[np.ndarray, np.ndarray]:
        rows = np.arange(self.size, dtype=np.int64) if allowed is None else allowed
        if rows.size == 0:
            return rows, np.zeros(0, dtype=np.float32)
        pop = self._popularity[rows]
        kk = min(k, rows.size)
        top = np.argpartition(-pop, kk - 1)[:kk] if kk < rows.size else np.arange(rows.size)
        top = top[np.argsort(-pop[top], kind="stable")]
        # Scores are popularity, not similarity; scale into (0, 1) so they read like other scores.
        return rows[top], (pop[top] / (1.0 + pop[top])).astype(np.float32)
