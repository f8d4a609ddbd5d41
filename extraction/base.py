"""The one interface every filter extractor implements, and the one error boundary around it.

Input: the shopper's utterance, the current `Filters` state, and the products shown last turn (for
relative moves such as "cheaper"). Output: the new full `Filters` state, plus for every field that
changed the text span it came from, plus warnings for anything dropped. Extractors never raise on
bad model output: invalid values become "no constraint" and a warning.

    >>> ex = RuleExtractor(vocab)                                             # doctest: +SKIP
    >>> r = ex.extract("a cheap samsung phone with lots of reviews")          # doctest: +SKIP
    >>> r.filters.active()                                                    # doctest: +SKIP
    {'price_max': 'low', 'review_count_min': 'high', 'subcategory': 'Cell Phones', 'brand': ['Samsung']}

The boundary: every `extract` / `extract_batch` a subclass defines is wrapped (`__init_subclass__`) so
that an internal failure (a bug in a parser, a broken model file) becomes a warning and the state the
turn started from, while the log gets the input text and the full traceback. Code inside an extractor
therefore does not catch its own exceptions: a bug is logged where a maintainer reads it, once, here.
"""

from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from retrieval.catalog import Product
from retrieval.filters import Filters

log = logging.getLogger(__name__)


@dataclass
class ExtractionResult:
    filters: Filters  # the full new state
    spans: dict[str, str] = field(default_factory=dict)  # changed field -> the words it came from
    warnings: list[str] = field(default_factory=list)
    reset: bool = False  # the shopper asked to start over
    topic: str | None = None  # the product need left after removing constraint words, if known
    # Fields said as preferences ("ideally black", "samsung if possible"): the search applies them as a filter
    # while products meet them and ranks by them otherwise. Only the fields this utterance set.
    soft: list[str] = field(default_factory=list)
    # A message with no shopping content: "injection" (instructions to the assistant), "chitchat", or
    # "language" (a language the rules do not read). The state is left as it was.
    off_topic: str | None = None
    # The phone an accessory is asked for by name ("a case for the galaxy s21" -> "galaxy s21"), if any.
    compatible: str | None = None
    # How sure a model is of this reading, 0-1 (a seq2seq model's lowest chosen-token probability); None for
    # extractors that do not say (the rules, an LLM).
    confidence: float | None = None


def failed_result(name: str, state: Any, exc: BaseException) -> ExtractionResult:
    """The state the turn started from, and a warning that says what failed."""
    before = state if isinstance(state, Filters) else Filters()
    return ExtractionResult(filters=before, warnings=[f"{name} extraction failed ({type(exc).__name__}: {exc}); "
                                                      f"filters unchanged"])


def _guard_extract(fn: Callable[..., ExtractionResult]) -> Callable[..., ExtractionResult]:
    @functools.wraps(fn)
    def extract(self: Extractor, utterance: str, state: Filters | None = None, *args: Any,
                **kwargs: Any) -> ExtractionResult:
        try:
            return fn(self, utterance, state, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the one boundary: a turn never fails on extraction
            log.exception("%s extractor failed on %r (state %r)", self.name, str(utterance)[:300], state)
            return failed_result(self.name, state, exc)

    extract.__sift_guarded__ = True  # type: ignore[attr-defined]
    return extract


def _guard_batch(fn: Callable[..., list[ExtractionResult]]) -> Callable[..., list[ExtractionResult]]:
    @functools.wraps(fn)
    def extract_batch(self: Extractor, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      *args: Any, **kwargs: Any) -> list[ExtractionResult]:
        try:
            return fn(self, utterances, states, *args, **kwargs)
        except Exception:  # noqa: BLE001 - the one boundary; fall back to one by one, each guarded
            log.exception("%s extractor failed on a batch of %d; retrying one by one", self.name, len(utterances))
            states = list(states or [None] * len(utterances))
            return [self.extract(u, s) for u, s in zip(utterances, states, strict=True)]

    extract_batch.__sift_guarded__ = True  # type: ignore[attr-defined]
    return extract_batch


class Extractor(ABC):
    """Utterance + state (+ shown products) -> new state. Never raises on input text (see the boundary above)."""

    name: str = "extractor"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr, guard in (("extract", _guard_extract), ("extract_batch", _guard_batch)):
            fn = cls.__dict__.get(attr)
            if fn is not None and not getattr(fn, "__sift_guarded__", False):
                setattr(cls, attr, guard(fn))

    @abstractmethod
    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult: ...

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        """Default: one by one. Model-backed extractors override this to batch inference."""
        states = states or [None] * len(utterances)
        shown = shown or [()] * len(utterances)
        return [self.extract(u, s, sh) for u, s, sh in zip(utterances, states, shown, strict=True)]
