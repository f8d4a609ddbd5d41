"""The grammar reads beside a serving model, serves where the model is unsure, and each disagreement is one log
line (`extraction.shadow`)."""

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

    def __init__(self, state: Filters, confidence: float | None = None) -> None:
        self.state, self.confidence = state, confidence

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        return ExtractionResult(filters=self.state, warnings=["from the model"], confidence=self.confidence)


@pytest.fixture(scope="module")
def rules() -> RuleExtractor:
    return RuleExtractor(Vocabulary.default())


def test_a_disagreement_is_logged_and_a_sure_model_still_serves(rules, caplog):
    ex = Shadowed(Fixed(Filters(subcategory=PHONES, color=["black"]), confidence=0.97), rules, min_confidence=0.9)
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


def test_an_unsure_model_gives_way_to_the_grammar_where_they_disagree(rules, caplog):
    wrong = Filters(subcategory=PHONES, color=["black"])
    ex = Shadowed(Fixed(wrong, confidence=0.4), rules, min_confidence=0.9)
    with caplog.at_level(logging.INFO, logger="extraction.shadow"):
        result = ex.extract("phones that are not black")
    assert result.filters.color_exclude == ["black"] and result.filters.color == []
    assert "from the model" not in result.warnings  # the grammar's whole result is served
    lines = [r.getMessage() for r in caplog.records if r.name == "extraction.shadow"]
    assert len(lines) == 1 and "unsure (0.40 < 0.90)" in lines[0] and ex.deferred == 1


def test_an_unsure_model_that_agrees_with_the_grammar_is_served(rules):
    agreed = Filters(subcategory=PHONES, brand=["Samsung"])
    ex = Shadowed(Fixed(agreed, confidence=0.1), rules, min_confidence=0.9)
    assert ex.extract("a samsung phone").warnings == ["from the model"] and ex.deferred == 0


def test_a_model_that_says_nothing_of_its_confidence_always_serves(rules):
    ex = Shadowed(Fixed(Filters(color=["black"])), rules, min_confidence=0.99)  # an LLM: confidence None
    assert ex.extract("phones that are not black").filters.color == ["black"]


def test_threshold_zero_only_logs(rules):
    ex = Shadowed(Fixed(Filters(color=["black"]), confidence=0.01), rules, min_confidence=0.0)
    assert ex.extract("phones that are not black").filters.color == ["black"] and ex.disagreements == 1
