"""The validator behind a model, in the order it runs: a model's reading of one turn checked against the
grammar's reading of the same turn (`extraction.evidence` and `extraction.number_checks` hold the checks and
say why each may stand on the grammar).

Round 11 added the first and last steps: a fresh start the model reads where the message asks for none ("got
anything else?") is undone, and a question about what is shown changes no filter.

    >>> checked = validate(said, before, Reading(state, moves, reset), grammar_for, vocab, entities)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lexicon.load import load
from retrieval.filters import Filters

from .base import ExtractionResult
from .entities import EntityMap
from .evidence import (
    check_additions,
    check_entities,
    check_for_device,
    check_kept,
    check_let_go,
    check_levels,
    check_missed_switch,
    check_missed_values,
    check_outside_brand,
    check_phones_for_accessories,
    check_polarity,
    check_question,
    check_ram,
    check_removed,
    check_subcategory,
    levels_in_play,
    pair_values_in_play,
)
from .number_checks import (
    check_bound_side,
    check_delta,
    check_missed_bounds,
    check_open_bound,
    check_range,
    check_rating_named,
    check_storage_not_price,
    check_units,
)
from .vocabulary import Vocabulary

NO_RESET = "the model read a fresh start, which the message does not ask for; the state is kept"


def _says_fresh_start(said: str) -> bool:
    """Whether a word of `said` is one a fresh start has ("scratch that", "reset") or one or two edits from it
    ("scartch taht"): the synthetic data and the shoppers both start over that way."""
    from rapidfuzz.distance import OSA  # lazy: only for a reset the model read

    words = load("removals").words["fresh_start"]
    return any(w == f or (len(w) >= 5 and w[0] == f[0] and OSA.distance(w, f) <= 2)
               for w in re.findall(r"[a-z]+", said.lower()) for f in words)


def _undo_reset(said: str, before: Filters, on_before: ExtractionResult) -> str | None:
    """Why a fresh start the model read is undone, or None where it stands. `before` is the state before the
    turn as the catalog has it, `on_before` the grammar's reading of `said` on it; the grammar reads no fresh
    start in either case:
    - "sorry got distracted lol, still here": no word of the message starts over and the grammar reads no
      change at all;
    - "scratch that, silver": the words after the fresh start replace one value in force (the grammar keeps
      every other field), so what is scratched is that value, not the whole search."""
    if on_before.reset:
        return None
    if not _says_fresh_start(said):
        return NO_RESET if on_before.filters == before else None
    was, now = before.active(), on_before.filters.active()
    changed = [k for k in was if now.get(k) != was[k]]
    if set(now) == set(was) and len(changed) == 1:
        return "the model read a fresh start; the message replaces one value in force: the grammar's reading"
    return None


@dataclass
class Reading:
    """A model's reading of one turn, snapped: the new state, relative moves, whether it starts over."""

    state: Filters
    moves: list[str] = field(default_factory=list)
    reset: bool = False
    warnings: list[str] = field(default_factory=list)


def validate(said: str, before: Filters | None, model: Reading, grammar_for: Callable[[Filters | None], ExtractionResult],
             vocab: Vocabulary, entities: EntityMap | None) -> Reading:
    """The model's reading after every check; `grammar_for(state)` reads `said` with the grammar on `state`."""
    from .grammar.gazetteer import gazetteer  # lazy: the grammar's tables load only when a model reads

    state, moves, reset, out = model.state, list(model.moves), model.reset, list(model.warnings)
    on_before = None  # the grammar's reading on the state before, read once where a fresh start is in question
    if reset and before is not None and not before.is_empty():
        on_before = grammar_for(before)
        undone = _undo_reset(said, vocab.snap(before)[0], on_before)
        if undone:
            state, moves, reset = on_before.filters, [], False
            out.append(undone)
    kept = None if reset else before
    # the grammar's reading of the same turn (about half a millisecond)
    grammar = on_before if on_before is not None and kept is before else grammar_for(kept)
    reading = grammar.filters
    state, more = check_subcategory(said, kept, state)
    out += more
    state, more = check_phones_for_accessories(said, state, kept, grammar)
    out += more
    if not moves:  # a move ("cheaper") is a change the state shows only once it is applied
        state, more = check_missed_switch(state, kept, grammar)
        out += more
    if entities is not None:
        g = gazetteer(vocab)
        for step in (lambda s: check_entities(said, s, kept, entities, reading),
                     lambda s: check_outside_brand(s, kept, grammar, g.outside),
                     lambda s: check_for_device(said, s, kept, reading, g.brands)):
            state, more = step(state)
            out += more
    for step in (lambda s: check_ram(said, s, kept), lambda s: check_units(said, s, kept, reading)):
        state, more = step(state)
        out += more
    if pair_values_in_play(state, kept):
        for check in (check_polarity, check_additions, check_kept, check_let_go, check_removed):
            state, more = check(state, kept, reading)
            out += more
    if levels_in_play(state, kept):
        state, more = check_levels(state, kept, reading)
        out += more
    for step in (lambda s: check_missed_values(s, kept, reading), lambda s: check_bound_side(s, kept, reading),
                 lambda s: check_range(s, kept, reading), lambda s: check_delta(s, kept, reading),
                 lambda s: check_rating_named(said, s, kept, reading),
                 lambda s: check_missed_bounds(said, s, kept, reading),
                 lambda s: check_storage_not_price(s, kept, reading),
                 lambda s: check_open_bound(s, kept, grammar) if not moves else (s, [])):
        state, more = step(state)
        out += more
    asked_state, asked = check_question(said, state, before, moved=bool(moves) or reset)
    if asked:  # nothing of the model's reading stands: no move, no reset; the state before, as the catalog has it
        state, moves, reset, out = vocab.snap(asked_state)[0], [], False, out + asked
    return Reading(state, moves, reset, out)
