"""What every grammar parser reads and writes for one utterance, and the helpers they share."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from lexicon.load import load
from lexicon.tokens import Doc
from lexicon.words import attributes
from retrieval.filters import NUMERIC_PAIRS, Filters

from ..state import StateUpdate
from ..vocabulary import Vocabulary
from .gazetteer import Gazetteer

AROUND_TOLERANCE = 0.15  # "around $300" -> 255..345

# The grammar's attribute names (price, rating, reviews, storage) -> their (min, max) `Filters` fields.
FIELDS: dict[str, tuple[str, str]] = {name: NUMERIC_PAIRS[attr] for name, attr in attributes().items()}
# Numeric field -> the grammar attribute it bounds ("review_count_min" -> "reviews").
NUMERIC_GROUP: dict[str, str] = {f: name for name, pair in FIELDS.items() for f in pair}


@dataclass
class Turn:
    """One utterance being parsed: the document, the update being built, and what it is read against."""

    doc: Doc
    update: StateUpdate
    spans: dict[str, str]  # field -> the words it came from
    g: Gazetteer
    vocab: Vocabulary
    state: Filters | None  # the state before this turn (None after a reset in this utterance)
    reparse: Callable[[str], StateUpdate]  # the whole grammar on other words, without a state


def negated(low: str, start: int) -> bool:
    """A negation just before `start` ("not too cheap", "no reviews")."""
    return bool(load("levels").rx["neg_before"].search(low[max(0, start - 30):start]))


def next_word(low: str, pos: int) -> str:
    m = re.match(r"\s*([a-z]+|[^\sa-z0-9])?", low[pos:])
    return (m.group(1) or "") if m else ""


def drop_value(t: Turn, name: str, value: str, span: str) -> bool:
    """Take `value` out of the state's `name` list; False when the state does not hold it (nothing to drop)."""
    current = list(t.update.set.get(name, getattr(t.state, name) if t.state is not None else []))
    if value not in current:
        return False
    # An empty list clears this field only: `remove` takes group names, and "color" would clear color_exclude
    # too ("red is boring, rose instead" lost the colours the shopper had ruled out).
    t.update.set[name] = [v for v in current if v != value]
    t.spans[name] = span
    return True


def set_or_add(t: Turn, name: str, values: list[str], current: list[str], first_start: int, last_end: int) -> None:
    """Replace the list unless the wording is additive ("or Apple", "blue too") and a list exists."""
    low, lex = t.doc.low, load("brands")
    additive = bool(current) and (bool(lex.rx["additive_before"].search(low[max(0, first_start - 25):first_start]))
                                  or bool(lex.rx["additive_after"].match(low[last_end:])))
    if additive and not lex.rx["replace_words"].search(low):
        t.update.add[name] = list(t.update.add.get(name, [])) + values
    else:
        t.update.set[name] = values


def unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v.lower() not in {o.lower() for o in out}:
            out.append(v)
    return out


def fuzzy(word: str, choices: list[str], cutoff: float) -> str | None:
    """The choice most like `word` (rapidfuzz ratio >= cutoff), or None."""
    from rapidfuzz import fuzz, process  # lazy: rapidfuzz costs start-up time

    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if hit:
        return hit[0]
    # One slip in a short name ("rampwo", "ankre", "xiaomk") costs a 5-6 letter word more ratio than the cutoff
    # allows; one edit or one swap of neighbours (OSA distance 1), same first letter, one such choice only.
    if len(word) < 5:
        return None
    from rapidfuzz.distance import OSA  # lazy: as above

    near = {c for c in choices if c[:1] == word[:1] and OSA.distance(word, c, score_cutoff=1) <= 1}
    return near.pop() if len(near) == 1 else None


@functools.cache
def phone_rx() -> re.Pattern[str]:
    return load("subcategories").rx["phone"]
