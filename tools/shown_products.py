"""Shown products as the product_details tool reads them: named by a description ("the black one"), picked by
a ranking ("the cheaper one"), their records with the constraints they fail, and who wins a comparison.
"""

from __future__ import annotations

import re
from typing import Any

from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.search import SearchEngine

from .describe import constraint_labels, product_record, why_it_fits


def described(items: list[Product], describe: str) -> Product | None:
    """The first product whose title, brand, color or storage holds every word of `describe`."""
    words = re.findall(r"[a-z0-9+]+", describe.lower())
    for p in items:
        hay = " ".join(filter(None, [p.title, p.brand, p.color, f"{p.storage_gb:g}gb" if p.storage_gb else None,
                                     f"{p.storage_gb:g} gb" if p.storage_gb else None])).lower()
        tokens = set(re.findall(r"[a-z0-9+]+", hay))
        if words and all(w in tokens or (w.endswith("gb") and w in hay.replace(" gb", "gb")) for w in words):
            return p
    return None


PICKERS = {
    "cheapest": lambda p: (p.price is None, p.price or 0.0),
    "priciest": lambda p: (p.price is None, -(p.price or 0.0)),
    "best_rated": lambda p: (p.average_rating is None, -(p.average_rating or 0.0), -(p.rating_number or 0)),
    "most_reviewed": lambda p: (p.rating_number is None, -(p.rating_number or 0)),
    # "which one would you recommend?": the rating shrunk toward 4 stars by 20 pseudo-ratings, so 4.6 stars
    # from 2,000 ratings beats 5.0 from 3.
    "recommended": lambda p: (p.average_rating is None,
                              -((p.average_rating or 0.0) * (p.rating_number or 0) + 4.0 * 20) / ((p.rating_number or 0) + 20)),
}


def pick_one(items: list[Product], how: str) -> Product:
    return min(items, key=PICKERS.get(how, PICKERS["cheapest"]))


def failed(engine: SearchEngine, p: Product, filters: Filters) -> list[str]:
    """Labels of the active constraints that product `p` does not satisfy."""
    row = engine.row_of[p.id]
    return [label for (name, value), label in zip(filters.active().items(), constraint_labels(filters), strict=True)
            if not engine.table.mask(Filters(**{name: value}))[row]]


def details(p: Product, filters: Filters, shown: list[str], offset: int = 0) -> dict[str, Any]:
    rec = product_record(p, offset + shown.index(p.id) + 1 if p.id in shown else None)
    rec["title"] = p.title
    rec["features"] = [f[:200] for f in p.features[:5]]
    if p.description:
        rec["description"] = " ".join(p.description)[:300]
    rec["details"] = dict(list(p.details.items())[:10])
    rec["fits"] = why_it_fits(p, filters)
    return rec


def compare_record(items: list[Product]) -> dict[str, Any]:
    """Who wins on each attribute, by id; ties and unknowns are left out."""
    out: dict[str, Any] = {}
    for key, how in (("cheapest", "cheapest"), ("best_rated", "best_rated"), ("most_reviewed", "most_reviewed")):
        attr = {"cheapest": "price", "best_rated": "average_rating", "most_reviewed": "rating_number"}[key]
        known = [p for p in items if getattr(p, attr) is not None]
        if len(known) >= 2 and len({getattr(p, attr) for p in known}) > 1:
            out[key] = pick_one(known, how).id
    storages = [p for p in items if p.storage_gb]
    if len(storages) >= 2 and len({p.storage_gb for p in storages}) > 1:
        out["most_storage"] = max(storages, key=lambda p: p.storage_gb or 0).id
    return out
