"""Number delexicalisation for the seq2seq extractor: numbers become placeholders `n0`, `n1`, ...

A small seq2seq model trained from scratch copies digit strings badly (it writes "80" for "800", or
"2000000000..." when it loses count). So before the model sees its input, every number in the state
and in the utterance is normalised by the one number reader (`lexicon.numbers`) ("two hundred" -> 200,
"$1,200" -> 1200, "1.2k" -> 1200) and replaced by a placeholder, numbered in order of first appearance
(state numbers first, then utterance numbers; equal values share one placeholder). Units stay as words
("n0 gb", "$n0", "n1 stars") so the model still decides which field a number bounds. The target uses
the same placeholders, and after generation they are mapped back to numbers; a placeholder the input
did not have is dropped with a warning.

With `hints`, each utterance placeholder is followed by its value ("above n0 4.2"): the placeholder
alone hides the magnitude, and a model then read "a rating above 4.2" as a minimum price. The value is
only a hint for the encoder; the target still names the placeholder, so nothing is copied digit by digit.

    >>> delexicalise("with a rating above 4.2", hints=True)[0]
    'with a rating above n0 4.2'
    >>> from retrieval.filters import Filters
    >>> text, nums = delexicalise("under two hundred bucks with 4.5 stars", Filters(price_min=50))
    >>> text, nums.values
    ('under n1 bucks with n2 stars', [50.0, 200.0, 4.5])
    >>> relexicalise("price_min=n0 ; price_max=n1 ; average_rating_min=n2", nums)[0]
    'price_min=50 ; price_max=200 ; average_rating_min=4.5'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lexicon.numbers import TERABYTE_GB, placeholder_numbers, spell_out
from lexicon.tokens import normalise
from retrieval.filters import FIELD_ORDER, NUMERIC_FIELDS, Filters

MAX_PLACEHOLDERS = 10  # n0..n9; further distinct numbers stay as digits (never seen in practice)
_PLACEHOLDER_VALUE = re.compile(r"=\s*(n\d+)(?=\s*(?:;|$))")


def canonical(value: float) -> str:
    """The canonical digit string of a number: 200.0 -> "200", 4.50 -> "4.5"."""
    v = float(value)
    if v.is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


@dataclass
class NumberMap:
    """Placeholder `n{i}` <-> number; `values[i]` is the number behind `n{i}`."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> str | None:
        """The placeholder for `value` (a new one if unseen); None when all placeholders are taken."""
        key = canonical(value)
        for i, v in enumerate(self.values):
            if canonical(v) == key:
                return f"n{i}"
        if len(self.values) >= MAX_PLACEHOLDERS:
            return None
        self.values.append(float(value))
        return f"n{len(self.values) - 1}"

    def placeholder(self, value: float) -> str | None:
        key = canonical(value)
        return next((f"n{i}" for i, v in enumerate(self.values) if canonical(v) == key), None)

    def value(self, placeholder: str) -> float | None:
        m = re.fullmatch(r"n(\d+)", placeholder.strip())
        if not m or int(m.group(1)) >= len(self.values):
            return None
        return self.values[int(m.group(1))]


def normalise_text(text: str) -> str:
    """The utterance with number words as digits ("two hundred" -> "200"), as the rule grammar reads it."""
    low, cased, _ = normalise(text)
    return spell_out(low, cased)[1]


def delexicalise(utterance: str, state: Filters | None = None, numbers: NumberMap | None = None,
                 hints: bool = False) -> tuple[str, NumberMap]:
    """(utterance with placeholders, map). State numbers get placeholders first, in `FIELD_ORDER`; with
    `hints`, each utterance placeholder is followed by its value (see the module docstring)."""
    nums = numbers if numbers is not None else NumberMap()
    if state is not None:
        for name in FIELD_ORDER:
            v = getattr(state, name)
            if name in NUMERIC_FIELDS and isinstance(v, int | float) and not isinstance(v, bool):
                nums.add(float(v))
    text = normalise_text(utterance if isinstance(utterance, str) else "")
    out: list[str] = []
    last = 0
    # Terabytes are normalised to gigabytes, the unit of the storage fields ("1tb" -> "n0 gb" with n0 = 1024).
    for m, value, tb in placeholder_numbers(text):
        end, unit = m.end(), ""
        if value is not None and tb and not m.group("mult"):
            value, end, unit = value * TERABYTE_GB, tb.end(), "gb "
        ph = nums.add(value) if value is not None else None
        if ph is None or m.start() < last:
            continue
        cur = "$" if m.group("cur") else ""
        hint = f"{canonical(value)} " if hints else ""
        out += [text[last:m.start()], f" {cur}{ph} {hint}{unit}"]
        last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip(), nums


def relexicalise(text: str, numbers: NumberMap) -> tuple[str, list[str]]:
    """Placeholders in a model output back to numbers; items with an unknown placeholder are dropped."""
    warnings: list[str] = []
    if not isinstance(text, str):
        return text, warnings
    items = []
    for item in text.split(";"):
        m = _PLACEHOLDER_VALUE.search(item)
        if m:
            v = numbers.value(m.group(1))
            if v is None:
                warnings.append(f"dropped {item.strip()!r}: placeholder {m.group(1)} is not in the input")
                continue
            item = item[:m.start()] + "=" + canonical(v) + item[m.end():]
        items.append(item)
    return ";".join(items), warnings
