"""Bounds in a filter state: resolving a level to a number, and dropping a bound the newer one contradicts.

Shared by the state update (extraction/state.py) and the relative moves (extraction/moves.py).
"""

from __future__ import annotations

from typing import Any

from retrieval.filters import DEFAULT_LEVELS, LEVELS, Filters, fit_limits


def opposite(name: str) -> str:
    """The other bound of the same attribute: "price_min" -> "price_max"."""
    return name[:-4] + "_max" if name.endswith("_min") else name[:-4] + "_min"


def resolved(data: dict[str, Any], name: str) -> float | None:
    """A bound as a number (a level through the fixed tables of the state's subcategory); None if unset."""
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


def drop_contradicting(data: dict[str, Any], name: str, warnings: list[str]) -> None:
    """A newly set bound wins over an older opposite bound it contradicts ("over 300" then "under 200")."""
    other = opposite(name)
    new_v, old_v = resolved(data, name), resolved(data, other)
    if new_v is None or old_v is None:
        return
    lo, hi = (new_v, old_v) if name.endswith("_min") else (old_v, new_v)
    if lo > hi:
        warnings.append(f"{name}={data[name]} contradicts the earlier {other}={data[other]}; dropped {other}")
        data.pop(other, None)


def to_filters(data: dict[str, Any], warnings: list[str]) -> Filters:
    """`Filters` from raw values: over-long lists trimmed, invalid values dropped one by one, with warnings."""
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
