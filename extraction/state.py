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

Relative moves ("cheaper", "a bigger screen", "lighter") live in extraction/moves.py, anchored to the
products shown last turn; their names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retrieval.catalog import Product
from retrieval.filters import (
    ACCESSORIES,
    EXCLUSION_OF,
    FIELD_GROUPS,
    LEVELS,
    LIST_FIELDS,
    NUMERIC_FIELDS,
    Filters,
)

from .bounds import drop_contradicting, to_filters
from .moves import ATTRIBUTE_MOVES, MOVES, NAMED_MOVES, Move, apply_moves, attribute_move, is_move, parse_move
from .type_switch import TypeFacts, switch_type

# On a switch between subcategories these survive: they mean the same for a case as for a phone
# (rating, review count) or re-resolve per subcategory (price levels). Everything else is dropped
# unless the same utterance states it again.
_PHONE_ONLY = ("carrier", "storage_gb_min", "storage_gb_max")
_SURVIVES_SWITCH = ("average_rating_min", "average_rating_max", "review_count_min", "review_count_max")


@dataclass
class StateUpdate:
    """What one utterance asks to change.

    set: fields to add or replace (list fields replace unless `add` has them); add: list values to add
    to an existing list ("or blue too"); remove: fields (or groups such as "price", "brand") to clear;
    moves: relative moves from `MOVES`; reset: start over before applying the rest; soft: fields said as
    preferences ("ideally black"), kept in the state like the others and marked so the search can rank by
    them when filtering by them would leave nothing.
    """

    set: dict[str, Any] = field(default_factory=dict)
    add: dict[str, list[str]] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    reset: bool = False
    soft: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.set or self.add or self.remove or self.moves or self.reset)


# ---------------------------------------------------------------------------------------------- update
def apply_update(state: Filters | None, update: StateUpdate, shown: Sequence[Product] = (),
                 types: TypeFacts | None = None) -> tuple[Filters, list[str]]:
    """The new state after one utterance. Order: reset, remove, subcategory or product-type switch, set,
    add, moves. `types`: the catalog's product-type facts; with them a new product type starts a new search
    (extraction/type_switch.py) instead of the subcategory switch.

    Never raises: a value that does not validate is dropped with a warning and the rest still applies.
    """
    warnings: list[str] = []
    try:
        return _apply_update(state, update, shown, warnings, types)
    except Exception as exc:  # noqa: BLE001 - contract: never raises
        warnings.append(f"could not apply the update ({type(exc).__name__}: {exc}); state unchanged")
        return state if isinstance(state, Filters) else Filters(), warnings


def _apply_update(state: Filters | None, update: StateUpdate, shown: Sequence[Product],
                  warnings: list[str], types: TypeFacts | None = None) -> tuple[Filters, list[str]]:
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
    if types is not None and sets.get("product_type") and sets["product_type"] != data.get("product_type"):
        warnings.extend(switch_type(data, sets, types))
    elif new_sub and old_sub and new_sub != old_sub:
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

    # The subcategory first: a level bound set in the same update resolves against it ("low" is $15 for a case).
    for name, value in sorted(sets.items(), key=lambda kv: kv[0] != "subcategory"):
        if value is None or value == []:
            data.pop(name, None)
            continue
        if name in LIST_FIELDS:
            value = [value] if isinstance(value, str) else list(value)
        data[name] = value
        if name in NUMERIC_FIELDS:
            drop_contradicting(data, name, warnings)

    for name, values in (update.add or {}).items():
        if name not in LIST_FIELDS:
            warnings.append(f"cannot add to non-list field {name!r}; ignored")
            continue
        vals = [values] if isinstance(values, str) else list(values or [])
        data[name] = list(data.get(name, [])) + [v for v in vals if v]

    # A brand (a color) cannot be wanted and excluded at once: what this utterance said wins.
    for wanted, excluded in EXCLUSION_OF.items():
        said_want = set(_lower(sets.get(wanted))) | set(_lower((update.add or {}).get(wanted)))
        said_excl = set(_lower(sets.get(excluded))) | set(_lower((update.add or {}).get(excluded)))
        if said_excl and data.get(wanted):
            data[wanted] = [b for b in data[wanted] if _lower(b)[0] not in said_excl]
        if said_want and data.get(excluded):
            data[excluded] = [b for b in data[excluded] if _lower(b)[0] not in said_want]
    said_brand = set(_lower(sets.get("brand"))) | set(_lower((update.add or {}).get("brand")))

    new = to_filters(data, warnings)
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
    return to_filters(data, warnings)


def _lower(values: Any) -> list[str]:
    # Compared the way `Filters` stores values (stripped, whitespace collapsed), so "z_ " said now matches
    # the "z_" already in the state.
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    return [" ".join(str(v).split()).lower() for v in values]


__all__ = ["ATTRIBUTE_MOVES", "MOVES", "Move", "NAMED_MOVES", "StateUpdate", "apply_moves", "apply_update",
           "attribute_move", "is_move", "parse_move", "FIELD_GROUPS"]
