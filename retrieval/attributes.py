"""Columnar attribute table: `Filters` -> allowed product rows, plus facet counts.

Numeric attributes live in numpy columns (NaN = unknown): price, rating, review count and storage as
fields, every other `Filters` attribute (screen, RAM, battery... from `Product.specs`) in `specs`.
Multi-valued facets (brand keys, color families, carriers) live in posting lists (value -> sorted row
ids). A filter is a handful of vector comparisons and posting-list unions, so 1M products filter in a
few milliseconds.

A product whose attribute is unknown never satisfies a constraint on it: Sift must not claim that
a product with no price is "under $100". Out-of-stock products are left out unless `include_out_of_stock`
asks for them; prices are compared in the catalog's currency only (`catalog.price_currency`), so a product
priced in another currency never meets a price constraint. The category filter is a path prefix at any
depth; `category_counts` gives the facet counts of one level of the hierarchy.

Levels ("cheap", "a big screen") resolve per product through `levels` and each product's level key
(its category, see retrieval/levels.py); the table fits the catalog's tertiles when it is built.

What a product is comes from retrieval/roles.py: `kind_codes` (its type: "laptop", "bag"), `serves_codes`
(the type an accessory is made for) and `accessory` (the accessory score). `Filters.product_type` keeps
the products of one type, which leaves out the accessories made for it; `role_mask` is the same hook
for a caller that wants accessories ("cases for it": role="accessory", product_type="phone").

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
from .category_index import CategoryIndex, category_key  # noqa: F401 - category_key re-exported: callers import it from here
from .facets import brand_key, brand_keys, color_families, parse_carriers
from .filters import (
    CATEGORY_SEPARATOR,
    DEFAULT_LEVELS,
    FIELD_GROUPS,
    NUMERIC_FIELDS,
    NUMERIC_PAIRS,
    Filters,
    LevelTable,
)
from .levels import LevelKeys
from .roles import ACCESSORY_THRESHOLD, classify
from .specs import format_value, spec_names

# Which Filters fields each facet owns (cleared when counting that facet, as faceted search does).
FACETS: tuple[str, ...] = ("subcategory", "brand", "color", "carrier", "condition", "storage_gb", "price",
                           "average_rating", "review_count")
FACET_FIELDS: dict[str, tuple[str, ...]] = {facet: FIELD_GROUPS[facet] for facet in FACETS}
# Facets over the attributes with units and the product type, counted only when asked for
# (`facet_counts(..., facets=...)`): every facet costs one mask.
ATTRIBUTE_FACETS: dict[str, tuple[str, ...]] = {
    **{attr: pair for attr, pair in NUMERIC_PAIRS.items() if attr not in FACET_FIELDS and attr != "rating"},
    "product_type": ("product_type",),
}
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
    specs: dict[str, np.ndarray] = field(default_factory=dict)  # attribute -> column (NaN = unknown)
    level_keys: LevelKeys = field(default_factory=dict)  # attribute -> (codes, keys): row i uses keys[codes[i]]
    kinds: list[str | None] = field(default_factory=lambda: [None])  # product types; kind_codes index it
    kind_codes: np.ndarray | None = None  # int32 per row (None: every kind unknown)
    serves_codes: np.ndarray | None = None  # int32 per row, into `kinds`: the type an accessory serves
    accessory: np.ndarray | None = None  # float32 accessory score per row (NaN: not computed)

    @property
    def size(self) -> int:
        return int(self.price.shape[0])

    # ---------------------------------------------------------------------------------------- build
    @classmethod
    def from_products(cls, products: Sequence[Product], levels: LevelTable | None = None) -> AttributeTable:
        """Columns, postings, product roles and level keys of `products`; `levels` is the base level table
        (default: the paper's), to which the catalog's tertiles per category are added."""
        n = len(products)

        def column(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        subs: list[str | None] = sorted({p.subcategory for p in products if p.subcategory}) + [None]
        sub_index = {s: i for i, s in enumerate(subs)}
        postings, display = _postings(products)
        currency = price_currency(list(products))
        sold_out = np.array([p.availability == "out_of_stock" for p in products], dtype=bool)
        table = cls(
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
            levels=(levels or DEFAULT_LEVELS).in_currency(
                currency, np.array([p.price for p in products if p.price is not None and p.currency == currency],
                                   dtype=np.float64)),
            sold_out=sold_out if sold_out.any() else None,
            categories=CategoryIndex.build([p.category_path for p in products]),
            currency=currency,
            specs={name: column([(p.specs or {}).get(name) for p in products]) for name in spec_names()},
        )
        table._add_roles(products)
        paths: dict[tuple[str, ...], int] = {}
        path_codes = np.array([paths.setdefault(category_path(p), len(paths)) for p in products], dtype=np.int64)
        columns = {attr: table._column(attr) for attr in NUMERIC_PAIRS}
        table.levels, table.level_keys = table.levels.fit(columns, list(paths), path_codes, subs,
                                                          table.subcategory_codes.astype(np.int64),
                                                          table.kinds, table.kind_codes.astype(np.int64))
        return table

    def _add_roles(self, products: Sequence[Product]) -> None:
        """What each product is (retrieval/roles.py), as codes into `kinds`."""
        roles = [classify(p.title, list(category_path(p))) for p in products]
        kinds = sorted({k for r in roles for k in (r.kind, r.serves) if k}) + [None]
        index = {k: i for i, k in enumerate(kinds)}
        self.kinds = kinds
        self.kind_codes = np.array([index[r.kind] for r in roles], dtype=np.int32)
        self.serves_codes = np.array([index[r.serves] for r in roles], dtype=np.int32)
        self.accessory = np.array([r.score for r in roles], dtype=np.float32)

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
        if filters.color_exclude:  # a product in several colors is out when any of them is ruled out
            m &= ~self._any_of("color", [c for v in filters.color_exclude for c in (color_families(v) or [v.lower()])])
        if filters.carrier:
            m &= self._any_of("carrier", [c.lower() for v in filters.carrier for c in (parse_carriers(v) or [v])])
        if filters.category:
            m &= self.categories.mask(filters.category, self.size) if self.categories else False
        if self.sold_out is not None and not filters.include_out_of_stock:
            m &= ~self.sold_out
        if filters.product_type:
            m &= self.role_mask(filters.product_type)
        return m

    def restricts(self, filters: Filters) -> bool:
        """Does `filters` leave any product out? False for an empty `Filters` unless some product is sold out
        (hidden by default), so callers may skip building an id list only when this is False."""
        return not filters.is_empty() or self.sold_out is not None

    def role_mask(self, product_type: str | None = None, role: str = "main") -> np.ndarray:
        """Products of one type (role "main": "laptop" -> laptops, not laptop bags), or accessories
        (role "accessory": of `product_type` when given, "cases for a phone", else of anything)."""
        if self.kind_codes is None or self.accessory is None or self.serves_codes is None:
            return np.zeros(self.size, dtype=bool)  # a table built without roles: every kind unknown
        code = self.kinds.index(product_type) if product_type in self.kinds else -1
        if role == "main":
            return self.kind_codes == code if product_type else self.accessory < ACCESSORY_THRESHOLD
        accessory = self.accessory >= ACCESSORY_THRESHOLD
        return accessory & (self.serves_codes == code) if product_type else accessory

    def allowed_ids(self, filters: Filters) -> np.ndarray:
        """Sorted row ids (int64) of products satisfying `filters`."""
        return np.flatnonzero(self.mask(filters)).astype(np.int64)

    def count(self, filters: Filters) -> int:
        return int(self.mask(filters).sum())

    def satisfies(self, row: int, filters: Filters) -> bool:
        """Does one product satisfy `filters`? (Used to verify every hit before it is shown.)"""
        return bool(self.mask(filters)[row])

    def _column(self, attribute: str) -> np.ndarray:
        """The column of any `NUMERIC_PAIRS` attribute; one nobody measured is all unknown (NaN)."""
        own = {"price": self.price, "rating": self.rating, "review_count": self.review_count,
               "storage_gb": self.storage_gb}.get(attribute)
        if own is not None:
            return own
        col = self.specs.get(attribute)
        if col is None:
            col = self.specs[attribute] = np.full(self.size, np.nan)
        return col

    def column(self, attribute: str) -> np.ndarray:
        """Read-only view of an attribute's values (NaN = unknown), for ranking and relaxation."""
        view = self._column(attribute).view()
        view.flags.writeable = False
        return view

    def _bound(self, field_name: str, value: float | str) -> np.ndarray | float:
        """A number, or for a level the per-product bound from its level key (category or subcategory)."""
        if not isinstance(value, str):
            return float(value)
        keyed = self.level_keys.get(NUMERIC_FIELDS[field_name][0])
        if keyed is None:  # no catalog levels fitted: per subcategory, the fixed tables
            per_sub = np.array([self.levels.bound(field_name, value, s) for s in self.subcategories])
            return per_sub[self.subcategory_codes]
        codes, keys = keyed
        return np.array([self.levels.bound(field_name, value, k) for k in keys])[codes]

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
    def facet_counts(self, filters: Filters, top: int = 12,
                     facets: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
        """Counts per facet value among products matching `filters` minus that facet's own constraints.

        This is what a shopper needs to refine ("Samsung (40), Google (12)") or relax: the counts
        show what choosing another value of the same facet would give. `facets` picks which (default:
        `FACET_FIELDS`; `ATTRIBUTE_FACETS` names the attributes with units and the product type).
        """
        out: dict[str, dict[str, int]] = {}
        for facet in facets or FACET_FIELDS:
            own = FACET_FIELDS.get(facet) or ATTRIBUTE_FACETS[facet]
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
        if facet == "product_type" and self.kind_codes is not None:
            c = Counter(self.kind_codes[base].tolist())
            return {str(self.kinds[i]): n for i, n in c.most_common(top) if self.kinds[i]}
        if facet in ATTRIBUTE_FACETS:  # the most common values, as a shopper reads them ('55"', "8 GB")
            vals = self._column(facet)[base]
            c = Counter(v for v in vals.tolist() if not math.isnan(v))
            return {format_value(facet, v): n for v, n in sorted(c.items(), key=lambda t: -t[1])[:top]}
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


def category_path(product: Product) -> tuple[str, ...]:
    """A product's category path, the key its levels resolve by ("Electronics", "Tv Video").

    The one place that says where the path comes from: `Product.category_path` (every loader fills it:
    Amazon's `categories`, a feed's `google_product_category` / `product_type`, Shopify's type).
    """
    return tuple(c for c in product.category_path or product.categories or () if c)


def _postings(products: Sequence[Product]) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, str]]]:
    """Posting lists (facet value -> sorted rows) for brand keys, color families and carriers, and the
    display spelling of each value."""
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
    return postings, display


def _band_label(lo: float, hi: float) -> str:
    if lo == 0:
        return f"under ${hi:g}"
    if math.isinf(hi):
        return f"${lo:g}+"
    return f"${lo:g}-${hi:g}"
