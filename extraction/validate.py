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
    if reset and before is not None and not before.is_empty() and not _says_fresh_start(said):
        # "sorry got distracted lol, still here": a chat turn read as "start over". Where no word of the message
        # starts over and the grammar reads it on the state before as no change at all, nothing starts over.
        on_before = grammar_for(before)
        if not on_before.reset and on_before.filters == vocab.snap(before)[0]:
            state, moves, reset = on_before.filters, [], False
            out.append(NO_RESET)
    elif reset and before is not None and not before.is_empty():
        # "scratch that, silver": the words after the fresh start replace one value in force (the grammar keeps
        # every other field of the state), so what is scratched is that value, not the whole search
        on_before = grammar_for(before)
        kept_fields = vocab.snap(before)[0].active()
        now = on_before.filters.active()
        changed = [k for k in kept_fields if now.get(k) != kept_fields[k]]
        if not on_before.reset and changed and set(now) == set(kept_fields) and len(changed) == 1:
            state, moves, reset = on_before.filters, [], False
            out.append("the model read a fresh start; the message replaces one value in force: the grammar's reading")
    kept = None if reset else before
    grammar = grammar_for(kept)  # the grammar's reading of the same turn (about half a millisecond)
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
