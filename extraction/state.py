"""Multi-turn filter state: how one utterance's changes combine with the state so far.

An extractor turns an utterance into a `StateUpdate` (what to set, add, remove, which relative moves,
whether to start over); `apply_update` folds it into the current `Filters`. The rules are listed, with
an example per row, in docs/state_rules.md, and each row has a test in tests/unit/test_state.py.

    >>> s = Filters(brand=["Samsung"], price_max="low")
    >>> new, _ = apply_update(s, StateUpdate(set={"brand": ["Google"]}))     # "what about Pixel instead?"
    >>> new.active()
    {'price_max': 'low', 'brand': ['Google']}
    >>> apply_update(new, StateUpdate(remove=["brand"]))[0].active()         # "any brand"
    {'price_max': 'low'}

Relative moves are anchored to the products shown last turn ("cheaper" = cheaper than what you saw):
the anchor is the MEDIAN of the shown values, not the extreme, so about half of what was shown stays
reachable and the next page is not limited to a sliver of the catalog (see docs/state_rules.md).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from retrieval.catalog import Product
from retrieval.filters import (
    ACCESSORIES,
    DEFAULT_LEVELS,
    FIELD_GROUPS,
    LEVELS,
    LIST_FIELDS,
    NUMERIC_FIELDS,
    Filters,
    fit_limits,
)

# Relative moves, anchored to the products shown last turn ("cheaper" = cheaper than what you saw).
Move = Literal["cheaper", "more_expensive", "better_rated", "more_reviews", "more_storage", "other_brands"]
MOVES: tuple[str, ...] = get_args(Move)

# On a switch between subcategories these survive: they mean the same for a case as for a phone
# (rating, review count) or re-resolve per subcategory (price levels). Everything else is dropped
# unless the same utterance states it again.
_PHONE_ONLY = ("carrier", "storage_gb_min", "storage_gb_max")
_SURVIVES_SWITCH = ("average_rating_min", "average_rating_max", "review_count_min", "review_count_max")
# Standard storage sizes, for "more storage" when shown products give no anchor.
_STORAGE_STEPS = (8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0)
FALLBACK_FACTOR = 0.2  # "cheaper" with nothing shown: 20% below the current bound


@dataclass
class StateUpdate:
    """What one utterance asks to change.

    set: fields to add or replace (list fields replace unless `add` has them); add: list values to add
    to an existing list ("or blue too"); remove: fields (or groups such as "price", "brand") to clear;
    moves: relative moves from `MOVES`; reset: start over before applying the rest.
    """

    set: dict[str, Any] = field(default_factory=dict)
    add: dict[str, list[str]] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    reset: bool = False

    def is_empty(self) -> bool:
        return not (self.set or self.add or self.remove or self.moves or self.reset)


# ---------------------------------------------------------------------------------------------- update
def apply_update(state: Filters | None, update: StateUpdate, shown: Sequence[Product] = ()) -> tuple[Filters, list[str]]:
    """The new state after one utterance. Order: reset, remove, subcategory switch, set, add, moves.

    Never raises: a value that does not validate is dropped with a warning and the rest still applies.
    """
    warnings: list[str] = []
    try:
        return _apply_update(state, update, shown, warnings)
    except Exception as exc:  # noqa: BLE001 - contract: never raises
        warnings.append(f"could not apply the update ({type(exc).__name__}: {exc}); state unchanged")
        return state if isinstance(state, Filters) else Filters(), warnings


def _apply_update(state: Filters | None, update: StateUpdate, shown: Sequence[Product],
                  warnings: list[str]) -> tuple[Filters, list[str]]:
    base = state if isinstance(state, Filters) else Filters()
    if not isinstance(update, StateUpdate):
        warnings.append(f"update must be a StateUpdate, got {type(update).__name__}; state unchanged")
        return base, warnings
    data: dict[str, Any] = {} if update.reset else base.model_dump()
    data = {k: v for k, v in data.items() if v not in (None, [], "")}

    for name in update.remove or []:
        fields = FIELD_GROUPS.get(str(name).lower(), (name,) if name in Filters.model_fields else ())
        if not fields:
            warnings.append(f"cannot remove unknown field {name!r}")
        for f in fields:
            data.pop(f, None)

    sets = {k: v for k, v in (update.set or {}).items()}
    unknown = [k for k in sets if k not in Filters.model_fields]
    for k in unknown:
        warnings.append(f"unknown field {k!r} in update ignored")
        sets.pop(k)

    new_sub = sets.get("subcategory")
    old_sub = data.get("subcategory")
    if new_sub and old_sub and new_sub != old_sub:
        dropped = [f for f in list(data) if f not in _SURVIVES_SWITCH and f not in sets
                   and not (f in ("price_min", "price_max") and data[f] in LEVELS)]
        for f in dropped:
            data.pop(f, None)
        dropped = [f for f in dropped if f != "subcategory"]
        if dropped:
            warnings.append(f"switched from {old_sub} to {new_sub}: cleared {', '.join(dropped)}")
    elif new_sub == ACCESSORIES and not old_sub:
        # No subcategory yet, but carrier and storage only ever described a phone.
        dropped = [f for f in _PHONE_ONLY if f in data and f not in sets]
        for f in dropped:
            data.pop(f, None)
        if dropped:
            warnings.append(f"asked for {ACCESSORIES}: cleared phone-only {', '.join(dropped)}")

    for name, value in sets.items():
        if value is None or value == []:
            data.pop(name, None)
            continue
        if name in LIST_FIELDS:
            value = [value] if isinstance(value, str) else list(value)
        data[name] = value
        if name in NUMERIC_FIELDS:
            _drop_contradicting(data, name, warnings)

    for name, values in (update.add or {}).items():
        if name not in LIST_FIELDS:
            warnings.append(f"cannot add to non-list field {name!r}; ignored")
            continue
        vals = [values] if isinstance(values, str) else list(values or [])
        data[name] = list(data.get(name, [])) + [v for v in vals if v]

    # A brand cannot be wanted and excluded at once: what this utterance said wins.
    said_brand = set(_lower(sets.get("brand"))) | set(_lower((update.add or {}).get("brand")))
    said_excl = set(_lower(sets.get("brand_exclude"))) | set(_lower((update.add or {}).get("brand_exclude")))
    if said_excl and data.get("brand"):
        data["brand"] = [b for b in data["brand"] if _lower(b)[0] not in said_excl]
    if said_brand and data.get("brand_exclude"):
        data["brand_exclude"] = [b for b in data["brand_exclude"] if _lower(b)[0] not in said_brand]

    new = _to_filters(data, warnings)
    if update.moves:
        new, move_warnings = apply_moves(new, update.moves, shown)
        warnings.extend(move_warnings)
        if "other_brands" in update.moves and said_brand:
            new = _keep_named_brands(new, base, data.get("brand") or [], said_brand, warnings)
    return new, warnings


def _keep_named_brands(new: Filters, base: Filters, named: list[str], said: set[str], warnings: list[str]) -> Filters:
    """"other brands, like google": the brands named now are wanted; the ones chosen before are excluded.

    The other_brands move clears the brand list and excludes what it held, which would exclude the very brand
    the shopper just asked for.
    """
    wanted = [b for b in named if _lower(b)[0] in said]
    before = [b for b in base.brand if _lower(b)[0] not in said]
    excluded = [b for b in list(new.brand_exclude) + before if _lower(b)[0] not in said]
    seen: set[str] = set()
    excluded = [b for b in excluded if not (b.lower() in seen or seen.add(b.lower()))]
    data = new.model_dump()
    data.update(brand=wanted, brand_exclude=excluded)
    return _to_filters(data, warnings)


def _lower(values: Any) -> list[str]:
    # Compared the way `Filters` stores values (stripped, whitespace collapsed), so "z_ " said now matches
    # the "z_" already in the state.
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    return [" ".join(str(v).split()).lower() for v in values]


def _pair(name: str) -> str:
    return name[:-4] + "_max" if name.endswith("_min") else name[:-4] + "_min"


def _resolved(data: dict[str, Any], name: str) -> float | None:
    v = data.get(name)
    if v is None:
        return None
    if isinstance(v, str):
        if v not in LEVELS:
            return None
        return DEFAULT_LEVELS.bound(name, v, data.get("subcategory"))
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _drop_contradicting(data: dict[str, Any], name: str, warnings: list[str]) -> None:
    """A newly set bound wins over an older opposite bound it contradicts ("over 300" then "under 200")."""
    other = _pair(name)
    new_v, old_v = _resolved(data, name), _resolved(data, other)
    if new_v is None or old_v is None:
        return
    lo, hi = (new_v, old_v) if name.endswith("_min") else (old_v, new_v)
    if lo > hi:
        warnings.append(f"{name}={data[name]} contradicts the earlier {other}={data[other]}; dropped {other}")
        data.pop(other, None)


def _to_filters(data: dict[str, Any], warnings: list[str]) -> Filters:
    data, over_limit = fit_limits(data)  # e.g. a 21st excluded brand: keep the newest 20, not none
    warnings.extend(over_limit)
    try:
        return Filters(**data)
    except ValueError:
        good: dict[str, Any] = {}
        for k, v in data.items():
            try:
                Filters(**{k: v})
                good[k] = v
            except ValueError:
                warnings.append(f"{k}={v!r} is not valid; dropped")
        return Filters(**good)


# ---------------------------------------------------------------------------------------------- moves
def apply_moves(state: Filters, moves: Sequence[str], shown: Sequence[Product]) -> tuple[Filters, list[str]]:
    """Apply relative moves anchored to the products shown last turn. Never raises.

    cheaper: price_max just below the median price shown; more_expensive: price_min just above it;
    better_rated: average_rating_min 0.1 above the median rating shown; more_reviews: review_count_min
    above the median count shown; more_storage: storage_gb_min = the next standard size above the median
    storage shown; other_brands: exclude the brands shown (and the brand filter) and clear the brand.
    With nothing usable shown, each move shifts the current bound (20%) or level, and says so.
    """
    warnings: list[str] = []
    current = state if isinstance(state, Filters) else Filters()
    for move in moves or []:
        try:
            fn = _MOVE_FUNCS.get(str(move))
            if fn is None:
                warnings.append(f"unknown move {move!r} ignored; known moves: {', '.join(MOVES)}")
                continue
            data = current.model_dump()
            fn(data, list(shown or []), warnings)
            current = _to_filters(data, warnings)
        except Exception as exc:  # noqa: BLE001
            warnings.append(f"move {move!r} failed ({type(exc).__name__}: {exc}); skipped")
    return current, warnings


def _values(shown: list[Product], attr: str) -> list[float]:
    out = []
    for p in shown:
        v = getattr(p, attr, None)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0:
            out.append(float(v))
    return out


def _shift_level(level: str, up: bool) -> str | None:
    i = LEVELS.index(level) + (1 if up else -1)
    return LEVELS[i] if 0 <= i < len(LEVELS) else None


def _move_cheaper(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    prices = _values(shown, "price")
    if prices:
        anchor = statistics.median(prices)
        new_max = math.floor(anchor * 100 - 1) / 100  # strictly below the median
        cur = _resolved(data, "price_max")
        data["price_max"] = max(0.0, min(new_max, cur) if cur is not None else new_max)
    else:
        cur = data.get("price_max")
        if isinstance(cur, str) and _shift_level(cur, up=False):
            data["price_max"] = _shift_level(cur, up=False)
        elif cur is not None:
            data["price_max"] = round(_resolved(data, "price_max") * (1 - FALLBACK_FACTOR), 2)  # type: ignore[operator]
        elif isinstance(data.get("price_min"), str) and _shift_level(data["price_min"], up=False):
            data["price_min"] = _shift_level(data["price_min"], up=False)
            if data["price_min"] == "low":
                data["price_min"] = None
        elif isinstance(data.get("price_min"), int | float):
            data["price_min"] = round(data["price_min"] * (1 - FALLBACK_FACTOR), 2) or None
        else:
            data["price_max"] = "low"
        warnings.append("cheaper: no shown prices to compare with; lowered the price bound one step instead")
    _repair_after_move(data, "price_max", warnings)


def _move_more_expensive(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    prices = _values(shown, "price")
    if prices:
        anchor = statistics.median(prices)
        new_min = math.ceil(anchor * 100 + 1) / 100  # strictly above the median
        cur = _resolved(data, "price_min")
        data["price_min"] = max(new_min, cur) if cur is not None else new_min
    else:
        cur = data.get("price_min")
        if isinstance(cur, str) and _shift_level(cur, up=True):
            data["price_min"] = _shift_level(cur, up=True)
        elif cur is not None:
            data["price_min"] = round(_resolved(data, "price_min") * (1 + FALLBACK_FACTOR), 2)  # type: ignore[operator]
        elif data.get("price_max") is not None:
            # Below a cap: the cheapest way up is to lift the cap a level (or 20%).
            mx = data["price_max"]
            data["price_max"] = _shift_level(mx, up=True) if isinstance(mx, str) else round(mx * 1.2, 2)
            if data["price_max"] is None or data["price_max"] == "high":
                data["price_max"] = None
                data["price_min"] = "high" if mx == "high" else "medium"
        else:
            data["price_min"] = "medium"
        warnings.append("more_expensive: no shown prices to compare with; raised the price bound one step instead")
    _repair_after_move(data, "price_min", warnings)


def _move_better_rated(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    ratings = _values(shown, "average_rating")
    cur = _resolved(data, "average_rating_min")
    if ratings:
        target = min(5.0, round(statistics.median(ratings) + 0.1, 1))
        data["average_rating_min"] = max(target, cur) if cur is not None else target
    else:
        lvl = data.get("average_rating_min")
        if lvl is None:
            data["average_rating_min"] = "high"
        elif isinstance(lvl, str):
            data["average_rating_min"] = "high" if lvl in ("low", "medium") else min(5.0, 4.5 + 0.2)
        else:
            data["average_rating_min"] = min(5.0, round(float(lvl) + 0.3, 1))
        warnings.append("better_rated: no shown ratings to compare with; raised the rating bound one step instead")
    _repair_after_move(data, "average_rating_min", warnings)


def _move_more_reviews(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    counts = _values(shown, "rating_number")
    cur = _resolved(data, "review_count_min")
    if counts:
        target = float(math.floor(statistics.median(counts)) + 1)
        data["review_count_min"] = max(target, cur) if cur is not None else target
    else:
        lvl = data.get("review_count_min")
        if lvl is None or lvl in ("low", "medium"):
            data["review_count_min"] = "high" if lvl == "medium" else ("medium" if lvl == "low" else "high")
        elif lvl == "high":
            data["review_count_min"] = 2 * DEFAULT_LEVELS.bound("review_count_min", "high", None)
        else:
            data["review_count_min"] = float(lvl) * 2
        warnings.append("more_reviews: no shown review counts to compare with; raised the bound one step instead")
    _repair_after_move(data, "review_count_min", warnings)


def _move_more_storage(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    sizes = _values(shown, "storage_gb")
    if sizes:
        anchor = statistics.median(sizes)
    else:
        anchor = _resolved(data, "storage_gb_min") or _resolved(data, "storage_gb_max") or 64.0
        warnings.append("more_storage: no shown storage sizes to compare with; stepped up from the current bound")
    step = next((s for s in _STORAGE_STEPS if s > anchor + 1e-9), anchor * 2)
    cur = _resolved(data, "storage_gb_min")
    data["storage_gb_min"] = max(step, cur) if cur is not None else step
    _repair_after_move(data, "storage_gb_min", warnings)


def _move_other_brands(data: dict[str, Any], shown: list[Product], warnings: list[str]) -> None:
    brands = [p.brand for p in shown if getattr(p, "brand", None)]
    excluded = list(data.get("brand_exclude") or []) + list(data.get("brand") or []) + brands
    if not excluded:
        warnings.append("other_brands: no brand shown or chosen yet; nothing to exclude")
    seen: set[str] = set()
    data["brand_exclude"] = [b for b in excluded if not (b.lower() in seen or seen.add(b.lower()))]
    data["brand"] = []


def _repair_after_move(data: dict[str, Any], name: str, warnings: list[str]) -> None:
    if data.get(name) is not None:
        _drop_contradicting(data, name, warnings)


_MOVE_FUNCS = {
    "cheaper": _move_cheaper,
    "more_expensive": _move_more_expensive,
    "better_rated": _move_better_rated,
    "more_reviews": _move_more_reviews,
    "more_storage": _move_more_storage,
    "other_brands": _move_other_brands,
}

__all__ = ["MOVES", "Move", "StateUpdate", "apply_moves", "apply_update", "FIELD_GROUPS"]
