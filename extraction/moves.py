"""Relative moves: "cheaper", "better rated", "a bigger screen", "lighter", anchored to the products shown.

A move names an attribute and a direction: "more:screen_in" ("a bigger display"), "less:weight_g"
("lighter"), "more:battery_mah", "more:power_w"... for every attribute of `NUMERIC_PAIRS`. The six named
moves keep their names and meaning; five of them are such moves under another name ("cheaper" is
"less:price") and either spelling runs the same rule. "other_brands" is a move on the brand lists.

Moves are anchored to the products shown last turn ("cheaper" = cheaper than what you saw): the anchor
is the MEDIAN of the shown values, not the extreme, so about half of what was shown stays reachable and
the next page is not limited to a sliver of the catalog (see docs/state_rules.md).

    >>> apply_moves(Filters(), ["more:screen_in"], [])[0].active()     # nothing shown: a level up
    {'screen_in_min': 'high'}
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args

from retrieval.catalog import Product
from retrieval.filters import DEFAULT_LEVELS, LEVELS, NUMERIC_PAIRS, Filters
from retrieval.specs import attributes, product_value

from .bounds import drop_contradicting, resolved, to_filters

# Relative moves, anchored to the products shown last turn ("cheaper" = cheaper than what you saw).
Move = Literal["cheaper", "more_expensive", "better_rated", "more_reviews", "more_storage", "other_brands"]
MOVES: tuple[str, ...] = get_args(Move)
# Moves along any numeric attribute: "<more|less>:<attribute>" ("more:screen_in", "less:weight_g").
Direction = Literal["more", "less"]
ATTRIBUTE_MOVES: tuple[str, ...] = tuple(f"{d}:{a}" for a in NUMERIC_PAIRS for d in get_args(Direction))
# The named moves that are attribute moves under another name.
NAMED_MOVES: dict[str, str] = {"cheaper": "less:price", "more_expensive": "more:price",
                               "better_rated": "more:rating", "more_reviews": "more:review_count",
                               "more_storage": "more:storage_gb"}
# Standard storage sizes, for "more storage" when shown products give no anchor.
_STORAGE_STEPS = (8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0)
FALLBACK_FACTOR = 0.2  # "cheaper" with nothing shown: 20% below the current bound


def attribute_move(attribute: str, direction: Direction) -> str:
    """The move's name: attribute_move("screen_in", "more") == "more:screen_in"."""
    return f"{direction}:{attribute}"


def parse_move(name: str) -> tuple[str, Direction] | None:
    """(attribute, direction) of an attribute move or of a named move that is one; None otherwise."""
    name = NAMED_MOVES.get(name, name)
    direction, _, attribute = str(name).partition(":")
    if direction in ("more", "less") and attribute in NUMERIC_PAIRS:
        return attribute, direction  # type: ignore[return-value]
    return None


def is_move(name: str) -> bool:
    return name in MOVES or parse_move(name) is not None


def apply_moves(state: Filters, moves: Sequence[str], shown: Sequence[Product]) -> tuple[Filters, list[str]]:
    """Apply relative moves anchored to the products shown last turn. Never raises.

    cheaper: price_max just below the median price shown; more_expensive: price_min just above it;
    better_rated: average_rating_min 0.1 above the median rating shown; more_reviews: review_count_min
    above the median count shown; more_storage: storage_gb_min = the next standard size above the median
    storage shown; other_brands: exclude the brands shown (and the brand filter) and clear the brand.
    more:<attribute> / less:<attribute>: the attribute's min just above (max just below) the median shown,
    at its next standard value where it has them (RAM, resolution, refresh rate).
    With nothing usable shown, each move shifts the current bound (20%) or level, and says so.
    """
    warnings: list[str] = []
    current = state if isinstance(state, Filters) else Filters()
    for move in moves or []:
        try:
            fn = _move_func(str(move))
            if fn is None:
                warnings.append(f"unknown move {move!r} ignored; known moves: {', '.join(MOVES)}, "
                                f"or more:<attribute> / less:<attribute> for {', '.join(NUMERIC_PAIRS)}")
                continue
            data = current.model_dump()
            fn(data, list(shown or []), warnings)
            current = to_filters(data, warnings)
        except Exception as exc:  # noqa: BLE001
            warnings.append(f"move {move!r} failed ({type(exc).__name__}: {exc}); skipped")
    return current, warnings


def _move_func(move: str) -> MoveFunc | None:
    named = _MOVE_FUNCS.get(move) or _MOVE_FUNCS.get(next((k for k, v in NAMED_MOVES.items() if v == move), ""))
    if named is not None:
        return named
    parsed = parse_move(move)
    if parsed is None:
        return None
    attribute, direction = parsed
    return lambda data, shown, warnings: _move_attribute(data, shown, warnings, attribute, direction)


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
        cur = resolved(data, "price_max")
        data["price_max"] = max(0.0, min(new_max, cur) if cur is not None else new_max)
    else:
        cur = data.get("price_max")
        if isinstance(cur, str) and _shift_level(cur, up=False):
            data["price_max"] = _shift_level(cur, up=False)
        elif cur is not None:
            data["price_max"] = round(resolved(data, "price_max") * (1 - FALLBACK_FACTOR), 2)  # type: ignore[operator]
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
        cur = resolved(data, "price_min")
        data["price_min"] = max(new_min, cur) if cur is not None else new_min
    else:
        cur = data.get("price_min")
        if isinstance(cur, str) and _shift_level(cur, up=True):
            data["price_min"] = _shift_level(cur, up=True)
        elif cur is not None:
            data["price_min"] = round(resolved(data, "price_min") * (1 + FALLBACK_FACTOR), 2)  # type: ignore[operator]
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
    cur = resolved(data, "average_rating_min")
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
    cur = resolved(data, "review_count_min")
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
        anchor = resolved(data, "storage_gb_min") or resolved(data, "storage_gb_max") or 64.0
        warnings.append("more_storage: no shown storage sizes to compare with; stepped up from the current bound")
    step = next((s for s in _STORAGE_STEPS if s > anchor + 1e-9), anchor * 2)
    cur = resolved(data, "storage_gb_min")
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


def _move_attribute(data: dict[str, Any], shown: list[Product], warnings: list[str], attribute: str,
                    direction: Direction) -> None:
    """more:<attribute>: its min just above the median shown; less:<attribute>: its max just below.

    Never looser than the bound already in force. Attributes with standard values (units.toml `steps`)
    move to the next one ("more RAM" than 8 GB is 12 GB+), others by their resolution (a bigger screen
    than 55" is 55.1"+). Nothing shown with a value: the bound moves a level (or 20%), with a warning.
    """
    lo_name, hi_name = NUMERIC_PAIRS[attribute]
    name = lo_name if direction == "more" else hi_name
    spec = attributes().get(attribute)
    steps = spec.steps if spec else ()
    values = [v for p in shown if (v := product_value(p, attribute)) is not None and v >= 0]
    if values:
        anchor = statistics.median(values)
        target = _beyond(anchor, direction, steps, spec.resolution if spec else 0.01)
        cur = resolved(data, name)
        if cur is not None:
            target = max(target, cur) if direction == "more" else min(target, cur)
        data[name] = max(0.0, target)
    else:
        _shift_bound(data, name, hi_name if direction == "more" else lo_name, direction, steps)
        warnings.append(f"{direction}:{attribute}: no shown values to compare with; moved the bound one step")
    _repair_after_move(data, name, warnings)


def _beyond(anchor: float, direction: Direction, steps: Sequence[float], resolution: float) -> float:
    """The next standard value past `anchor`, or `anchor` plus (minus) one resolution step."""
    if steps:
        past = [s for s in steps if (s > anchor + 1e-9 if direction == "more" else s < anchor - 1e-9)]
        if past:
            return past[0] if direction == "more" else past[-1]
    digits = max(0, -math.floor(math.log10(resolution))) if resolution > 0 else 2
    return round(anchor + resolution if direction == "more" else anchor - resolution, digits)


def _shift_bound(data: dict[str, Any], name: str, other: str, direction: Direction, steps: Sequence[float]) -> None:
    """With nothing shown: tighten `name` a level or 20% (a standard step where there are steps); a bound
    on the other side in the way is lifted the same way; no bound at all: the outer level ("high" / "low")."""
    up = direction == "more"
    cur, opposite = data.get(name), data.get(other)
    if isinstance(cur, str):
        data[name] = _shift_level(cur, up) or cur
    elif cur is not None:
        data[name] = _step_number(float(cur), up, steps)
    elif isinstance(opposite, str):  # "under medium" and asked for more: lift the cap a level
        data[other] = _shift_level(opposite, up)
        if data[other] in (None, "high" if up else "low"):
            data[other] = None
            data[name] = "medium"
    elif opposite is not None:
        data[other] = _step_number(float(opposite), up, steps)
    else:
        data[name] = "high" if up else "low"


def _step_number(value: float, up: bool, steps: Sequence[float]) -> float:
    past = [s for s in steps if (s > value if up else s < value)]
    if past:
        return past[0] if up else past[-1]
    return round(value * (1 + FALLBACK_FACTOR if up else 1 - FALLBACK_FACTOR), 2)


def _repair_after_move(data: dict[str, Any], name: str, warnings: list[str]) -> None:
    if data.get(name) is not None:
        drop_contradicting(data, name, warnings)


_MOVE_FUNCS = {
    "cheaper": _move_cheaper,
    "more_expensive": _move_more_expensive,
    "better_rated": _move_better_rated,
    "more_reviews": _move_more_reviews,
    "more_storage": _move_more_storage,
    "other_brands": _move_other_brands,
}

MoveFunc = Callable[[dict[str, Any], list[Product], list[str]], None]
