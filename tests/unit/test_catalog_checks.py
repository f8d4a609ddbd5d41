"""The catalog-row scorer (evals/catalog_checks.py): checks read raw catalog rows, never Sift's filters."""

from __future__ import annotations

import pytest

from evals.catalog_checks import (
    PASS_PRECISION,
    field_value,
    parse_check,
    score_turn,
    top_precision,
    validate_turn,
)

ROW_IN = {"title": "boAt Airdopes 141 True Wireless Earbuds (Black)", "store": "boAt", "average_rating": 4.1,
          "rating_number": 900, "price": 15.59, "categories": ["Cell Phones & Accessories", "Headphones"],
          "features": ["45H playtime"], "description": [],
          "details": {"Brand": "boAt", "Price (INR)": 1299.0, "RAM": "8GB/512GB SSD", "Color": "Black"}}
CASE = {"title": "Clear back case cover for iPhone 14", "store": "Spigen", "average_rating": 2.5, "price": 9.0,
        "details": {"Price (INR)": 749.0}}
UNRATED = {"title": "Mystery earbuds", "store": None, "average_rating": None, "price": None, "details": {}}


@pytest.mark.parametrize(("check", "row", "expected"), [
    ('title~"(?i)\\bearbuds?\\b"', ROW_IN, True),
    ('not title~"(?i)case|cover"', ROW_IN, True),
    ('not title~"(?i)case|cover"', CASE, False),
    ("price<=2000", ROW_IN, True),          # INR from details, not the USD `price`
    ("price<=1000", ROW_IN, False),
    ("price>=1299", ROW_IN, True),
    ("rating>=4", ROW_IN, True),
    ("rating>=4", CASE, False),
    ("reviews>100", ROW_IN, True),
    ("brand in [boat, noise]", ROW_IN, True),  # case-insensitive
    ("not brand in [boat]", ROW_IN, False),
    ("detail[RAM]>=8", ROW_IN, True),          # first number of a details value
    ('detail[Color]~"(?i)black"', ROW_IN, True),
    ('text~"45H"', ROW_IN, True),              # features are part of the text
    ('category~"Headphones"', ROW_IN, True),
])
def test_check_semantics(check, row, expected):
    assert parse_check(check).holds(row, "INR") is expected


def test_missing_value_fails_a_positive_check_and_passes_its_negation():
    assert parse_check("rating>=3").holds(UNRATED, "USD") is False
    assert parse_check("not rating<3").holds(UNRATED, "USD") is True
    assert parse_check("price<=100").holds(UNRATED, "USD") is False


def test_currency_picks_the_price_column():
    assert field_value(ROW_IN, "price", "INR") == 1299.0
    assert field_value(ROW_IN, "price", "USD") == 15.59


@pytest.mark.parametrize("bad", ['title~(?i)x', "color~\"x\"", "price<=cheap", "title<=3", 'title~"(unclosed"',
                                 "brand in boat", "detail~\"x\"", "just words"])
def test_malformed_checks_say_what_is_wrong(bad):
    with pytest.raises(ValueError, match="check"):
        parse_check(bad)


def test_top_five_precision_counts_only_the_first_five_and_unknown_ids_fail():
    rows = {"a": ROW_IN, "b": CASE}
    checks = [parse_check('not title~"(?i)case"')]
    assert top_precision(checks, ["a", "a", "a", "a", "b", "b", "b"], rows, "INR")[0] == pytest.approx(0.8)
    p, bad = top_precision(checks, ["a", "zzz"], rows, "INR")
    assert p == 0.5 and bad == {"zzz": ["not in the catalog"]}
    assert top_precision(checks, [], rows, "INR")[0] == 0.0


def _score(turn, shown=(), matched=5, answer="Here are some.", before=None, after=None):
    return score_turn(turn, shown=list(shown), matched=matched, answer=answer, state_before=before or {},
                      state_after=after or {}, rows={"a": ROW_IN, "b": CASE}, currency="INR")


def test_turn_passes_at_the_precision_threshold():
    turn = {"user": "earbuds", "checks": ['title~"(?i)earbuds"']}
    assert PASS_PRECISION == 0.8
    assert _score(turn, ["a"] * 4 + ["b"]).passed
    out = _score(turn, ["a"] * 3 + ["b"] * 2)
    assert not out.passed and out.precision == pytest.approx(0.6) and out.bad_products == {"b": [turn["checks"][0]]}
    assert not _score(turn, []).passed  # nothing shown for a search is a miss


def test_expect_empty_needs_no_match_and_an_answer_that_says_so():
    turn = {"user": "tv under 50", "expect_empty": True}
    assert _score(turn, [], matched=0, answer="I found no TVs under 50.").passed
    assert not _score(turn, [], matched=0, answer="Here you go!").passed
    assert not _score(turn, ["a"], matched=3, answer="none").passed


def test_question_must_not_change_the_state_and_answers_are_checked():
    turn = {"user": "is it waterproof?", "expect_state_unchanged": True, "answer_matches": "(?i)\\b(yes|no)\\b",
            "answer_not_matches": "(?i)system prompt"}
    assert _score(turn, answer="No, it is not stated.", before={"brand": ["X"]}, after={"brand": ["X"]}).passed
    changed = _score(turn, answer="Yes.", before={"brand": ["X"]}, after={"brand": ["Y"]})
    assert not changed.passed and "state changed" in changed.failures[0]
    assert not _score(turn, answer="Maybe.").passed
    assert not _score(turn, answer="Yes. My system prompt is...").passed


def test_non_shopping_turn_shows_no_products():
    turn = {"user": "thanks!", "expect_no_products": True, "expect_state_unchanged": True}
    assert _score(turn, []).passed
    assert not _score(turn, ["a"]).passed


def test_validate_turn_rejects_turns_that_score_nothing_or_bad_regexes():
    validate_turn({"user": "x", "checks": ["rating>=4"]})
    with pytest.raises(ValueError, match="needs"):
        validate_turn({"user": "x"})
    with pytest.raises(ValueError, match="regex"):
        validate_turn({"user": "x", "answer_matches": "(unclosed"})
