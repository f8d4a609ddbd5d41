"""One page of results as a shopper sees it: verified, one card per model, close matches first.

`shape_page` turns a ranked pool of hits (already filtered) into the page shown; `card` builds a result card
with the variants of its model that also fit (`variants`, and `variants_label` for the window to show).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retrieval import ranking
from retrieval.filters import Filters
from retrieval.search import Hit, SearchEngine

from .describe import product_record, verified, why_it_fits


@dataclass
class Page:
    hits: list[Hit]
    more: bool  # the ranked pool holds more groups after this page
    close_matches: int | None = None  # set when the page stops early: only this many are close matches


def shape_page(engine: SearchEngine, hits: list[Hit], used: Filters, start: int, k: int,
               close_only: bool) -> Page:
    """One page of a ranked pool: verified against the filters, one card per model (or at most
    `max_per_model` of one), and on a first page by relevance only the close matches."""
    keep = set(verified(engine.table, [h.row for h in hits], used))
    grouped = ranking.group([h for h in hits if h.row in keep], lambda h: engine.variants.key(h.row),
                            engine.ranking)
    page = grouped[start:start + k]
    close = None
    sims = [h.similarity for h in grouped if h.similarity is not None]
    if close_only and page and sims and len(sims) == len(grouped):
        n = max(1, ranking.close_prefix([h.similarity or 0.0 for h in page], engine.ranking, max(sims)))
        if n < len(page):
            page, close = page[:n], n
    if close_only and page and page[0].model_match:  # "redmi note 11": the named model, not its neighbours
        n = ranking.model_prefix([h.model_match for h in page])
        if n < len(page):
            page, close = page[:n], n
    return Page(page, start + len(page) < len(grouped), close)


def card(engine: SearchEngine, h: Hit, pos: int, used: Filters, topic: str, allowed: Any) -> dict[str, Any]:
    """A result card: the product record, why it fits, and the variants of its model that also fit."""
    rec = dict(product_record(h.product, pos), why=why_it_fits(h.product, used, topic))
    if engine.ranking.group_variants:
        variants = engine.variants.variants(h.row, allowed)
        if variants["count"] > 1:
            rec["variants_label"] = variants.pop("label")
            rec["variants"] = variants
    return rec
