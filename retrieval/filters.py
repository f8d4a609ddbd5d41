"""The `Filters` contract: structured constraints on products, and how qualitative levels resolve.

`Filters` carries the paper's seven fields under the paper's names (arXiv 2601.16492, Table 1) plus
the facets Sift adds. Numeric fields hold a number or a level ("low" | "medium" | "high"); levels are
resolved per product through a `LevelTable` keyed by subcategory, so "cheap" means under $100 for a
phone and under $15 for a case in the same query.

    >>> f = Filters(price_max="low", brand=["Samsung"], average_rating_min=4)
    >>> f.active_fields()
    ['price_max', 'average_rating_min', 'brand']
    >>> DEFAULT_LEVELS.bound("price_max", "low", "Cell Phones")
    100.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Level = Literal["low", "medium", "high"]
LEVELS: tuple[str, ...] = ("low", "medium", "high")
PHONES = "Cell Phones"
ACCESSORIES = "Cell Phone Accessories"

NumberOrLevel = float | Level

# Fields whose values are numbers or levels, with the product attribute they bound and the direction.
NUMERIC_FIELDS: dict[str, tuple[str, str]] = {
    "price_min": ("price", "min"),
    "price_max": ("price", "max"),
    "review_count_min": ("review_count", "min"),
    "review_count_max": ("review_count", "max"),
    "average_rating_min": ("rating", "min"),
    "average_rating_max": ("rating", "max"),
    "storage_gb_min": ("storage_gb", "min"),
    "storage_gb_max": ("storage_gb", "max"),
}
LIST_FIELDS: tuple[str, ...] = ("brand", "brand_exclude", "color", "carrier")
SCALAR_FIELDS: tuple[str, ...] = ("subcategory", "condition")
PAPER_FIELDS: tuple[str, ...] = (
    "price_min",
    "price_max",
    "review_count_min",
    "review_count_max",
    "average_rating_min",
    "average_rating_max",
    "subcategory",
)
# Canonical order: the paper's seven, then Sift's facets. Serialisation (seq2seq targets, JSON) uses it.
FIELD_ORDER: tuple[str, ...] = PAPER_FIELDS + (
    "brand",
    "brand_exclude",
    "color",
    "storage_gb_min",
    "storage_gb_max",
    "carrier",
    "condition",
)


class Filters(BaseModel):
    """Constraints on products. Every field is optional; an empty `Filters()` admits every product.

    Field names of the paper are kept verbatim so evaluation files stay comparable.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    price_min: NumberOrLevel | None = Field(None, description="Lowest acceptable price in USD, or a level.")
    price_max: NumberOrLevel | None = Field(None, description="Highest acceptable price in USD, or a level.")
    review_count_min: NumberOrLevel | None = Field(None, description="At least this many ratings, or a level.")
    review_count_max: NumberOrLevel | None = Field(None, description="At most this many ratings, or a level.")
    average_rating_min: NumberOrLevel | None = Field(None, description="Star rating at least (0-5), or a level.")
    average_rating_max: NumberOrLevel | None = Field(None, description="Star rating at most (0-5), or a level.")
    subcategory: str | None = Field(None, description='"Cell Phones" or "Cell Phone Accessories" (or a catalog leaf).')
    brand: list[str] = Field(default_factory=list, description="Any of these brands.")
    brand_exclude: list[str] = Field(default_factory=list, description="None of these brands.")
    color: list[str] = Field(default_factory=list, description="Any of these base colors (black, blue...).")
    storage_gb_min: NumberOrLevel | None = Field(None, description="Storage at least this many GB.")
    storage_gb_max: NumberOrLevel | None = Field(None, description="Storage at most this many GB.")
    carrier: list[str] = Field(default_factory=list, description="Any of these carriers (Unlocked, AT&T...).")
    condition: Literal["new", "renewed"] | None = Field(None, description='"new" or "renewed" (refurbished).')

    @field_validator(*NUMERIC_FIELDS, mode="before")
    @classmethod
    def _number_or_level(cls, v: Any) -> Any:
        if v is None or isinstance(v, bool):
            return None if v is None else _bad(v)
        if isinstance(v, str):
            s = v.strip().lower()
            if s in LEVELS:
                return s
            try:
                v = float(s.replace(",", "").lstrip("$"))
            except ValueError:
                return _bad(v)
        if isinstance(v, int | float):
            if not math.isfinite(v) or v < 0:
                return _bad(v)
            return float(v)
        return _bad(v)

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _as_list(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            v = [v]
        out: list[str] = []
        for item in v:
            s = str(item).strip()
            if s and s.lower() not in {x.lower() for x in out}:
                out.append(s)
        return out

    def active_fields(self) -> list[str]:
        """Names of constrained fields, in `FIELD_ORDER` (the paper's fields first)."""
        return [name for name in FIELD_ORDER if _is_set(getattr(self, name))]

    def active(self) -> dict[str, Any]:
        """Only the constrained fields, JSON-ready (the shape `--json` prints)."""
        return {k: getattr(self, k) for k in self.active_fields()}

    def is_empty(self) -> bool:
        return not self.active_fields()

    def without(self, *names: str) -> Filters:
        """A copy with the named fields cleared."""
        data = self.model_dump()
        for n in names:
            data[n] = [] if n in LIST_FIELDS else None
        return Filters(**data)

    def merged(self, **changes: Any) -> Filters:
        data = self.model_dump()
        data.update(changes)
        return Filters(**data)


def _is_set(v: Any) -> bool:
    return v not in (None, [], "")


def _bad(v: Any) -> Any:
    raise ValueError(f"expected a non-negative number or one of {LEVELS}, got {v!r}")


class FilterError(ValueError):
    """A filter given by a person (CLI, API) that cannot be understood; the message lists valid options."""


def parse_filter_args(pairs: list[str], base: Filters | None = None) -> Filters:
    """Parse `key=value` strings from the command line into `Filters`.

    List fields accept several values separated by `|` or repeated flags (`brand=Samsung|Google`).
    Unknown keys or bad values raise `FilterError` naming the valid fields.
    """
    data: dict[str, Any] = (base or Filters()).model_dump()
    valid = sorted(Filters.model_fields)
    for pair in pairs:
        if "=" not in pair:
            raise FilterError(f"filter {pair!r} is not key=value; valid keys: {', '.join(valid)}")
        key, value = (s.strip() for s in pair.split("=", 1))
        if key not in Filters.model_fields:
            raise FilterError(f"unknown filter field {key!r}; valid fields: {', '.join(valid)}")
        if key in LIST_FIELDS:
            data[key] = list(data[key]) + [v for v in value.split("|") if v.strip()]
        else:
            data[key] = value
    try:
        return Filters(**data)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())  # type: ignore[attr-defined]
        raise FilterError(f"invalid filter value ({msgs}). Numbers or low/medium/high for numeric fields; "
                          f"condition is new|renewed.") from None


# --------------------------------------------------------------------------------------------------
# Levels
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelRanges:
    """[lo, hi) ranges of one attribute for the three levels. `hi=inf` means unbounded."""

    low: tuple[float, float]
    medium: tuple[float, float]
    high: tuple[float, float]

    def range(self, level: str) -> tuple[float, float]:
        return getattr(self, level)


INF = float("inf")

# The paper's Table 2 ("chosen from experience"). Rating and review count do not depend on subcategory.
PAPER_RATING = LevelRanges(low=(0.0, 4.0), medium=(4.0, 5.0), high=(4.5, 5.0))
PAPER_REVIEWS = LevelRanges(low=(0.0, 100.0), medium=(100.0, INF), high=(1000.0, INF))
PAPER_PRICE = {
    PHONES: LevelRanges(low=(0.0, 100.0), medium=(100.0, 300.0), high=(300.0, INF)),
    ACCESSORIES: LevelRanges(low=(0.0, 15.0), medium=(15.0, 40.0), high=(40.0, INF)),
}
# Storage has no paper table; these follow what phone shops call small / mid / large storage.
DEFAULT_STORAGE = LevelRanges(low=(0.0, 64.0), medium=(64.0, 256.0), high=(256.0, INF))


@dataclass
class LevelTable:
    """Resolves a level to a numeric bound, per subcategory.

    A `_min` field takes the lower bound of its level's range and a `_max` field the upper bound
    (the paper's rule). Subcategories without an entry use `default_price` (or, in quantile mode,
    the catalog's own tertiles for that subcategory).
    """

    price: dict[str, LevelRanges] = field(default_factory=lambda: dict(PAPER_PRICE))
    default_price: LevelRanges = PAPER_PRICE[PHONES]
    rating: LevelRanges = PAPER_RATING
    review_count: LevelRanges = PAPER_REVIEWS
    storage_gb: LevelRanges = DEFAULT_STORAGE

    def ranges(self, attribute: str, subcategory: str | None) -> LevelRanges:
        if attribute == "price":
            return self.price.get(subcategory or "", self.default_price)
        return getattr(self, attribute)

    def bound(self, field_name: str, level: str, subcategory: str | None) -> float:
        attribute, direction = NUMERIC_FIELDS[field_name]
        lo, hi = self.ranges(attribute, subcategory).range(level)
        return lo if direction == "min" else hi

    @classmethod
    def from_quantiles(cls, prices_by_subcategory: dict[str, list[float]], base: LevelTable | None = None) -> LevelTable:
        """Derive price levels from the catalog: low = bottom third, medium = middle, high = top third.

        Use this for catalogs outside phones, where the paper's dollar ranges mean nothing.
        """
        import numpy as np

        table = base or cls()
        price = dict(table.price)
        for sub, values in prices_by_subcategory.items():
            arr = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
            if arr.size < 3:
                continue
            q1, q2 = (float(round(x, 2)) for x in np.quantile(arr, [1 / 3, 2 / 3]))
            price[sub] = LevelRanges(low=(0.0, q1), medium=(q1, q2), high=(q2, INF))
        return LevelTable(price=price, default_price=table.default_price, rating=table.rating,
                          review_count=table.review_count, storage_gb=table.storage_gb)


DEFAULT_LEVELS = LevelTable()
