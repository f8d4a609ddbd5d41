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
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The limits live in filter_values.py with the reading of one raw value; these names stay importable here.
from .filter_values import (  # noqa: F401
    CATEGORY_SEPARATOR,
    MAX_LIST_VALUES,
    MAX_PATH_CHARS,
    MAX_RAW_ITEMS,
    MAX_VALUE_CHARS,
    NUMERIC_LIMITS,
    category_path,
    name_list,
    number_or_level,
)
from .levels import (  # noqa: F401
    ACCESSORIES,
    DEFAULT_LEVELS,
    DEFAULT_STORAGE,
    INF,
    LEVELS,
    PAPER_PRICE,
    PAPER_RATING,
    PAPER_REVIEWS,
    PHONES,
    Level,
    LevelRanges,
    LevelTable,
)

# Levels live in levels.py (the paper's table, catalog tertiles per category); these names stay importable here.
from .roles import known_types

NumberOrLevel = float | Level
# The paper's seven fields (arXiv 2601.16492, Table 1), under the paper's names.
PAPER_FIELDS: tuple[str, ...] = (
    "price_min",
    "price_max",
    "review_count_min",
    "review_count_max",
    "average_rating_min",
    "average_rating_max",
    "subcategory",
)


@dataclass(frozen=True)
class Bound:
    """Marks a numeric `Filters` field: which product attribute it bounds, and from which side.

    The tables below (`NUMERIC_FIELDS`, `NUMERIC_PAIRS`, `LIST_FIELDS`, `FIELD_GROUPS`...) are derived from
    these markers, so a new attribute is one pair of annotated fields on `Filters` and nothing else.
    """

    attribute: str  # the key of `NUMERIC_LIMITS` and of the `LevelTable` attributes
    side: Literal["min", "max"]


class Filters(BaseModel):
    """Constraints on products. Every field is optional; an empty `Filters()` admits every product.

    Field names of the paper are kept verbatim so evaluation files stay comparable. Sizes are bounded
    (`MAX_LIST_VALUES`, `MAX_VALUE_CHARS`): more values or longer ones raise a `ValueError`, and a number
    above its `NUMERIC_LIMITS` entry is lowered to it. Lenient callers pass raw values through
    `fit_limits` first (truncate with a warning); `parse_filter_args` rejects instead.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    price_min: Annotated[NumberOrLevel | None, Bound("price", "min")] = Field(
        None, description="Lowest acceptable price in USD, or a level.")
    price_max: Annotated[NumberOrLevel | None, Bound("price", "max")] = Field(
        None, description="Highest acceptable price in USD, or a level.")
    review_count_min: Annotated[NumberOrLevel | None, Bound("review_count", "min")] = Field(
        None, description="At least this many ratings, or a level.")
    review_count_max: Annotated[NumberOrLevel | None, Bound("review_count", "max")] = Field(
        None, description="At most this many ratings, or a level.")
    average_rating_min: Annotated[NumberOrLevel | None, Bound("rating", "min")] = Field(
        None, description="Star rating at least (0-5), or a level.")
    average_rating_max: Annotated[NumberOrLevel | None, Bound("rating", "max")] = Field(
        None, description="Star rating at most (0-5), or a level.")
    subcategory: str | None = Field(None, max_length=MAX_VALUE_CHARS,
                                    description='"Cell Phones" or "Cell Phone Accessories" (or a catalog leaf).')
    brand: list[str] = Field(default_factory=list, description="Any of these brands.")
    brand_exclude: list[str] = Field(default_factory=list, description="None of these brands.")
    color: list[str] = Field(default_factory=list, description="Any of these base colors (black, blue...).")
    color_exclude: list[str] = Field(default_factory=list, description="None of these base colors.")
    storage_gb_min: Annotated[NumberOrLevel | None, Bound("storage_gb", "min")] = Field(
        None, description="Storage at least this many GB (1 TB = 1024). Not RAM.")
    storage_gb_max: Annotated[NumberOrLevel | None, Bound("storage_gb", "max")] = Field(
        None, description="Storage at most this many GB.")
    carrier: list[str] = Field(default_factory=list, description="Any of these carriers (Unlocked, AT&T...).")
    condition: Literal["new", "renewed"] | None = Field(None, description='"new" or "renewed" (refurbished).')
    category: str | None = Field(None, max_length=MAX_PATH_CHARS, description=(
        'A category path from the top, levels joined by " > " ("Electronics > Tv Video"), as deep as wanted; '
        'its products and those of every category below it match. A list of levels is joined.'))
    include_out_of_stock: bool | None = Field(None, description=(
        "true to also show products that are out of stock (sold out); they are hidden otherwise."))
    # Attributes with units, read from details and titles (retrieval/specs.py). Unknown values never match.
    screen_in_min: Annotated[NumberOrLevel | None, Bound("screen_in", "min")] = Field(
        None, description="Screen (diagonal) at least this many inches, or a level.")
    screen_in_max: Annotated[NumberOrLevel | None, Bound("screen_in", "max")] = Field(
        None, description="Screen (diagonal) at most this many inches, or a level.")
    ram_gb_min: Annotated[NumberOrLevel | None, Bound("ram_gb", "min")] = Field(
        None, description="RAM (memory) at least this many GB, or a level. Not storage.")
    ram_gb_max: Annotated[NumberOrLevel | None, Bound("ram_gb", "max")] = Field(
        None, description="RAM (memory) at most this many GB, or a level.")
    battery_mah_min: Annotated[NumberOrLevel | None, Bound("battery_mah", "min")] = Field(
        None, description="Battery capacity at least this many mAh, or a level.")
    battery_mah_max: Annotated[NumberOrLevel | None, Bound("battery_mah", "max")] = Field(
        None, description="Battery capacity at most this many mAh, or a level.")
    power_w_min: Annotated[NumberOrLevel | None, Bound("power_w", "min")] = Field(
        None, description="Power at least this many watts (a charger's output, a speaker's, an appliance's), "
                          "or a level.")
    power_w_max: Annotated[NumberOrLevel | None, Bound("power_w", "max")] = Field(
        None, description="Power at most this many watts, or a level.")
    resolution_p_min: Annotated[NumberOrLevel | None, Bound("resolution_p", "min")] = Field(
        None, description="Resolution at least this many lines: HD 720, Full HD 1080, QHD 1440, 4K 2160, "
                          "8K 4320; or a level.")
    resolution_p_max: Annotated[NumberOrLevel | None, Bound("resolution_p", "max")] = Field(
        None, description="Resolution at most this many lines (720, 1080, 1440, 2160, 4320), or a level.")
    refresh_hz_min: Annotated[NumberOrLevel | None, Bound("refresh_hz", "min")] = Field(
        None, description="Screen refresh rate at least this many Hz, or a level.")
    refresh_hz_max: Annotated[NumberOrLevel | None, Bound("refresh_hz", "max")] = Field(
        None, description="Screen refresh rate at most this many Hz, or a level.")
    weight_g_min: Annotated[NumberOrLevel | None, Bound("weight_g", "min")] = Field(
        None, description="Weight at least this many grams (1 kg = 1000), or a level.")
    weight_g_max: Annotated[NumberOrLevel | None, Bound("weight_g", "max")] = Field(
        None, description="Weight at most this many grams (1 kg = 1000), or a level.")
    product_type: str | None = Field(None, max_length=MAX_VALUE_CHARS, description=(
        'What the product is ("laptop", "tv", "phone", "case", "charger"...): only products of that type, not '
        'accessories made for one ("laptop" leaves out laptop bags and RAM sticks). Set it when the shopper '
        'asks for a kind of product; for an accessory, its own type ("a laptop bag" -> "bag").'))

    @field_validator("*", mode="before")
    @classmethod
    def _number_or_level(cls, v: Any, info: Any) -> Any:
        if info.field_name not in NUMERIC_FIELDS:
            return v
        return number_or_level(v, NUMERIC_FIELDS[info.field_name][0])

    @field_validator("product_type", mode="before")
    @classmethod
    def _known_type(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if not isinstance(v, str):
            raise ValueError(f"product_type must be a name, got {type(v).__name__}")
        name = "_".join(v.strip().lower().replace("-", " ").split())
        if name not in known_types():
            raise ValueError(f"unknown product_type {v!r}; one of: {', '.join(known_types())}")
        return name

    @field_validator("*", mode="before")
    @classmethod
    def _as_list(cls, v: Any, info: Any) -> Any:
        if info.field_name not in LIST_FIELDS:
            return v
        return name_list(info.field_name, v)

    @field_validator("category", mode="before")
    @classmethod
    def _category_path(cls, v: Any) -> Any:
        return category_path(v)

    @field_validator("include_out_of_stock", mode="after")
    @classmethod
    def _only_when_asked(cls, v: bool | None) -> bool | None:
        # False is the default (sold-out products hidden), so it is not a constraint the shopper set.
        return True if v else None

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


# ------------------------------------------------------------------------------------------ derived schema
# Everything below is read off `Filters`; nothing here is written down a second time.
def _numeric_fields() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for name, info in Filters.model_fields.items():
        for marker in info.metadata:
            if isinstance(marker, Bound):
                out[name] = (marker.attribute, marker.side)
    return out


def _is_list_field(annotation: Any) -> bool:
    return annotation is list or get_origin(annotation) is list or any(
        _is_list_field(a) for a in get_args(annotation) if get_origin(annotation) is Annotated)


# Canonical order = declaration order on `Filters`: the paper's seven first, then Sift's facets.
# Serialisation (seq2seq targets, JSON, chips) uses it.
FIELD_ORDER: tuple[str, ...] = tuple(Filters.model_fields)
assert FIELD_ORDER[: len(PAPER_FIELDS)] == PAPER_FIELDS, "declare the paper's fields first on Filters"
# Field -> (product attribute it bounds, "min" | "max"): {"price_min": ("price", "min"), ...}
NUMERIC_FIELDS: dict[str, tuple[str, str]] = _numeric_fields()
# Attribute -> its (min field, max field): {"price": ("price_min", "price_max"), ...}
NUMERIC_PAIRS: dict[str, tuple[str, str]] = {
    attr: (next(f for f, (a, s) in NUMERIC_FIELDS.items() if a == attr and s == "min"),
           next(f for f, (a, s) in NUMERIC_FIELDS.items() if a == attr and s == "max"))
    for attr in dict.fromkeys(a for a, _ in NUMERIC_FIELDS.values())
}
LIST_FIELDS: tuple[str, ...] = tuple(n for n, i in Filters.model_fields.items() if _is_list_field(i.annotation))
SCALAR_FIELDS: tuple[str, ...] = tuple(n for n in Filters.model_fields if n not in NUMERIC_FIELDS
                                       and n not in LIST_FIELDS)
# A wanted-values list and its exclusion list form one group: "any brand" clears both.
EXCLUSION_OF: dict[str, str] = {n[: -len("_exclude")]: n for n in LIST_FIELDS
                                if n.endswith("_exclude") and n[: -len("_exclude")] in LIST_FIELDS}


def _field_groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for attr, pair in NUMERIC_PAIRS.items():
        groups[attr] = pair
        groups[pair[0][: -len("_min")]] = pair  # the field stem: "average_rating", "storage_gb"
    for name in LIST_FIELDS + SCALAR_FIELDS:
        if not name.endswith("_exclude"):
            groups[name] = (name, EXCLUSION_OF[name]) if name in EXCLUSION_OF else (name,)
    for alias, target in GROUP_ALIASES.items():
        groups[alias] = groups[target]
    groups["all"] = tuple(Filters.model_fields)
    return groups


# Other names a shopper or a model uses for a group in `remove` ("any budget", "forget the reviews").
GROUP_ALIASES: dict[str, str] = {"budget": "price", "reviews": "review_count", "storage": "storage_gb",
                                 "brands": "brand", "colour": "color", "screen": "screen_in",
                                 "screen_size": "screen_in", "ram": "ram_gb", "battery": "battery_mah",
                                 "power": "power_w", "wattage": "power_w", "resolution": "resolution_p",
                                 "refresh": "refresh_hz", "refresh_rate": "refresh_hz", "weight": "weight_g",
                                 "type": "product_type"}
# Group name -> the fields it clears: {"price": ("price_min", "price_max"), "brand": ("brand", "brand_exclude"), ...}
FIELD_GROUPS: dict[str, tuple[str, ...]] = _field_groups()
# The group names as a type (for the LLM's structured output), read off the table above.
FieldGroup = Literal[tuple(FIELD_GROUPS)]  # type: ignore[valid-type]


def fit_limits(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Bring raw filter values within the size limits instead of rejecting them, saying what changed.

    For the lenient paths (extractors, tools, stored state): a list keeps its LAST `MAX_LIST_VALUES`
    distinct values (values added later, i.e. what the shopper said most recently, sit at the end), an
    over-long text value is dropped, a number above its limit is lowered to the limit (a cap of $1e12 and
    a cap of $1e7 admit the same products). Everything else passes unchanged for `Filters` to validate.
    People (CLI, API) get the strict `Filters` errors instead, through `parse_filter_args`.

        >>> fit_limits({"price_max": 5e12, "brand": [f"b{i}" for i in range(30)]})[0]["brand"][:2]
        ['b10', 'b11']
    """
    out = dict(data)
    warnings: list[str] = []
    for name, value in data.items():
        if name in LIST_FIELDS and isinstance(value, list | tuple):
            items = list(value)[-MAX_RAW_ITEMS:]
            kept: list[str] = []
            seen: set[str] = set()
            for item in items:  # first spelling and position win, as in `Filters`
                s = str(item).strip() if item is not None else ""
                if not s or s.lower() in seen:
                    continue
                if len(s) > MAX_VALUE_CHARS:
                    warnings.append(f"dropped a {name} value of {len(s)} characters (limit {MAX_VALUE_CHARS})")
                    continue
                seen.add(s.lower())
                kept.append(s)
            if len(kept) > MAX_LIST_VALUES:
                warnings.append(f"{name} had {len(kept)} values; kept the last {MAX_LIST_VALUES}")
                kept = kept[-MAX_LIST_VALUES:]
            out[name] = kept
        elif name in LIST_FIELDS and isinstance(value, str) and len(value.strip()) > MAX_VALUE_CHARS:
            warnings.append(f"dropped a {name} value of {len(value)} characters (limit {MAX_VALUE_CHARS})")
            out[name] = []
        elif name in NUMERIC_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            limit = NUMERIC_LIMITS[NUMERIC_FIELDS[name][0]]
            if math.isfinite(value) and value > limit:  # `Filters` would clamp too; this says so
                warnings.append(f"{name}={value:g} is above the limit {limit:g}; lowered to {limit:g}")
                out[name] = limit
        elif name in SCALAR_FIELDS and isinstance(value, str) and len(value) > _max_chars(name):
            warnings.append(f"dropped a {name} of {len(value)} characters (limit {_max_chars(name)})")
            out[name] = None
    return out, warnings


def _max_chars(name: str) -> int:
    """The character limit of a text field: its own `max_length` (the category path's is longer)."""
    limits = [m.max_length for m in Filters.model_fields[name].metadata if getattr(m, "max_length", None)]
    return max(limits, default=MAX_VALUE_CHARS)


def _is_set(v: Any) -> bool:
    return v not in (None, [], "")


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
        if key in NUMERIC_FIELDS:
            _check_limit(key, value)
    try:
        return Filters(**data)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())  # type: ignore[attr-defined]
        raise FilterError(f"invalid filter value ({msgs}). Numbers or low/medium/high for numeric fields; "
                          f"condition is new|renewed.") from None


def _check_limit(key: str, value: str) -> None:
    """A number beyond its limit is a typo when a person types it: say so rather than clamp."""
    attribute = NUMERIC_FIELDS[key][0]
    try:
        x = float(value.strip().replace(",", "").lstrip("$"))
    except ValueError:
        return  # a level, or garbage that `Filters` reports
    limit = NUMERIC_LIMITS[attribute]
    if math.isfinite(x) and x > limit:
        raise FilterError(f"{key}={value} is above the limit {limit:g} for {attribute} (allowed: 0 to {limit:g}, "
                          f"or low/medium/high)")
