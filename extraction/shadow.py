"""The grammar beside a serving model: it reads every turn, serves where the model is unsure, logs disagreements.

When a trained model (or an LLM) serves, the rule grammar reads the same message too (about half a
millisecond). Where the two new states are equal there is nothing to decide. Where they differ:

- if the model says how sure it is (`ExtractionResult.confidence`, a seq2seq model's lowest chosen-token
  probability) and that is under `min_confidence`, the grammar's reading is served. A model that wavered
  anywhere in its output is wrong much more often than the grammar is on the same turn. Measured with the
  committed model on 600 synthetic dev-family turns: model alone 0.950 exact match, grammar alone 0.928,
  the grammar serving under 0.85 0.970 (README, "Filter extraction", round 5). A model that failed
  outright reports 0 and is always replaced.
- either way, one INFO line on the `extraction.shadow` logger gives the message, the state before, what was
  served and the other reading, so a maintainer can read where the two part.

    SIFT_LOG_LEVEL=INFO sift chat ...   # or `sift -v ...`; grep 'extraction.shadow' in the log

`min_confidence=0` turns serving off: the model is always served and the grammar only logs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from retrieval.catalog import Product
from retrieval.filters import Filters

from .base import ExtractionResult, Extractor

log = logging.getLogger(__name__)

# Chosen on the dev splits only (synthetic dev families + real-phrasing dev, summed) with the committed model;
# README "round 5" has the sweep. A retrained model should be swept again (`evals.extraction_eval`'s cascade).
MIN_CONFIDENCE = 0.85


class Shadowed(Extractor):
    """`primary` serves unless it is unsure and `shadow` reads otherwise; disagreements are logged."""

    def __init__(self, primary: Extractor, shadow: Extractor, min_confidence: float = MIN_CONFIDENCE) -> None:
        self.primary, self.shadow = primary, shadow
        self.min_confidence = min_confidence
        self.name = getattr(primary, "name", "extractor")
        self.disagreements = 0  # since start, for a status line or a test
        self.deferred = 0  # turns served by the shadow because the primary was unsure

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        result = self.primary.extract(utterance, state, shown)
        return self._decide(utterance, state, result, self.shadow.extract(utterance, state, shown))

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        results = self.primary.extract_batch(utterances, states, shown)
        states = list(states) if states is not None else [None] * len(utterances)
        return [self._decide(utt, before, result, other)
                for utt, before, result, other in zip(utterances, states, results,
                                                      self.shadow.extract_batch(utterances, states, shown), strict=True)]

    def _decide(self, utterance: str, before: Filters | None, served: ExtractionResult,
                other: ExtractionResult) -> ExtractionResult:
        if served.filters == other.filters:
            return served
        self.disagreements += 1
        sure = served.confidence
        if sure is not None and sure < self.min_confidence:
            self.deferred += 1
            log.info("model unsure (%.2f < %.2f) on %r (state before %s): served the grammar's %s; model read %s",
                     sure, self.min_confidence, str(utterance)[:300], _flat(before), _flat(other.filters),
                     _flat(served.filters))
            return other
        log.info("model and grammar disagree on %r (state before %s): served %s; grammar read %s",
                 str(utterance)[:300], _flat(before), _flat(served.filters), _flat(other.filters))
        return served


def _flat(state: Filters | None) -> str:
    return str((state or Filters()).active() or "{}")
