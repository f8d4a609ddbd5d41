"""Qualitative levels ("cheap", "premium", "lots of reviews", "a big screen") -> numeric bounds, per category.

A level resolves per product, so "cheap" means cheap for a TV and cheap for a cable in one query. Where it
comes from, in order:

1. The paper's Table 2 for its two phone subcategories ("Cell Phones", "Cell Phone Accessories"): price and
   review count (and Sift's storage sizes). It is also all the paper-protocol evaluation ever uses: its
   catalogs hold nothing else. Rating levels are the paper's everywhere (4.5 stars is high for anything).
2. Catalog tertiles of the product's type (retrieval/roles.py: "tv", "laptop", "case") when the catalog
   has at least `min_group` products of that type with a value: "cheap" = the bottom third of TV prices.
3. Catalog tertiles of the deepest category (path prefix) with at least `min_group` products that have a
   value. A category too small for its own tertiles falls back up its path ("Electronics > Tv Video" ->
   "Electronics").
4. Nothing qualifies: the fixed tables (the paper's phone prices as before); for attributes without
   one (screen, RAM, battery...), the catalog-wide tertiles (from 3 values on).

    >>> DEFAULT_LEVELS.bound("price_max", "low", "Cell Phones")
    100.0
    >>> t = LevelTable(groups={"price": {"Electronics > Tv Video": LevelRanges((0, 220), (220, 480), (480, INF))}})
    >>> t.bound("price_max", "low", "Electronics > Tv Video"), t.bound("price_min", "high", "Electronics > Tv Video")
    (220, 480)

`LevelTable.fit` derives the tertiles from a catalog's attribute columns (the attribute table calls it when
it is built); `min_group=None` keeps the fixed tables alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

Level = Literal["low", "medium", "high"]
LEVELS: tuple[str, ...] = ("low", "medium", "high")
PHONES = "Cell Phones"
ACCESSORIES = "Cell Phone Accessories"
INF = float("inf")
PATH_SEP = " > "  # a level key of a category path: "Electronics > Tv Video"


@dataclass(frozen=True)
class LevelRanges:
    """[lo, hi) ranges of one attribute for the three levels. `hi=inf` means unbounded."""

    low: tuple[float, float]
    medium: tuple[float, float]
    high: tuple[float, float]

    def range(self, level: str) -> tuple[float, float]:
        return getattr(self, level)


# The paper's Table 2 ("chosen from experience"). Rating and review count do not depend on subcategory.
PAPER_RATING = LevelRanges(low=(0.0, 4.0), medium=(4.0, 5.0), high=(4.5, 5.0))
PAPER_REVIEWS = LevelRanges(low=(0.0, 100.0), medium=(100.0, INF), high=(1000.0, INF))
PAPER_PRICE = {
    PHONES: LevelRanges(low=(0.0, 100.0), medium=(100.0, 300.0), high=(300.0, INF)),
    ACCESSORIES: LevelRanges(low=(0.0, 15.0), medium=(15.0, 40.0), high=(40.0, INF)),
}
PAPER_CURRENCY = "USD"  # the currency of the paper's price table
# Storage has no paper table; these follow what phone shops call small / mid / large storage.
DEFAULT_STORAGE = LevelRanges(low=(0.0, 64.0), medium=(64.0, 256.0), high=(256.0, INF))
# A level on an attribute no product of the catalog has a value for: any known value (there is none).
UNBOUNDED = LevelRanges(low=(0.0, INF), medium=(0.0, INF), high=(0.0, INF))
# Attributes with a fixed table; the others only ever resolve through catalog tertiles.
FIXED = ("price", "rating", "review_count", "storage_gb")
MIN_GROUP = 30  # products with a value a category needs before its own tertiles mean anything
MIN_VALUES = 3  # values the whole catalog needs for tertiles at all


@dataclass
class LevelTable:
    """Resolves a level to a numeric bound, per level key (a subcategory or a category path).

    A `_min` field takes the lower bound of its level's range and a `_max` field the upper bound
    (the paper's rule). `groups` holds catalog tertiles: attribute -> category path key -> ranges
    ("" is the whole catalog).
    """

    price: dict[str, LevelRanges] = field(default_factory=lambda: dict(PAPER_PRICE))
    default_price: LevelRanges = PAPER_PRICE[PHONES]
    rating: LevelRanges = PAPER_RATING
    review_count: LevelRanges = PAPER_REVIEWS
    storage_gb: LevelRanges = DEFAULT_STORAGE
    groups: dict[str, dict[str, LevelRanges]] = field(default_factory=dict)
    min_group: int | None = MIN_GROUP

    def ranges(self, attribute: str, key: str | None) -> LevelRanges:
        fitted = self.groups.get(attribute, {})
        if key is not None and key in fitted:
            return fitted[key]
        if attribute == "price":
            return self.price.get(key or "", self.default_price)
        if attribute in FIXED:
            return getattr(self, attribute)
        return fitted.get("", UNBOUNDED)

    def bound(self, field_name: str, level: str, key: str | None) -> float:
        from .filters import NUMERIC_FIELDS  # lazy: filters imports this module at its top (an import cycle)

        attribute, direction = NUMERIC_FIELDS[field_name]
        lo, hi = self.ranges(attribute, key).range(level)
        return lo if direction == "min" else hi

    def keeps_fixed(self, attribute: str, subcategory: str | None) -> bool:
        """Does a product of `subcategory` keep the fixed table for `attribute` (the paper's phone tables)?"""
        if attribute == "rating":
            return True
        return attribute in FIXED and subcategory is not None and subcategory in self.price

    def in_currency(self, currency: str, prices: np.ndarray) -> LevelTable:
        """The table for a catalog priced in `currency`: the paper's price table is in US dollars, so a shop
        in rupees or euros resolves "cheap" through its own tertiles only (whole catalog as the last resort)."""
        if currency == PAPER_CURRENCY:
            return self
        return replace(self, price={}, default_price=_tertiles("price", prices) or UNBOUNDED)

    @classmethod
    def from_quantiles(cls, prices_by_subcategory: dict[str, list[float]], base: LevelTable | None = None) -> LevelTable:
        """Price levels per subcategory from the catalog: low = bottom third, medium = middle, high = top third."""
        table = base or cls()
        price = dict(table.price)
        for sub, values in prices_by_subcategory.items():
            ranges = _tertiles("price", np.asarray([v for v in values if v is not None], dtype=float))
            if ranges is not None:
                price[sub] = ranges
        return replace(table, price=price)

    def fit(self, columns: dict[str, np.ndarray], paths: Sequence[tuple[str, ...]], path_codes: np.ndarray,
            subcategories: Sequence[str | None], sub_codes: np.ndarray,
            kinds: Sequence[str | None] = (None,), kind_codes: np.ndarray | None = None
            ) -> tuple[LevelTable, LevelKeys]:
        """Catalog tertiles per product type and category for every attribute column, and each product's
        level key.

        `paths[path_codes[i]]` is product i's category path, `subcategories[sub_codes[i]]` its subcategory,
        `kinds[kind_codes[i]]` its product type (retrieval/roles.py). Returns the table with `groups` filled,
        and per attribute (codes, keys): product i resolves its levels through `keys[codes[i]]`.
        """
        if self.min_group is None:
            return self, {}
        if kind_codes is None:
            kinds, kind_codes = [None], np.zeros(len(path_codes), dtype=np.int64)
        groups: dict[str, dict[str, LevelRanges]] = {}
        keys_out: LevelKeys = {}
        for attribute, column in columns.items():
            if attribute == "rating":
                continue
            groups[attribute], codes, keys = _fit_attribute(
                self, attribute, column, _Groups(paths, path_codes, subcategories, sub_codes, kinds, kind_codes))
            keys_out[attribute] = (codes, keys)
        return replace(self, groups=groups), keys_out


LevelKeys = dict[str, tuple[np.ndarray, list[str | None]]]
TYPE_KEY = "type:"  # the level key of a product type: "type:tv"


@dataclass(frozen=True)
class _Groups:
    """Each product's category path, subcategory and type, as codes into the three value lists."""

    paths: Sequence[tuple[str, ...]]
    path_codes: np.ndarray
    subcategories: Sequence[str | None]
    sub_codes: np.ndarray
    kinds: Sequence[str | None]
    kind_codes: np.ndarray


def _fit_attribute(table: LevelTable, attribute: str, column: np.ndarray, g: _Groups
                   ) -> tuple[dict[str, LevelRanges], np.ndarray, list[str | None]]:
    """Level keys in order: the fixed table of a phone subcategory; the product's type, when the catalog has
    `min_group` products of that type with a value (a category of the Amazon India catalog mixes TVs with
    their remotes, so its tertiles would call a $7 TV "cheap"); the deepest category with `min_group`
    values; the fixed default (price) or the whole catalog (other attributes)."""
    known = ~np.isnan(column)
    per_path = np.bincount(g.path_codes[known], minlength=len(g.paths))
    per_kind = np.bincount(g.kind_codes[known], minlength=len(g.kinds))
    under: dict[tuple[str, ...], list[int]] = {}  # category prefix -> codes of the paths below it
    for code, path in enumerate(g.paths):
        for depth in range(1, len(path) + 1):
            under.setdefault(tuple(path[:depth]), []).append(code)
    big = {prefix for prefix, codes in under.items() if per_path[codes].sum() >= (table.min_group or 0)}
    path_key = [next((PATH_SEP.join(path[:d]) for d in range(len(path), 0, -1) if tuple(path[:d]) in big), None)
                for path in g.paths]
    # No category big enough: the whole catalog's tertiles (a few values already beat "any value").
    fallback = "" if known.sum() >= MIN_VALUES and attribute not in FIXED else None
    n_sub, n_kind = len(g.subcategories) + 1, len(g.kinds) + 1
    triple = (g.path_codes.astype(np.int64) * n_sub + g.sub_codes) * n_kind + g.kind_codes
    uniq, codes = np.unique(triple, return_inverse=True)
    keys: list[str | None] = []
    values_of: dict[str, np.ndarray] = {}  # fitted key -> which products its tertiles are taken over
    for t in uniq.tolist():
        rest, kind_code = divmod(t, n_kind)
        path_code, sub_code = divmod(rest, n_sub)
        sub, kind = g.subcategories[sub_code], g.kinds[kind_code]
        if table.keeps_fixed(attribute, sub):
            key = sub
        elif kind is not None and per_kind[kind_code] >= (table.min_group or 0):
            key = TYPE_KEY + kind
            values_of.setdefault(key, g.kind_codes == kind_code)
        elif path_key[path_code] is not None:
            key = path_key[path_code]
            prefix = tuple(key.split(PATH_SEP))
            values_of.setdefault(key, np.isin(g.path_codes, under[prefix]))
        elif attribute in FIXED:
            key = sub  # as before catalog tertiles: the subcategory's fixed table or the default
        else:
            key = fallback
            if key is not None:
                values_of.setdefault(key, np.ones(len(column), dtype=bool))
        keys.append(key)
    fitted = {key: r for key, rows in values_of.items() if (r := _tertiles(attribute, column[known & rows]))}
    return fitted, codes.astype(np.int32), keys


def _tertiles(attribute: str, values: np.ndarray) -> LevelRanges | None:
    values = values[np.isfinite(values)]
    if values.size < MIN_VALUES:
        return None
    q1, q2 = (float(round(x, 2)) for x in np.quantile(values, [1 / 3, 2 / 3]))
    if attribute == "review_count":  # the paper's shape: "medium" reviews is "at least some", unbounded above
        return LevelRanges(low=(0.0, q1), medium=(q1, INF), high=(q2, INF))
    return LevelRanges(low=(0.0, q1), medium=(q1, q2), high=(q2, INF))


DEFAULT_LEVELS = LevelTable()
