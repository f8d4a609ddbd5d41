"""The one interface every filter extractor implements.

Input: the shopper's utterance, the current `Filters` state, and the products shown last turn (for
relative moves such as "cheaper"). Output: the new full `Filters` state, plus for every field that
changed the text span it came from, plus warnings for anything dropped. Extractors never raise on
bad model output: invalid values become "no constraint" and a warning.

    >>> ex = RuleExtractor(vocab)                                             # doctest: +SKIP
    >>> r = ex.extract("a cheap samsung phone with lots of reviews")          # doctest: +SKIP
    >>> r.filters.active()                                                    # doctest: +SKIP
    {'price_max': 'low', 'review_count_min': 'high', 'subcategory': 'Cell Phones', 'brand': ['Samsung']}
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.catalog import Product
from retrieval.filters import Filters


@dataclass
class ExtractionResult:
    filters: Filters  # the full new state
    spans: dict[str, str] = field(default_factory=dict)  # changed field -> the words it came from
    warnings: list[str] = field(default_factory=list)
    reset: bool = False  # the shopper asked to start over
    topic: str | None = None  # the product need left after removing constraint words, if known


class Extractor(ABC):
    """Utterance + state (+ shown products) -> new state. Implementations must never raise on input text."""

    name: str = "extractor"

    @abstractmethod
    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult: ...

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        """Default: one by one. Model-backed extractors override this to batch inference."""
        states = states or [None] * len(utterances)
        shown = shown or [()] * len(utterances)
        return [self.extract(u, s, sh) for u, s, sh in zip(utterances, states, shown, strict=True)]
