"""Rule-based filter extraction: a transparent, fast baseline that never raises.

Reads one utterance (plus the current state) and returns what it asks to change as a `StateUpdate`:
numbers with comparators and ranges ("price lower than 130.00 dollars", "rating not exceeding 4.4",
"150+ reviews", "at least 128gb"), qualitative levels as in the paper ("cheap" -> price_max "low"),
gazetteers built from the catalog's `Vocabulary` (brands, colors, carriers, storage, subcategory,
condition) and multi-turn cues ("only black ones", "what about Pixel instead?", "cheaper", "any brand",
"start over").

    >>> ex = RuleExtractor(Vocabulary.default())
    >>> r = ex.extract("a cheap samsung phone with lots of reviews")
    >>> r.filters.active()
    {'price_max': 'low', 'review_count_min': 'high', 'subcategory': 'Cell Phones', 'brand': ['Samsung']}
    >>> r.topic
    'phone'
    >>> ex.extract("what about Pixel instead?", r.filters).filters.brand
    ['Google']

The grammar lives in `extraction/grammar/` (one module per dimension, run in the order of
`grammar.registry.PARSERS`), its words and phrases in `lexicon/data/`. Design choices (the reasons are in
docs/state_rules.md): a unitless number needs a comparator or a price word to count as a price ("under
300"), and a number followed by any other unit ("6 inch", "3 pack", "20w", "8gb ram") is never a
constraint; "around X" means X +- 15%; a bare "$200" is a budget (price_max); a bare "256gb" means exactly
that size; brand names that are English words ("Nothing", "Noise", "Apple") need brand context; "case for
iphone 14" names a compatible phone, not the case's brand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lexicon.tokens import MAX_CHARS
from retrieval.catalog import Product
from retrieval.filters import Filters

from .base import ExtractionResult, Extractor
from .currency import to_catalog_currency
from .grammar.context import AROUND_TOLERANCE, NUMERIC_GROUP
from .grammar.gazetteer import gazetteer
from .grammar.registry import ParsedUtterance, parse
from .state import StateUpdate, apply_update
from .vocabulary import Vocabulary


def _parse(utterance: Any, vocab: Vocabulary, state: Filters | None) -> ParsedUtterance:
    return parse(utterance, vocab, state)


def parse_update(utterance: str, vocab: Vocabulary, state: Filters | None = None) -> tuple[StateUpdate, dict[str, str]]:
    """What one utterance asks to change, and for each field the words it came from."""
    parsed = _parse(utterance, vocab, state)
    return parsed.update, parsed.spans


class RuleExtractor(Extractor):
    """Rules + gazetteers from a `Vocabulary`; about a millisecond per utterance (errors: see `base.py`)."""

    name = "rules"

    def __init__(self, vocab: Vocabulary | None = None):
        self.vocab = vocab or Vocabulary.default()
        gazetteer(self.vocab)  # compile once, up front

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        before = state if isinstance(state, Filters) else Filters()
        parsed = _parse(utterance, self.vocab, before)
        w_money = to_catalog_currency(utterance, parsed.update, self.vocab.currency)  # "$150" on a rupee shop
        new, w_update = apply_update(before, parsed.update, shown, self.vocab.type_facts())
        snapped, w_snap = self.vocab.snap(new)
        changed = [f for f in Filters.model_fields if getattr(snapped, f) != getattr(before, f)]
        spans = {f: _span_for(f, parsed.spans) for f in changed}
        soft = [f for f in parsed.update.soft if f in changed]
        return ExtractionResult(filters=snapped, spans=spans, warnings=parsed.warnings + w_money + w_update + w_snap,
                                reset=parsed.update.reset, topic=parsed.topic, soft=soft,
                                off_topic=parsed.off_topic, compatible=parsed.compatible)


def _span_for(name: str, spans: dict[str, str]) -> str:
    """The words behind a changed field; a field changed as a side effect gets the words that caused it."""
    if name in spans:
        return spans[name]
    if "_reset" in spans:
        return spans["_reset"]
    pair = name[:-4] + ("_max" if name.endswith("_min") else "_min") if name.endswith(("_min", "_max")) else None
    if pair and pair in spans:
        return spans[pair]  # "under 200" dropped the contradicting price_min
    if name == "brand" and "brand_exclude" in spans:
        return spans["brand_exclude"]
    if name == "brand_exclude" and "brand" in spans:
        return spans["brand"]
    return spans.get("subcategory", "")  # cleared by a switch between phones and accessories


__all__ = ["RuleExtractor", "parse_update", "ParsedUtterance", "MAX_CHARS", "AROUND_TOLERANCE", "NUMERIC_GROUP"]
