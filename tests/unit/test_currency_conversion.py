"""A price said in another currency than the catalog's is converted at the reference rates, and said."""

from __future__ import annotations

from agent.answers import understood
from extraction.currency import to_catalog_currency
from extraction.rules import RuleExtractor
from extraction.state import StateUpdate
from extraction.vocabulary import Vocabulary


def _rules(currency: str) -> RuleExtractor:
    vocab = Vocabulary.default()
    vocab.currency = currency
    return RuleExtractor(vocab)


def test_dollars_on_a_rupee_shop_are_converted_and_bare_numbers_are_not():
    rules = _rules("INR")
    r = rules.extract("a phone under $150")
    assert r.filters.price_max == 12500.0 and any("$150 is about 12,500 INR" in w for w in r.warnings)
    r = rules.extract("between $100 and 200 bucks")
    assert (r.filters.price_min, r.filters.price_max) == (8300.0, 16700.0)
    assert rules.extract("earbuds under 2000 rupees").filters.price_max == 2000.0  # the shop's own currency
    r = rules.extract("under 300")
    assert r.filters.price_max == 300.0 and not r.warnings  # no currency named: the catalog's


def test_rupees_on_a_dollar_shop_are_converted():
    r = _rules("USD").extract("nothing over rs 8333")
    assert r.filters.price_max == 100.0
    assert _rules("USD").extract("under $300").filters.price_max == 300.0


def test_levels_and_unknown_rates_are_left_alone():
    update = StateUpdate(set={"price_max": "low"})
    assert to_catalog_currency("something cheap in dollars", update, "INR") == [] and update.set["price_max"] == "low"
    update = StateUpdate(set={"price_max": 50.0})
    notes = to_catalog_currency("under $50", update, "JPY")
    assert update.set["price_max"] == 50.0 and "no rate for USD" in notes[0]


def test_the_answer_says_what_the_amount_became():
    line = understood({"changed": {"price_max": "under $150"},
                       "warnings": ["prices here are in INR: $150 is about 12,500 INR"]},
                      {"filters": {"price_max": 12500.0}, "chips": ["under ₹12,500"], "query": ""})
    assert "under ₹12,500" in line and "$150 is about 12,500 INR" in line
