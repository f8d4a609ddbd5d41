"""Relaxation offers for an empty result: which constraint empties the set, and the smallest changes
that bring products back, each with its count.

Counts come from the attribute table (a few vector ops each), never from the vector index, so they
are exact. Kinds, smallest first: loosen a numeric bound one step ("under $250" for "under $200"),
swap a facet value for a sibling that has products ("blue" for "black"), drop a constraint.

    >>> offers = relaxations(table, Filters(brand=["Samsung"], color=["black"], price_max=200))  # doctest: +SKIP
    >>> [(o["label"], o["count"]) for o in offers]                                              # doctest: +SKIP
    [('under $250', 3), ('blue instead of black', 12), ('any color', 20)]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from retrieval.attributes import FACET_FIELDS, AttributeTable
from retrieval.filters import ACCESSORIES, LEVELS, NUMERIC_FIELDS, PHONES, Filters
from retrieval.specs import attributes

from .describe import constraint_label

_KIND_ORDER = {"loosen": 0, "swap": 1, "drop": 2}
STORAGE_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024, 2048)


def _nice(x: float) -> float:
    step = 1 if x < 20 else 5 if x < 100 else 10 if x < 500 else 50
    return float(math.ceil(x / step) * step)


def _loosened(field: str, value: float | str) -> list[float | str]:
    """Candidate values for a numeric field, one step looser each, smallest step first."""
    attribute, direction = NUMERIC_FIELDS[field]
    if isinstance(value, str):
        # The loosest level of a bound ("high" for a max, "low" for a min) is no bound: that is a drop.
        i = LEVELS.index(value)
        return list(LEVELS[i + 1:-1]) if direction == "max" else list(reversed(LEVELS[1:i]))
    if attribute == "rating":
        steps = [value - 0.5, value - 1.0] if direction == "min" else [value + 0.5, value + 1.0]
        return [round(s, 1) for s in steps if 0 < s <= 5]
    steps = STORAGE_SIZES if field.startswith("storage") else _steps(NUMERIC_FIELDS[field][0])
    if steps:
        # Storage, RAM, resolution come in standard sizes: "256 GB+" relaxes to "128 GB+", never to "51 GB+".
        if direction == "max":
            return [float(x) for x in steps if x > value][:2]
        return [float(x) for x in reversed(steps) if x < value][:2]
    if direction == "max":
        return [_nice(value * f) for f in (1.25, 1.5, 2.0, 3.0)]
    factors = (0.75, 0.5) if attribute == "price" else (0.5, 0.1)
    return [float(math.floor(value * f)) for f in factors if value * f >= 1]


def _steps(attribute: str) -> tuple[float, ...]:
    spec = attributes().get(attribute)
    return spec.steps if spec else ()


def _reaching(table: AttributeTable, filters: Filters, field: str, want: int = 1) -> float | None:
    """The tightest bound on `field` that admits about `want` products under the other constraints.

    "under $20" with black Samsung phones starting at $84 becomes "under $85": the smallest move
    that brings products back, however far it is.
    """
    attribute, direction = NUMERIC_FIELDS[field]
    column = table.column(attribute)
    values = column[table.mask(filters.without(field))]
    values = np.sort(values[~np.isnan(values)])
    if values.size == 0:
        return None
    if direction == "max":
        target = float(values[min(want, values.size) - 1])
        if attribute == "storage_gb" or _steps(attribute):
            return target
        return round(math.ceil(target * 10) / 10, 1) if attribute == "rating" else _nice(target)
    target = float(values[::-1][min(want, values.size) - 1])
    if attribute == "rating":
        return math.floor(target * 10) / 10
    if attribute == "storage_gb" or _steps(attribute):
        return target  # a real size of a real product ("128 GB+"), not a rounded "120 GB+"
    step = 1 if target < 20 else 5 if target < 100 else 10 if target < 500 else 50
    return float(math.floor(target / step) * step)


def blockers(table: AttributeTable, filters: Filters) -> list[dict[str, Any]]:
    """Active constraints whose removal alone brings products back, with that count (largest first)."""
    out = []
    for field, value in filters.active().items():
        n = table.count(filters.without(field))
        if n:
            out.append({"field": field, "label": constraint_label(field, value, filters), "count_without": n})
    return sorted(out, key=lambda b: -b["count_without"])


def relaxations(table: AttributeTable, filters: Filters, limit: int = 4) -> list[dict[str, Any]]:
    """The smallest single-constraint changes with products, each `{field, kind, label, count, filters}`.

    `filters` in each offer is the full new state (`Filters.active()` form) a client can apply as is.
    At most two offers per field, so different constraints get a say.
    """
    offers: list[dict[str, Any]] = []
    active = filters.active()
    facets = None
    for field, value in active.items():
        mine: list[dict[str, Any]] = []
        if field in NUMERIC_FIELDS:
            for cand in [*_loosened(field, value), _reaching(table, filters, field)]:
                if cand is None:
                    continue
                new = filters.merged(**{field: cand})
                n = table.count(new)
                if n:
                    mine.append(_offer(field, "loosen", constraint_label(field, cand, new), n, new))
                    break
        elif field in ("brand", "color", "carrier"):
            if facets is None:
                facets = table.facet_counts(filters, top=6)
            taken = {v.lower() for v in value}
            for cand, n in facets.get(field, {}).items():
                if cand.lower() in taken or n <= 0:
                    continue
                new = filters.merged(**{field: [cand]})
                n = table.count(new)  # brand facet counts ignore brand_exclude; recount exactly
                if n:
                    old = constraint_label(field, value)
                    mine.append(_offer(field, "swap", f"{cand} instead of {old}", n, new))
                if len(mine) >= 2:
                    break
        elif field == "subcategory":
            other = ACCESSORIES if value == PHONES else PHONES if value == ACCESSORIES else None
            if other:
                new = filters.merged(subcategory=other)
                n = table.count(new)
                if n:
                    label = f"{constraint_label(field, other)} instead of {constraint_label(field, value)}"
                    mine.append(_offer(field, "swap", label, n, new))
        if len(mine) < 2:
            new = filters.without(field)
            n = table.count(new)
            # A drop that brings back no more than the loosened bound already does is no extra option.
            if n and not (mine and mine[0]["kind"] == "loosen" and mine[0]["count"] >= n):
                mine.append(_offer(field, "drop", _drop_label(field, value, filters), n, new))
        offers += mine[:2]
    offers.sort(key=lambda o: (_KIND_ORDER[o["kind"]], -o["count"]))
    # Keep the list short but let every field with an offer appear once before any field appears twice.
    first, second, seen = [], [], set()
    for o in offers:
        (second if o["field"] in seen else first).append(o)
        seen.add(o["field"])
    return (first + second)[:limit]


def _offer(field: str, kind: str, label: str, count: int, new: Filters) -> dict[str, Any]:
    return {"field": field, "kind": kind, "label": label, "count": int(count), "filters": new.active()}


def _drop_label(field: str, value: Any, filters: Filters) -> str:
    for facet, fields in FACET_FIELDS.items():
        if field in fields and facet in ("brand", "color", "carrier", "storage_gb", "condition"):
            word = {"storage_gb": "storage", "brand": "brand"}.get(facet, facet)
            if field == "brand_exclude":
                return f"allow {' or '.join(value)} again"
            return f"any {word}"
    if field == "subcategory":
        return "phones and accessories"
    word = {"price": "any price", "rating": "any rating", "review_count": "any number of reviews"}
    attribute = NUMERIC_FIELDS[field][0] if field in NUMERIC_FIELDS else None
    return word.get(attribute or "", f"without {constraint_label(field, value, filters)}")
