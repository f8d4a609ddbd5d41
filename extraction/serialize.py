"""Flat text form of a filter state: what a seq2seq extractor reads and writes.

T5's sentencepiece vocabulary has no braces (and, as far as we could tell without the weights on this
machine, no reliable `<`, `|` or `&`), so targets are flat `field=value` items joined with ` ; ` in
`FIELD_ORDER`, list values joined with ` , `, the word `none` for an empty state, and optional
control items at the end: `move=cheaper` (a relative move, applied later against the shown products)
and `reset=yes` (the shopper started over). `&` is written as the word `and` ("AT&T" -> "AT and T")
and mapped back on parsing. Only the characters `= ; , . _ -` and letters/digits are used.

    >>> from retrieval.filters import Filters
    >>> s = format_state(Filters(brand=["Samsung"], price_max="low"))
    >>> s
    'price_max=low ; brand=Samsung'
    >>> format_input("only black ones", Filters(brand=["Samsung"]))
    'state: brand=Samsung query: only black ones'
    >>> parse_target("price_max=low ; brand=Samsung ; color=black ; move=cheaper")[:3]
    ({'price_max': 'low', 'brand': ['Samsung'], 'color': ['black']}, ['cheaper'], False)

`parse_target` is strict and total: malformed items are dropped with a warning, it never raises.
Values are only checked for shape here; snapping them to the catalog (`Vocabulary.snap`) comes after.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lexicon.numbers import parse_model_number
from lexicon.words import moves
from retrieval.facets import parse_carriers
from retrieval.filters import FIELD_ORDER, LEVELS, LIST_FIELDS, NUMERIC_FIELDS, Filters

from .entities import tag_entities
from .numbers import delexicalise

if TYPE_CHECKING:
    from .entities import EntityMap
    from .numbers import NumberMap
    from .vocabulary import Vocabulary

EMPTY = "none"
ITEM_SEP = " ; "
LIST_SEP = " , "
MOVE_KEY = "move"
RESET_KEY = "reset"
# The relative moves (lexicon/data/moves.toml), the same names extraction.state applies.
KNOWN_MOVES: tuple[str, ...] = moves()
_CONDITIONS = ("new", "renewed")
MAX_VALUE = 10_000_000.0


def _fmt_number(v: float) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _encode_text(value: str) -> str:
    # `&` is not reliably writable by T5's vocabulary; the separators must not occur inside values.
    s = value.replace("&", " and ").replace(";", " ").replace(",", " ").replace("=", " ")
    return re.sub(r"\s+", " ", s).strip()


def _decode_text(field: str, value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if field == "carrier":
        found = parse_carriers(value)
        if found:
            return found[0]
    # "AT and T", "H and M": short initials around "and" were an ampersand.
    return re.sub(r"\b([A-Za-z]{1,2}) and ([A-Za-z]{1,2})\b", r"\1&\2", value)


def format_value(field: str, value: Any, numbers: NumberMap | None = None, entities: EntityMap | None = None) -> str:
    """One value as text; with `numbers` / `entities`, a number or catalog entity the input had is written
    as its placeholder (`n0`, `b0`)."""
    if field in LIST_FIELDS:
        if entities is not None:
            return LIST_SEP.join(_encode_text(entities.field_value(field, str(v))) for v in value)
        return LIST_SEP.join(_encode_text(str(v)) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        ph = numbers.placeholder(float(value)) if numbers is not None else None
        return ph or _fmt_number(float(value))
    return _encode_text(str(value))


def format_state(filters: Filters | None, moves: Sequence[str] = (), reset: bool = False,
                 numbers: NumberMap | None = None, entities: EntityMap | None = None) -> str:
    """`Filters` (+ control items) -> flat target text; `none` when nothing is set and no control item.

    With `numbers` (from `encode_input`), numbers the input contained are written as placeholders.
    """
    items: list[str] = []
    if filters is not None:
        for name in filters.active_fields():
            items.append(f"{name}={format_value(name, getattr(filters, name), numbers, entities)}")
    items += [f"{MOVE_KEY}={m}" for m in moves]
    if reset:
        items.append(f"{RESET_KEY}=yes")
    return ITEM_SEP.join(items) if items else EMPTY


def format_input(utterance: str, state: Filters | None = None) -> str:
    """Model input: the current state then the utterance (whitespace collapsed, nothing else changed)."""
    text = re.sub(r"\s+", " ", utterance or "").strip()
    return f"state: {format_state(state)} query: {text}"


def encode_input(utterance: str, state: Filters | None = None) -> tuple[str, NumberMap]:
    """Delexicalised model input (numbers -> `n0`, `n1`, ...) and the placeholder map for the target.

        >>> encode_input("under $300", Filters(price_min=100))[0]
        'state: price_min=n0 query: under $n1'
    """
    text, numbers = delexicalise(utterance if isinstance(utterance, str) else "", state)
    return f"state: {format_state(state, numbers=numbers)} query: {text}", numbers


def encode_typed(utterance: str, state: Filters | None, vocab: Vocabulary,
                 number_hints: bool = False) -> tuple[str, NumberMap, EntityMap]:
    """Input with numbers *and* catalog entities delexicalised (`extraction.entities`), and both maps;
    `number_hints` writes each number's value after its placeholder (`extraction.numbers`).

        >>> from extraction.vocabulary import Vocabulary
        >>> encode_typed("black pixel under $300", Filters(brand=["Samsung"]),
        ...              Vocabulary(["Samsung", "Google"], ["black"], [], [], []))[0]
        'state: brand=b0 query: c0 black b1 pixel under $n0'
    """
    tagged, entities = tag_entities(utterance if isinstance(utterance, str) else "", vocab, state)
    text, numbers = delexicalise(tagged, state, hints=number_hints)
    return f"state: {format_state(state, numbers=numbers, entities=entities)} query: {text}", numbers, entities


def _parse_number_or_level(raw: str) -> float | str | None:
    s = raw.strip().lower()
    if s in LEVELS:
        return s
    v = parse_model_number(s)
    if v is None:
        return None
    # A small model that loses count writes "2000000000..."; no price, rating, review count or storage
    # filter is that large, so such a value is garbage, not a constraint.
    return v if math.isfinite(v) and 0 <= v <= MAX_VALUE else None


def parse_target(text: str | None) -> tuple[dict[str, Any], list[str], bool, list[str]]:
    """Flat target text -> (field dict, moves, reset, warnings). Never raises.

    Unknown fields, empty or ill-typed values, duplicate scalar fields and unknown moves are dropped,
    each with a warning; list fields may repeat (values are appended).
    """
    warnings: list[str] = []
    out: dict[str, Any] = {}
    moves: list[str] = []
    reset = False
    if not isinstance(text, str):
        return out, moves, reset, ["model output is not text"]
    body = text.replace("</s>", " ").replace("<pad>", " ").strip()
    if not body or body.lower() == EMPTY:
        return out, moves, reset, warnings
    for raw_item in body.split(";"):
        item = raw_item.strip()
        if not item or item.lower() == EMPTY:
            continue
        if item.count("=") != 1:
            warnings.append(f"dropped malformed item {item!r} (expected field=value)")
            continue
        key, value = (s.strip() for s in item.split("="))
        key = key.lower()
        if not value:
            warnings.append(f"dropped {key!r}: empty value")
        elif key == MOVE_KEY:
            _read_move(value, moves, warnings)
        elif key == RESET_KEY:
            if value.lower() in ("yes", "true", "1"):
                reset = True
            elif value.lower() not in ("no", "false", "0"):
                warnings.append(f"dropped reset={value!r} (expected yes)")
        elif key not in FIELD_ORDER:
            warnings.append(f"dropped unknown field {key!r}")
        else:
            _read_field(key, value, out, warnings)
    return out, moves, reset, warnings


def _read_move(value: str, moves: list[str], warnings: list[str]) -> None:
    mv = value.lower().replace(" ", "_")
    if mv not in KNOWN_MOVES:
        warnings.append(f"dropped unknown move {value!r}")
    elif mv not in moves:
        moves.append(mv)


def _read_field(key: str, value: str, out: dict[str, Any], warnings: list[str]) -> None:
    """One `field=value` item into `out` (list fields add up; a scalar field said twice keeps the first)."""
    if key in LIST_FIELDS:
        values = [_decode_text(key, v) for v in value.split(",") if v.strip()]
        if not values:
            warnings.append(f"dropped {key!r}: no values")
            return
        lst = out.setdefault(key, [])
        lst += [v for v in values if v.lower() not in {x.lower() for x in lst}]
        return
    if key in out:
        warnings.append(f"dropped repeated {key!r}={value!r}")
    elif key in NUMERIC_FIELDS:
        v = _parse_number_or_level(value)
        if v is None:
            warnings.append(f"dropped {key}={value!r}: expected a number or low/medium/high")
        else:
            out[key] = v
    elif key == "condition":
        if value.lower() not in _CONDITIONS:
            warnings.append(f"dropped condition={value!r}: expected new or renewed")
        else:
            out[key] = value.lower()
    else:  # subcategory
        out[key] = _decode_text(key, value)


def to_filters(data: dict[str, Any]) -> tuple[Filters, list[str]]:
    """A parsed dict -> `Filters`, dropping (with a warning) any field pydantic rejects. Never raises."""
    warnings: list[str] = []
    clean: dict[str, Any] = {}
    for key, value in data.items():
        try:
            Filters(**{key: value})
        except (ValueError, TypeError) as exc:
            warnings.append(f"dropped {key}={value!r}: {str(exc).splitlines()[0]}")
            continue
        clean[key] = value
    return Filters(**clean), warnings
