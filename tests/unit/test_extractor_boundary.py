"""The one error boundary at the extractor interface (extraction/base.py) and the schema derived from `Filters`."""

from __future__ import annotations

import logging

import pytest

from extraction.base import ExtractionResult, Extractor
from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from retrieval.filters import (
    FIELD_GROUPS,
    LIST_FIELDS,
    NUMERIC_FIELDS,
    NUMERIC_PAIRS,
    SCALAR_FIELDS,
    Filters,
)


class _Broken(Extractor):
    name = "broken"

    def extract(self, utterance, state=None, shown=()):
        raise RuntimeError("parser bug")


class _BrokenBatch(_Broken):
    def extract_batch(self, utterances, states=None, shown=None):
        raise KeyError("batch bug")


def test_a_bug_inside_an_extractor_becomes_a_warning_and_the_state_is_kept(caplog):
    state = Filters(brand=["Samsung"], price_max=300)
    with caplog.at_level(logging.ERROR, logger="extraction.base"):
        result = _Broken().extract("cheap black phones", state)
    assert isinstance(result, ExtractionResult)
    assert result.filters == state
    assert result.warnings and "RuntimeError" in result.warnings[0] and "parser bug" in result.warnings[0]
    # The log carries the input text and the traceback, for the maintainer.
    record = next(r for r in caplog.records if r.name == "extraction.base")
    assert "cheap black phones" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_a_failing_batch_falls_back_to_one_by_one_each_guarded():
    results = _BrokenBatch().extract_batch(["a", "b"], [Filters(color=["red"]), None])
    assert [r.filters for r in results] == [Filters(color=["red"]), Filters()]
    assert all("RuntimeError" in r.warnings[0] for r in results)


def test_rule_parsers_do_not_swallow_their_own_errors(monkeypatch, caplog):
    # A bug in a parser reaches the boundary (and the log) instead of vanishing inside the rules.
    import extraction.rules as rules

    def boom(*_a, **_k):
        raise ValueError("grammar bug")

    monkeypatch.setattr(rules, "_parse", boom)
    with caplog.at_level(logging.ERROR, logger="extraction.base"):
        result = RuleExtractor(Vocabulary.default()).extract("under 300", Filters(color=["blue"]))
    assert result.filters == Filters(color=["blue"])
    assert "grammar bug" in result.warnings[0]
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)
    with pytest.raises(ValueError):
        rules.parse_update("under 300", Vocabulary.default())


def test_schema_tables_are_derived_from_filters():
    assert NUMERIC_FIELDS["average_rating_min"] == ("rating", "min")
    assert NUMERIC_PAIRS["price"] == ("price_min", "price_max")
    assert set(NUMERIC_FIELDS) | set(LIST_FIELDS) | set(SCALAR_FIELDS) == set(Filters.model_fields)
    assert FIELD_GROUPS["brand"] == ("brand", "brand_exclude")
    assert FIELD_GROUPS["budget"] == FIELD_GROUPS["price"] == ("price_min", "price_max")
    assert FIELD_GROUPS["all"] == tuple(Filters.model_fields)
    for attr, (lo, hi) in NUMERIC_PAIRS.items():
        assert NUMERIC_FIELDS[lo] == (attr, "min") and NUMERIC_FIELDS[hi] == (attr, "max")
