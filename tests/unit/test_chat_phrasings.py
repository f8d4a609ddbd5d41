"""Chat phrasings the grammar reads since round 9. A budget moved by an amount ("i can spend 100 more"): the
grammar does the arithmetic, and the check behind a model puts a bound the model wrote as the amount back to the
grammar's (`extraction.evidence.check_delta`). "a couple hundred", "lose the white", "clear or black"."""

from __future__ import annotations

import pytest

from extraction.number_checks import check_delta
from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from retrieval.filters import ACCESSORIES, PHONES, Filters

RULES = RuleExtractor(Vocabulary.default())
UNDER_500 = Filters(subcategory=PHONES, price_max=500.0)


@pytest.mark.parametrize("text, expected", [
    ("i can spend 100 more", 600.0), ("can you go 50 lower", 450.0), ("make it 200 less", 300.0),
    ("raise it by 100", 600.0), ("knock off 50", 450.0), ("$100 more", 600.0), ("50 bucks less", 450.0),
    ("ok i can stretch another 50", 550.0), ("lower the budget by 150", 350.0), ("can we go 100 higher?", 600.0),
])
def test_a_budget_moves_by_the_amount_said(text, expected):
    assert RULES.extract(text, UNDER_500).filters.price_max == expected


@pytest.mark.parametrize("text", ["5 more", "show me 5 more", "100 more"])
def test_a_bare_amount_without_money_or_a_verb_is_no_budget(text):
    assert RULES.extract(text, UNDER_500).filters.price_max == 500.0


def test_no_budget_in_force_nothing_to_move():
    assert RULES.extract("i can spend 100 more", Filters(subcategory=PHONES)).filters.price_max is None


def test_a_floor_moves_when_there_is_no_ceiling():
    assert RULES.extract("make it 50 lower", Filters(price_min=200.0)).filters.price_min == 150.0


def test_the_amount_a_model_wrote_as_the_bound_is_moved_by():
    state, warnings = check_delta(Filters(subcategory=PHONES, price_max=100.0), UNDER_500,
                                  Filters(subcategory=PHONES, price_max=600.0))
    assert state.price_max == 600.0 and warnings
    # the model's own new bound that is no such amount stands
    mine = Filters(subcategory=PHONES, price_max=550.0)
    assert check_delta(mine, UNDER_500, Filters(subcategory=PHONES, price_max=600.0)) == (mine, [])


@pytest.mark.parametrize("text, expected", [("a couple hundred tops", 200.0), ("couple of hundred max", 200.0)])
def test_a_couple_hundred_is_two_hundred(text, expected):
    assert RULES.extract(text, Filters(subcategory=PHONES)).filters.price_max == expected


def test_lose_takes_a_value_off_its_list():
    before = Filters(subcategory=ACCESSORIES, color=["black", "white"])
    assert RULES.extract("lose the white", before).filters.color == ["black"]
    assert RULES.extract("i lose my phone a lot, any in blue", before).filters.color == ["blue"]


@pytest.mark.parametrize("text, expected", [("clear or black", ["clear", "black"]), ("spigen, clear, under 20", ["clear"]),
                                            ("a clear glass lamp", [])])
def test_clear_listed_before_another_colour_or_on_its_own_is_a_colour(text, expected):
    assert RULES.extract(text, Filters(subcategory=ACCESSORIES)).filters.color == expected


@pytest.mark.parametrize("text, brand", [
    ("galaxy watch in silver or gold between 200 and 350", ["Samsung"]), ("show me airpods", ["Apple"]),
    ("an apple watch", ["Apple"]),
    # the device named for an accessory: no brand (evals/real_phrasing/GUIDE.md rule 3)
    ("band for my galaxy watch", []), ("galaxy watch band", []), ("airpods case", []), ("case for airpods", []),
    ("apple watch charger", []), ("a case cover compatible with apple airpods", []),
])
def test_a_device_line_wanted_itself_names_its_maker(text, brand):
    assert RULES.extract(text).filters.brand == brand
