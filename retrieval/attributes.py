"""Columnar attribute table: `Filters` -> allowed product rows, plus facet counts.

Numeric attributes live in numpy columns (NaN = unknown); multi-valued facets (brand keys, color
families, carriers) live in posting lists (value -> sorted row ids). A filter is a handful of vector
comparisons and posting-list unions, so 1M products filter in a few milliseconds.

A product whose attribute is unknown never satisfies a constraint on it: Sift must not claim that
a product with no price is "under $100".

    >>> table = AttributeTable.from_products(products)                       # doctest: +SKIP
    >>> table.allowed_ids(Filters(brand=["Samsung"], price_max=300))         # doctest: +SKIP
    array([  3,  17, ...])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .catalog import Product
from .facets import brand_key, brand_keys, color_families, parse_carriers
from .filters import DEFAULT_LEVELS, FIELD_GROUPS, NUMERIC_FIELDS, Filters, LevelTable

# Which Filters fields each facet owns (cleared when counting that facet, as faceted search does).
FACETS: tuple[str, ...] = ("subcategory", "brand", "color", "carrier", "condition", "storage_gb", "price",
                           "average_rating", "review_count")
FACET_FIELDS: dict[str, tuple[str, ...]] = {facet: FIELD_GROUPS[facet] for facet in FACETS}
PRICE_BANDS: tuple[tuple[float, float], ...] = ((0, 25), (25, 50), (50, 100), (100, 300), (300, 600), (600, math.inf))
RATING_BANDS: tuple[float, ...] = (4.5, 4.0, 3.5)


@dataclass
class AttributeTable:
    price: np.ndarray
    rating: np.ndarray
    review_count: np.ndarray
    storage_gb: np.ndarray
    subcategory_codes: np.ndarray
    subcategories: list[str | None]
    condition: np.ndarray  # bool: True = renewed
    postings: dict[str, dict[str, np.ndarray]]
    display: dict[str, dict[str, str]]  # facet -> key -> display value
    levels: LevelTable = field(default_factory=lambda: DEFAULT_LEVELS)

    @property
    def size(self) -> int:
        return int(self.price.shape[0])

    # ---------------------------------------------------------------------------------------- build
    @classmethod
    def from_products(cls, products: Sequence[Product], levels: LevelTable | None = None) -> AttributeTable:
        n = len(products)

        def column(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        subs: list[str | None] = sorted({p.subcategory for p in products if p.subcategory}) + [None]
        sub_index = {s: i for i, s in enumerate(subs)}
        builders: dict[str, dict[str, list[int]]] = {"brand": {}, "color": {}, "carrier": {}}
        display: dict[str, dict[str, str]] = {"brand": {}, "color": {}, "carrier": {}}
        brand_counts: dict[str, Counter[str]] = {}
        for row, p in enumerate(products):
            for key in brand_keys(p.brand):
                builders["brand"].setdefault(key, []).append(row)
            own = brand_key(p.brand)
            if own:
                brand_counts.setdefault(own, Counter())[p.brand or own] += 1
            for c in p.colors:
                builders["color"].setdefault(c, []).append(row)
                display["color"][c] = c
            for c in p.carriers:
                k = c.lower()
                builders["carrier"].setdefault(k, []).append(row)
                display["carrier"][k] = c
        # The display spelling of a brand is its most frequent spelling in the catalog.
        display["brand"] = {k: cnt.most_common(1)[0][0] for k, cnt in brand_counts.items()}
        postings = {f: {k: np.asarray(v, dtype=np.int64) for k, v in d.items()} for f, d in builders.items()}
        return cls(
            price=column([p.price for p in products]),
            rating=column([p.average_rating for p in products]),
            review_count=column([None if p.rating_number is None else float(p.rating_number) for p in products]),
            storage_gb=column([p.storage_gb for p in products]),
            subcategory_codes=np.array([sub_index[p.subcategory] for p in products], dtype=np.int32)
            if n else np.zeros(0, dtype=np.int32),
            subcategories=subs,
            condition=np.array([p.condition == "renewed" for p in products], dtype=bool),
            postings=postings,
            display=display,
            levels=levels or DEFAULT_LEVELS,
        )

    # ---------------------------------------------------------------------------------------- filter
    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean mask of products satisfying every active constraint."""
        m = np.ones(self.size, dtype=bool)
        for name, (attribute, direction) in NUMERIC_FIELDS.items():
            value = getattr(filters, name)
            if value is None:
                continue
            col = self._column(attribute)
            bound = self._bound(name, value)
            with np.errstate(invalid="ignore"):
                m &= (col >= bound) if direction == "min" else (col <= bound)
        if filters.subcategory:
            wanted = filters.subcategory.lower()
            codes = [i for i, s in enumerate(self.subcategories) if s and s.lower() == wanted]
            m &= np.isin(self.subcategory_codes, codes)
        if filters.condition:
            m &= self.condition if filters.condition == "renewed" else ~self.condition
        if filters.brand:
            m &= self._any_of("brand", self.brand_lookup(filters.brand))
        if filters.brand_exclude:
            m &= ~self._any_of("brand", self.brand_lookup(filters.brand_exclude))
        if filters.color:
            m &= self._any_of("color", [c for v in filters.color for c in (color_families(v) or [v.lower()])])
        if filters.carrier:
            m &= self._any_of("carrier", [c.lower() for v in filters.carrier for c in (parse_carriers(v) or [v])])
        return m

    def allowed_ids(self, filters: Filters) -> np.ndarray:
        """Sorted row ids (int64) of products satisfying `filters`."""
        return np.flatnonzero(self.mask(filters)).astype(np.int64)

    def count(self, filters: Filters) -> int:
        return int(self.mask(filters).sum())

    def satisfies(self, row: int, filters: Filters) -> bool:
        """Does one product satisfy `filters`? (Used to verify every hit before it is shown.)"""
        return bool(self.mask(filters)[row])

    def _column(self, attribute: str) -> np.ndarray:
        return {"price": self.price, "rating": self.rating, "review_count": self.review_count,
                "storage_gb": self.storage_gb}[attribute]

    def _bound(self, field_name: str, value: float | str) -> np.ndarray | float:
        """A number, or for a level the per-product bound from its subcategory's level ranges."""
        if not isinstance(value, str):
            return float(value)
        per_sub = np.array([self.levels.bound(field_name, value, s) for s in self.subcategories])
        return per_sub[self.subcategory_codes]

    def brand_lookup(self, values: list[str]) -> list[str]:
        """The brand keys (postings) that `values` name, tolerating store suffixes ("samsungus")."""
        keys: list[str] = []
        for v in values:
            k = brand_key(v)
            if k in self.postings["brand"]:
                keys.append(k)
            elif len(k) >= 4:
                # Tolerate store names the key stripping missed ("samsungus" for "samsung").
                keys += [c for c in self.postings["brand"] if c.startswith(k)]
        return keys

    def _any_of(self, facet: str, keys: list[str]) -> np.ndarray:
        m = np.zeros(self.size, dtype=bool)
        for k in keys:
            rows = self.postings[facet].get(k)
            if rows is not None:
                m[rows] = True
        return m

    # ---------------------------------------------------------------------------------------- facets
    def facet_counts(self, filters: Filters, top: int = 12) -> dict[str, dict[str, int]]:
        """Counts per facet value among products matching `filters` minus that facet's own constraints.

        This is what a shopper needs to refine ("Samsung (40), Google (12)") or relax: the counts
        show what choosing another value of the same facet would give.
        """
        out: dict[str, dict[str, int]] = {}
        for facet, own in FACET_FIELDS.items():
            base = self.mask(filters.without(*own))
            out[facet] = self._counts(facet, base, top)
        return out

    def _counts(self, facet: str, base: np.ndarray, top: int) -> dict[str, int]:
        if facet in self.postings:
            counts = {self.display[facet].get(k, k): int(base[rows].sum()) for k, rows in self.postings[facet].items()}
            if facet == "brand":  # parent keys (xiaomi for redmi) would double count; show own brands only
                counts = {self.display["brand"][k]: int(base[rows].sum()) for k, rows in self.postings["brand"].items()
                          if k in self.display["brand"]}
            ranked = sorted(((v, k) for k, v in counts.items() if v > 0), key=lambda t: (-t[0], t[1]))
            return {k: v for v, k in ranked[:top]}
        if facet == "subcategory":
            c = Counter(self.subcategory_codes[base].tolist())
            return {str(self.subcategories[i]): n for i, n in c.most_common(top) if self.subcategories[i]}
        if facet == "condition":
            return {"new": int((base & ~self.condition).sum()), "renewed": int((base & self.condition).sum())}
        if facet == "price":
            return {_band_label(lo, hi): int((base & (self.price >= lo) & (self.price < hi)).sum())
                    for lo, hi in PRICE_BANDS}
        if facet == "average_rating":
            return {f"{r:g}+ stars": int((base & (self.rating >= r)).sum()) for r in RATING_BANDS}
        if facet == "review_count":
            return {f"{n:,}+ reviews": int((base & (self.review_count >= n)).sum()) for n in (100, 1000, 10000)}
        if facet == "storage_gb":
            vals = self.storage_gb[base]
            c = Counter(v for v in vals.tolist() if not math.isnan(v))
            return {f"{v:g} GB": n for v, n in sorted(c.items(), key=lambda t: -t[1])[:top]}
        return {}

    # ---------------------------------------------------------------------------------------- vocabulary
    def vocabulary(self) -> dict[str, list[str]]:
        """Catalog values for snapping extracted filters: brands, colors, carriers, subcategories, storage."""
        storage = sorted({float(v) for v in self.storage_gb.tolist() if not math.isnan(v) and v >= 1})
        return {
            "brand": sorted(self.display["brand"].values(), key=str.lower),
            "color": sorted(self.display["color"].values()),
            "carrier": sorted(self.display["carrier"].values()),
            "subcategory": [s for s in self.subcategories if s],
            "storage_gb": [f"{v:g}" for v in storage],
        }


def _band_label(lo: float, hi: float) -> str:
    if lo == 0:
        return f"under ${hi:g}"
    if math.isinf(hi):
        return f"${lo:g}+"
    return f"${lo:g}-${hi:g}"

