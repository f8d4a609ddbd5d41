"""The grammar as a shadow reader beside a serving model, so a maintainer can read where the two disagree.

When a trained model (or an LLM) serves, `SIFT_EXTRACTOR=auto` chose it because it beat the rules on the
real-phrasing dev set, not on this shop's shoppers. So every turn the rule grammar reads the same message too
(about half a millisecond) and, where the two new states differ, one INFO line on the `extraction.shadow`
logger gives the message, the state before, what was served and what the grammar read. The shopper is
always served the model's state; the shadow never changes a result.

    SIFT_LOG_LEVEL=INFO sift chat ...   # or `sift -v ...`; grep 'extraction.shadow' in the log
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from retrieval.catalog import Product
from retrieval.filters import Filters

from .base import ExtractionResult, Extractor

log = logging.getLogger(__name__)


class Shadowed(Extractor):
    """`primary` serves; `shadow` reads the same turns and each disagreement is logged (see the module doc)."""

    def __init__(self, primary: Extractor, shadow: Extractor) -> None:
        self.primary, self.shadow = primary, shadow
        self.name = getattr(primary, "name", "extractor")
        self.disagreements = 0  # since start, for a status line or a test

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        result = self.primary.extract(utterance, state, shown)
        self._compare(utterance, state, result, self.shadow.extract(utterance, state, shown))
        return result

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        results = self.primary.extract_batch(utterances, states, shown)
        states = list(states) if states is not None else [None] * len(utterances)
        for utt, before, result, other in zip(utterances, states, results,
                                              self.shadow.extract_batch(utterances, states, shown), strict=True):
            self._compare(utt, before, result, other)
        return results

    def _compare(self, utterance: str, before: Filters | None, served: ExtractionResult,
                 other: ExtractionResult) -> None:
        if served.filters == other.filters:
            return
        self.disagreements += 1
        log.info("model and grammar disagree on %r (state before %s): served %s; grammar read %s",
                 str(utterance)[:300], _flat(before), _flat(served.filters), _flat(other.filters))


def _flat(state: Filters | None) -> str:
    return str((state or Filters()).active() or "{}")
