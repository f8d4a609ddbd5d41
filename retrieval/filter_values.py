"""Size limits on `Filters` values and the reading of one raw value within them, apart so filters.py stays the schema."""

from __future__ import annotations

import math
from typing import Any

from .levels import LEVELS

# Size limits. A `Filters` travels through prompts, tool results, checkpoints and URLs, and its values
# come from LLMs and HTTP clients, so nothing in it is unbounded. The limits sit far above any real
# catalog (longest brand in the shared Amazon catalogs: 46 characters; most brands a shopper names: a
# handful; storage of a phone: 2 TB) and far below what costs memory or time.
MAX_LIST_VALUES = 20  # values per list field (brand, brand_exclude, color, color_exclude, carrier)
MAX_VALUE_CHARS = 100  # characters per text value (a brand, a color, a carrier, the subcategory)
MAX_RAW_ITEMS = 1000  # raw list items inspected at all (duplicates included) before giving up
# Largest accepted value per numeric attribute (the lowest is 0): a rating is out of 5 stars, and no
# product costs more than $10M, has more than 1e9 ratings or 1 PB of storage, a 1,000-inch screen, 100 TB
# of RAM, a 10,000 Ah battery, 1 MW of power, 100,000 lines of resolution, 10 kHz refresh or weighs 100 t.
NUMERIC_LIMITS: dict[str, float] = {"price": 1e7, "review_count": 1e9, "rating": 5.0, "storage_gb": 1e6,
                                    "screen_in": 1e3, "ram_gb": 1e5, "battery_mah": 1e7, "power_w": 1e6,
                                    "resolution_p": 1e5, "refresh_hz": 1e4, "weight_g": 1e8}
# A category path names several levels ("Vehicles & Parts > Vehicle Parts & Accessories > Motor Vehicle
# Electronics > ..." in Google's taxonomy runs past 150 characters), so it gets more room than one value.
MAX_PATH_CHARS = 300
CATEGORY_SEPARATOR = " > "


def number_or_level(v: Any, attribute: str) -> Any:
    """A numeric field's raw value as a float within `NUMERIC_LIMITS[attribute]`, a level, or None."""
    if v is None or isinstance(v, bool):
        return None if v is None else _bad(v)
    if isinstance(v, str):
        if len(v) > 40:  # no number or level is this long; do not parse a megabyte of digits
            return _bad(v)
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
        # Above the limit, the limit: it already lies beyond every product, so "under $1e12" and
        # "under $1e7" admit the same products (a rating of 6 stars becomes 5). People get an error
        # instead, from `parse_filter_args`.
        return float(min(v, NUMERIC_LIMITS[attribute]))
    return _bad(v)


def name_list(field: str, v: Any) -> Any:
    """A list field's raw value as distinct, stripped names (first spelling wins), or a `ValueError`."""
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list | tuple | set | frozenset):
        raise ValueError(f"{field} must be a list of names, got {type(v).__name__}")
    if len(v) > MAX_RAW_ITEMS:
        raise ValueError(f"{field} has {len(v)} values; at most {MAX_LIST_VALUES} are allowed")
    out: list[str] = []
    seen: set[str] = set()
    for item in v:
        s = str(item).strip()
        if not s or s.lower() in seen:
            continue
        if len(s) > MAX_VALUE_CHARS:
            raise ValueError(f"{field} value of {len(s)} characters; at most {MAX_VALUE_CHARS} "
                             f"are allowed")
        seen.add(s.lower())
        out.append(s)
        if len(out) > MAX_LIST_VALUES:
            raise ValueError(f"{field} has more than {MAX_LIST_VALUES} distinct values; "
                             f"at most {MAX_LIST_VALUES} are allowed")
    return out


def category_path(v: Any) -> Any:
    """["Electronics", "Tv Video"] or "Electronics>Tv Video" -> "Electronics > Tv Video"."""
    if isinstance(v, list | tuple):
        if len(v) > MAX_RAW_ITEMS:
            raise ValueError(f"category has {len(v)} levels; at most {MAX_LIST_VALUES} are allowed")
        v = CATEGORY_SEPARATOR.join(str(x) for x in v)
    if not isinstance(v, str):
        return v  # None, or a wrong type that pydantic reports
    levels = [" ".join(x.split()) for x in v[: MAX_PATH_CHARS * 2].split(">")]
    return CATEGORY_SEPARATOR.join(x for x in levels if x) or None


def _bad(v: Any) -> Any:
    raise ValueError(f"expected a non-negative number or one of {LEVELS}, got {v!r}")
