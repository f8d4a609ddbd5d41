"""Relative moves against what is shown: "cheaper", "better rated", "more storage", "other brands"."""

from __future__ import annotations

import functools
import re

from lexicon.load import Rule, load
from retrieval.filters import NUMERIC_PAIRS

from ..moves import NAMED_MOVES, parse_move
from .context import Turn, negated


@functools.cache
def move_rules() -> list[tuple[re.Pattern[str], Rule]]:
    return [(re.compile(rf"(?<![\w-])(?:{r.regex})(?![\w-])"), r) for r in load("moves").rules]


def parse(t: Turn) -> None:
    low, doc, update = t.doc.low, t.doc, t.update
    for rx, rule in move_rules():
        move = rule.move
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if negated(low, m.start()) and move != "other_brands":
                continue
            if re.search(r"\b(?:or|and)\s+$", low[max(0, m.start() - 5):m.start()]) and move in (
                    "more_storage", "more_reviews", "better_rated"):
                continue  # "256 gigs or more storage": the bound's postfix, not a move
            if move not in update.moves:
                update.moves.append(move)
                t.spans[rule.field] = m.group(0)
            doc.take(m.start(), m.end())


def _bound_of(move: str) -> str | None:
    """The bound a named move sets ("cheaper" -> "price_max"), from the moves' own table (`extraction.moves`)."""
    parsed = parse_move(move) if move in NAMED_MOVES else None
    if parsed is None:
        return None
    attribute, direction = parsed
    low, high = NUMERIC_PAIRS[attribute]
    return high if direction == "less" else low


def given_by_numbers(t: Turn) -> None:
    """A move whose bound the same turn sets to a number is that number: "more storage pls, 128 min" is 128,
    not the next size above 128; "cheaper, like under 350" is 350, not 20% below it."""
    t.update.moves = [m for m in t.update.moves
                      if (bound := _bound_of(m)) is None or not isinstance(t.update.set.get(bound), float)]
