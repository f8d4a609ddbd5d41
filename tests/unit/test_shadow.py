"""The grammar reads beside a serving model and each disagreement is one log line (`extraction.shadow`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from extraction.base import ExtractionResult, Extractor
from extraction.rules import RuleExtractor
from extraction.shadow import Shadowed
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
from retrieval.filters import PHONES, Filters


class Fixed(Extractor):
    """A stand-in model that always proposes the same state."""

    name = "fixed"

    def __init__(self, state: Filters) -> None:
        self.state = state

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        return ExtractionResult(filters=self.state, warnings=["from the model"])


@pytest.fixture(scope="module")
def rules() -> RuleExtractor:
    return RuleExtractor(Vocabulary.default())


def test_a_disagreement_is_logged_and_the_model_still_serves(rules, caplog):
    ex = Shadowed(Fixed(Filters(subcategory=PHONES, color=["black"])), rules)
    with caplog.at_level(logging.INFO, logger="extraction.shadow"):
        result = ex.extract("phones that are not black")
    assert result.filters.color == ["black"] and result.warnings == ["from the model"]
    lines = [r.getMessage() for r in caplog.records if r.name == "extraction.shadow"]
    assert len(lines) == 1 and "phones that are not black" in lines[0] and "color_exclude" in lines[0]
    assert ex.disagreements == 1


def test_agreement_logs_nothing_and_batches_compare_turn_by_turn(rules, caplog):
    agreed = Filters(subcategory=PHONES, brand=["Samsung"])
    ex = Shadowed(Fixed(agreed), rules)
    with caplog.at_level(logging.INFO, logger="extraction.shadow"):
        results = ex.extract_batch(["a samsung phone", "a samsung phone under 300"], [None, None])
    assert [r.filters for r in results] == [agreed, agreed]
    lines = [r.getMessage() for r in caplog.records if r.name == "extraction.shadow"]
    assert len(lines) == 1 and "under 300" in lines[0] and ex.disagreements == 1
