"""The grammar's parsers in the order they read an utterance, and why each sits where it does.

Parsers talk through the spans they consume: a parser skips words an earlier one has taken. So the order
is part of the grammar: "under 256gb" must reach the quantity parser before "256gb" alone is read, and
"case for iphone 14" must be read as an accessory before the brand parser sees "iphone".

    >>> [step.name for step in PARSERS][:3]
    ['resets and removals', 'correction', 'budget correction']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lexicon.load import load
from lexicon.numbers import spell_out
from lexicon.tokens import Doc, normalise
from retrieval.filters import Filters

from ..state import StateUpdate
from ..typos import repair
from ..vocabulary import Vocabulary
from . import (
    carriers,
    colors,
    conditions,
    corrections,
    levels,
    moves,
    offtopic,
    preferences,
    product_types,
    quantities,
    ranges,
    removals,
    spec_bounds,
    storage,
    subcategories,
)
from .brands.parse import parse as parse_brands
from .context import Turn
from .gazetteer import gazetteer
from .questions import asks_about_shown, asks_about_words
from .topic import topic


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Turn], None]
    why: str  # why it runs here


PARSERS: tuple[Step, ...] = (
    Step("resets and removals", removals.parse_resets_and_removals,
         "first: a reset drops the state the rest of the utterance refines, and 'any brand' must not be read as a brand"),
    Step("correction", corrections.parse_correction,
         "a whole message that replaces a value in force ('i meant 256 not 128'), before 'not' reads as excluding"),
    Step("budget correction", quantities.parse_budget_correction,
         "a bare number said back to a budget in force ('no, more like 300') before any number parser reads it"),
    Step("not needed", removals.parse_not_needed,
         "only when nothing was read yet: the whole message is about a constraint that is not needed"),
    Step("moves", moves.parse, "'cheaper than that', 'more storage' before their words read as bounds or levels"),
    Step("ram and storage", storage.parse_ram_storage, "'4gb+64gb' before ranges read '4-64' as a range"),
    Step("ranges", ranges.parse, "'200-400', 'between 4 and 4.5 stars' before single quantities take one end"),
    Step("quantities", quantities.parse, "numbers with comparators and units, before levels read 'budget', 'max'"),
    Step("moves given by numbers", moves.given_by_numbers,
         "after ranges and quantities set bounds: a move whose bound the turn states is that bound"),
    Step("attributes with units", spec_bounds.parse,
         "after quantities take storage and prices: '8gb ram', '65 inch', '30w' are what they leave"),
    Step("carriers", carriers.parse, "'unlocked', 'visible' before conditions and brands read the same words"),
    Step("conditions", conditions.parse, "'brand new' before the brand parser sees 'brand'"),
    Step("levels", levels.parse, "qualitative words once the numbers are read ('under budget' stays a bound)"),
    Step("subcategories", subcategories.parse, "accessory or phone first: brands need it ('case for iphone 14')"),
    Step("brands", parse_brands, "after the subcategory it depends on; before colors ('rose gold' is no brand)"),
    Step("colors", colors.parse, "last: color words are often part of brands, models and other phrases"),
    Step("product types", product_types.parse,
         "after brands and colors, which read the subcategory it may drop; only beyond phone catalogs"),
    Step("no storage in catalog", storage.drop_without_storage, "after every parser that may set storage"),
    Step("preferences", preferences.parse, "once every constraint is read: 'ideally', 'if possible' soften them"),
    Step("money is no object", removals.money_no_object, "after removals and price parsers: only with no budget"),
    Step("set wins over remove", removals.set_wins_over_remove, "last: 'any brand, Samsung or Apple' sets Samsung"),
)


@dataclass
class ParsedUtterance:
    """Everything the rules read from one utterance."""

    update: StateUpdate
    spans: dict[str, str]
    topic: str | None
    warnings: list[str]
    off_topic: str | None = None  # "injection" | "service" | "chitchat" | "thanks" | "language": no shopping content
    compatible: str | None = None  # the phone an accessory is asked for by name ("galaxy s21")


def parse(utterance: Any, vocab: Vocabulary, state: Filters | None) -> ParsedUtterance:
    """Read one utterance against the state before it."""
    low, cased, warnings = normalise(utterance)
    lang = offtopic.language(low)
    if lang == "spanish":  # common Spanish shopping words, through the table into the English grammar
        low = cased = offtopic.translate(low)
        warnings.append(f"read the Spanish shopping words as {low!r}")
    elif lang is not None:
        warnings.append(f"this reads as {lang}; the rules read English and common Spanish shopping words")
        return ParsedUtterance(StateUpdate(), {}, None, warnings, off_topic="language")
    g = gazetteer(vocab)
    fixed, repairs = repair(cased, g.known_tokens)  # "doollars" -> "dollars", "barnd" -> "brand"
    if repairs:
        warnings += repairs
        cased, low = fixed, fixed.lower()
        if len(low) != len(cased):
            cased = low
    low, cased = spell_out(low, cased)
    if g.brands.get("oneplus") and "1+" in low:
        # "1+" is how shoppers type OnePlus; never when a unit or number follows ("1+ stars", "1+ 2").
        one_plus = load("brands").rx["one_plus"]
        low, cased = one_plus.sub("oneplus", low), one_plus.sub("oneplus", cased)
    doc = Doc(low=low, cased=cased, warnings=warnings)
    update = StateUpdate()
    spans: dict[str, str] = {}
    if not low:
        return ParsedUtterance(update, spans, None, doc.warnings)
    chatter = offtopic.spans(low)  # instructions to the assistant and small talk: never a constraint or topic
    if chatter and offtopic.chatter_only(low):  # nothing else in it ("how tall is mount everest"): no parser runs
        kind = offtopic.kind_of(chatter)
        doc.warnings.append(f"no shopping content ({kind}): nothing changed")
        return ParsedUtterance(StateUpdate(), {}, None, doc.warnings, off_topic=kind)
    for _, a, b in chatter:
        doc.take(a, b)
    if not chatter and asks_about_words(low):
        doc.warnings.append("a question about what a word means: no filter changed")
        return ParsedUtterance(update, spans, None, doc.warnings)
    if not chatter and isinstance(state, Filters) and not state.is_empty() and asks_about_shown(low):
        doc.warnings.append("a question about a product shown: no filter changed (its listing answers it)")
        return ParsedUtterance(update, spans, None, doc.warnings)
    turn = Turn(doc=doc, update=update, spans=spans, g=g, vocab=vocab,
                state=state if isinstance(state, Filters) else None,
                reparse=lambda words: parse(words, vocab, None).update)
    for step in PARSERS:
        step.run(turn)
    top = topic(doc)
    if chatter and update.is_empty() and offtopic.says_nothing(top):
        kind = offtopic.kind_of(chatter)
        doc.warnings.append(f"no shopping content ({kind}): nothing changed")
        return ParsedUtterance(StateUpdate(), {}, None, doc.warnings, off_topic=kind)
    return ParsedUtterance(update, spans, top, doc.warnings, compatible=spans.pop("_compatible", None))
