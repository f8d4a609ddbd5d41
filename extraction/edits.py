"""Edit targets: the model writes what a turn *changes* in the state, and the change is applied here.

A full-state target (`extraction.serialize`) makes the model copy every constraint the shopper set earlier
on every turn, and on our multi-turn sets most learned-model errors were copy errors: a filter dropped or
kept by mistake. Dialogue state trackers met the same problem and moved to predicting per-slot operations
over the previous state (Kim et al., "Efficient Dialogue State Tracking by Selectively Overwriting Memory",
ACL 2020). This is that idea over our flat text form; the carry-over is exact by construction:

- `field=value` sets (replaces) a field, with the same value syntax as full-state targets;
- `field+=v1 , v2` adds values to a list field ("nokia would be ok too");
- `clear=field` removes a constraint; `clear=price` removes a whole range (both `price_min` and `price_max`),
  which is what "drop the price filter" means whichever bounds were set, so the phrase maps to one target;
- `move=...` and `reset=yes` as before; after `reset=yes` the edits apply to an empty state;
- `none` when the turn changes nothing ("is the first one waterproof?").

`apply_edits(before, format_edits(before, after))` gives `after` back for every pair of states:

    >>> from retrieval.filters import Filters
    >>> before = Filters(brand=["Motorola"], average_rating_min=4.0, color=["black"])
    >>> after = Filters(brand=["Motorola", "Nokia"], color=["black"])
    >>> format_edits(before, after)
    'clear=average_rating ; brand+=Nokia'
    >>> apply_edits(before, "clear=average_rating ; brand+=Nokia")[0]
    {'brand': ['Motorola', 'Nokia'], 'color': ['black']}

Like `parse_target`, `apply_edits` never raises: malformed items are dropped with a warning and the rest
of the turn still applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from retrieval.filters import FIELD_ORDER, LIST_FIELDS, Filters

from .serialize import EMPTY, ITEM_SEP, MOVE_KEY, RESET_KEY, format_value, parse_target

if TYPE_CHECKING:
    from .entities import EntityMap
    from .numbers import NumberMap

CLEAR_KEY = "clear"
ADD = "+"
# "price" -> ("price_min", "price_max"): every range of the schema, read off its field names
RANGES: dict[str, tuple[str, str]] = {f[:-4]: (f, f[:-4] + "_max") for f in FIELD_ORDER
                                      if f.endswith("_min") and f[:-4] + "_max" in FIELD_ORDER}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return [str(x).lower() for x in a] == [str(x).lower() for x in b]
    return bool(a == b)


def format_edits(before: Filters | None, after: Filters, moves: Sequence[str] = (), reset: bool = False,
                 numbers: NumberMap | None = None, entities: EntityMap | None = None) -> str:
    """The edits that turn `before` (empty after a reset) into `after`, in `FIELD_ORDER`; `none` if nothing."""
    old = {} if reset or before is None else before.active()
    new = after.active()
    items: list[str] = []
    for name in FIELD_ORDER:
        a, b = old.get(name), new.get(name)
        if b is None:
            if a is not None:
                base = name[:-4] if name[:-4] in RANGES else None
                if base is not None and not any(new.get(f) is not None for f in RANGES[base]):
                    item = f"{CLEAR_KEY}={base}"  # the whole range is gone
                else:
                    item = f"{CLEAR_KEY}={name}"
                if item not in items:
                    items.append(item)
        elif a is None or not _same(a, b):
            # A list that keeps every earlier value, in order, and appends some is an addition.
            if isinstance(a, list) and isinstance(b, list) and len(b) > len(a) and _same(a, b[:len(a)]):
                items.append(f"{name}{ADD}={format_value(name, b[len(a):], numbers, entities)}")
            else:
                items.append(f"{name}={format_value(name, b, numbers, entities)}")
    items += [f"{MOVE_KEY}={m}" for m in moves]
    if reset:
        items.insert(0, f"{RESET_KEY}=yes")
    return ITEM_SEP.join(items) if items else EMPTY


def apply_edits(before: Filters | None, text: str | None) -> tuple[dict[str, Any], list[str], bool, list[str]]:
    """Edit text (placeholders already put back) applied to `before` -> (field dict, moves, reset, warnings)."""
    if not isinstance(text, str):
        return dict(before.active()) if before is not None else {}, [], False, ["model output is not text"]
    sets: list[str] = []
    adds: list[str] = []
    clears: list[str] = []
    warnings: list[str] = []
    for raw in text.replace("</s>", " ").replace("<pad>", " ").split(";"):
        item = raw.strip()
        if not item or item.lower() == EMPTY:
            continue
        key = item.split("=", 1)[0].strip().lower()
        if key == CLEAR_KEY:
            field = item.split("=", 1)[1].strip().lower() if "=" in item else ""
            if field in FIELD_ORDER:
                clears.append(field)
            elif field in RANGES:
                clears.extend(RANGES[field])
            else:
                warnings.append(f"dropped {item!r}: {field!r} is not a filter field")
        elif key.endswith(ADD) and key[:-1].strip() in LIST_FIELDS:
            adds.append(key[:-1].strip() + "=" + item.split("=", 1)[1])
        elif key.endswith(ADD):
            warnings.append(f"dropped {item!r}: only list fields take added values")
        else:
            sets.append(item)
    data, moves, reset, parse_warnings = parse_target(" ; ".join(sets))
    added, _, _, add_warnings = parse_target(" ; ".join(adds))
    out: dict[str, Any] = {} if reset or before is None else dict(before.active())
    for name in clears:
        out.pop(name, None)
    for name, values in added.items():
        have = list(out.get(name) or [])
        seen = {str(x).lower() for x in have}
        out[name] = have + [v for v in values if str(v).lower() not in seen]
    out.update(data)
    return out, moves, reset, warnings + parse_warnings + add_warnings


__all__ = ["ADD", "CLEAR_KEY", "RANGES", "apply_edits", "format_edits"]
