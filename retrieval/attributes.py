"""Columnar attribute table: `Filters` -> allowed product rows, plus facet counts.

Numeric attributes live in numpy columns (NaN = unknown); multi-valued facets (brand keys, color
families, carriers) live in posting lists (value -> sorted row ids). A filter is a handful of vector
comparisons and posting-list unions, so 1M products filter in a few milliseconds.

A product whose attribute is unknown never satisfies a constraint on it: Sift must not claim that
a product with no price is "under $100". Out-of-stock products are left out unless `include_out_of_stock`
asks for them; prices are compared in the catalog's currency only (`catalog.price_currency`), so a product
priced in another currency never meets a price constraint. The category filter is a path prefix at any
depth; `category_counts` gives the facet counts of one level of the hierarchy.

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

from .catalog import Product, price_currency
from .facets import brand_key, brand_keys, color_families, parse_carriers
from .filters import CATEGORY_SEPARATOR, DEFAULT_LEVELS, FIELD_GROUPS, NUMERIC_FIELDS, Filters, LevelTable

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
    sold_out: np.ndarray | None = None  # bool per product, True = out of stock; None when none is
    categories: CategoryIndex | None = None  # the category hierarchy; None when no product has a path
    currency: str = "USD"  # the currency of `price` (products priced in another one hold NaN there)

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
        currency = price_currency(list(products))
        sold_out = np.array([p.availability == "out_of_stock" for p in products], dtype=bool)
        return cls(
            price=column([p.price if p.currency == currency else None for p in products]),
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
            sold_out=sold_out if sold_out.any() else None,
            categories=CategoryIndex.build([p.category_path for p in products]),
            currency=currency,
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
        if filters.category:
            m &= self.categories.mask(filters.category, self.size) if self.categories else False
        if self.sold_out is not None and not filters.include_out_of_stock:
            m &= ~self.sold_out
        return m

    def restricts(self, filters: Filters) -> bool:
        """Does `filters` leave any product out? False for an empty `Filters` unless some product is sold out
        (hidden by default), so callers may skip building an id list only when this is False."""
        return not filters.is_empty() or self.sold_out is not None

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

    def category_counts(self, filters: Filters, depth: int | None = None, top: int = 12) -> dict[str, int]:
        """Product counts per category path at one `depth` (1 = top level) among products matching `filters`.

        Default depth: one level below the filter's category (its subcategories), or the top level without
        one. Labels are full paths ("Electronics > Tv Video"), usable as `Filters.category` values.
        """
        if self.categories is None:
            return {}
        if depth is None:
            depth = 1 + (len(filters.category.split(CATEGORY_SEPARATOR)) if filters.category else 0)
        return self.categories.counts(self.mask(filters), depth, top)

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


def category_key(levels: Sequence[str]) -> str:
    """The key of a category path: levels lower-cased, spaces collapsed, joined by " > "."""
    return CATEGORY_SEPARATOR.join(" ".join(x.lower().split()) for x in levels)


@dataclass
class CategoryIndex:
    """Every category node (a path prefix) -> sorted rows of the products at or below it."""

    rows: dict[str, np.ndarray]  # path key (lower-cased) -> rows
    label: dict[str, str]  # path key -> the path as the catalog spells it (first spelling seen)
    depth: dict[str, int]

    @classmethod
    def build(cls, paths: Sequence[Sequence[str]]) -> CategoryIndex | None:
        rows: dict[str, list[int]] = {}
        label: dict[str, str] = {}
        for row, path in enumerate(paths):
            for d in range(1, len(path) + 1):
                key = category_key(path[:d])
                rows.setdefault(key, []).append(row)
                label.setdefault(key, CATEGORY_SEPARATOR.join(path[:d]))
        if not rows:
            return None
        return cls({k: np.asarray(v, dtype=np.int64) for k, v in rows.items()}, label,
                   {k: k.count(CATEGORY_SEPARATOR) + 1 for k in rows})

    def lookup(self, value: str) -> list[str]:
        """Node keys a filter value names: the path from the top ("Electronics > Tv Video"), or when no such
        path exists, every node whose path ends with the value ("Tv Video", "Telephony > Mobile Phones")."""
        key = category_key(value.split(">"))
        if key in self.rows:
            return [key]
        tail = CATEGORY_SEPARATOR + key
        return [k for k in self.rows if k.endswith(tail)]

    def mask(self, value: str, size: int) -> np.ndarray:
        m = np.zeros(size, dtype=bool)
        for key in self.lookup(value):
            m[self.rows[key]] = True
        return m

    def counts(self, base: np.ndarray, depth: int, top: int) -> dict[str, int]:
        counts = {self.label[k]: int(base[r].sum()) for k, r in self.rows.items() if self.depth[k] == depth}
        ranked = sorted(((n, k) for k, n in counts.items() if n > 0), key=lambda t: (-t[0], t[1]))
        return {k: n for n, k in ranked[:top]}

    def paths(self) -> list[str]:
        """Every category path of the catalog, shallow first (the vocabulary a category value snaps to)."""
        return [self.label[k] for k in sorted(self.rows, key=lambda k: (self.depth[k], k))]
