"""Benchmark filters on the catalog's own values, picked to admit a target share of products; apart from bench_retrieval.py, which times them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.facets import brand_key
from retrieval.filters import Filters


def candidate_filters(table: AttributeTable, products: Sequence[Product]) -> list[Filters]:
    """Realistic single- and two-attribute filters on the catalog's own values."""
    prices = table.price[~np.isnan(table.price)]
    out: list[Filters] = []
    if prices.size:
        def q(x: float) -> float:
            return round(float(np.quantile(prices, x)), 2)

        for s in (0.005, 0.01, 0.015, 0.02, 0.05, 0.08, 0.1, 0.12, 0.2, 0.3, 0.4, 0.5, 0.6):
            out.append(Filters(price_max=q(s)))
            out.append(Filters(price_min=q(1 - s)))
            lo, hi = q(0.5 - s / 2), q(0.5 + s / 2)
            if hi > lo:
                out.append(Filters(price_min=lo, price_max=hi))
    for r in (3.0, 3.5, 3.8, 4.0, 4.2, 4.3, 4.5, 4.7):
        out.append(Filters(average_rating_min=r))
    for n in (10, 100, 500, 1000, 5000, 10000, 50000):
        out.append(Filters(review_count_min=n))
    subs = [s for s in table.subcategories if s]
    for s in subs:
        out.append(Filters(subcategory=s))
        out.append(Filters(subcategory=s, average_rating_min=4.0))
        sub_prices = table.price[(table.subcategory_codes == table.subcategories.index(s)) & ~np.isnan(table.price)]
        if sub_prices.size >= 10:
            out.append(Filters(subcategory=s, price_max=round(float(np.median(sub_prices)), 2)))
    brands = {}
    for p in products:
        key = brand_key(p.brand)
        if key:
            brands[p.brand] = brands.get(p.brand, 0) + 1
    for b, _ in sorted(brands.items(), key=lambda t: -t[1])[:25]:
        out.append(Filters(brand=[b]))
        out.append(Filters(brand=[b], average_rating_min=4.0))
    return out


def pick_filters(table: AttributeTable, candidates: Sequence[Filters], target: float, n_max: int = 4,
                 accept: Callable[[Filters], bool] | None = None) -> list[tuple[Filters, int]]:
    """Up to `n_max` filters admitting about `target` of the catalog (within a factor 1.6), each on a
    different set of fields, closest first; the closest filter when none is that close."""
    n = table.size
    scored: list[tuple[float, Filters, int]] = []
    for f in candidates:
        c = table.count(f)
        if c == 0 or (accept is not None and not accept(f)):
            continue
        scored.append((abs(math.log((c / n) / target)), f, c))
    scored.sort(key=lambda t: t[0])
    chosen: list[tuple[Filters, int]] = []
    seen: set[tuple[str, ...]] = set()
    for dist, f, c in scored:
        sig = tuple(f.active_fields())
        if dist > math.log(1.6) and chosen:
            break
        if sig in seen:
            continue
        seen.add(sig)
        chosen.append((f, c))
        if len(chosen) >= n_max or dist > math.log(1.6):
            break
    return chosen
