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


@pytest.mark.parametrize("text", ["5 more", "show me 5 more", "10 more"])
def test_a_bare_amount_without_money_or_a_verb_is_no_budget(text):
    assert RULES.extract(text, UNDER_500).filters.price_max == 500.0


@pytest.mark.parametrize("text, expected", [("100 more", 600.0), ("100 less", 400.0)])
def test_a_bare_amount_that_is_a_real_share_of_the_budget_moves_it(text, expected):
    # round 11: "100 less" said to a $500 budget is the budget ("5 more" asks for more results)
    assert RULES.extract(text, UNDER_500).filters.price_max == expected


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


SAMSUNG_PHONES = Filters(subcategory=PHONES, brand=["Samsung"])


@pytest.mark.parametrize("text, before, expected", [
    # a phone's storage size given as a minimum, with no price word: storage
    ("at least 256 pls", SAMSUNG_PHONES, SAMSUNG_PHONES.merged(storage_gb_min=256.0)),
    ("actually samsung instead and 256 min", SAMSUNG_PHONES.merged(price_max=700.0),
     SAMSUNG_PHONES.merged(price_max=700.0, storage_gb_min=256.0)),
    ("used iphone on tmobile w/ at least 256", None,
     Filters(subcategory=PHONES, brand=["Apple"], carrier=["T-Mobile"], condition="renewed", storage_gb_min=256.0)),
    # a price word, a ceiling, a size no phone is sold in, or no phone in sight: a price, as before
    ("at least 256 dollars", SAMSUNG_PHONES, SAMSUNG_PHONES.merged(price_min=256.0)),
    ("budget at least 512", SAMSUNG_PHONES, SAMSUNG_PHONES.merged(price_min=512.0)),
    ("under 256", SAMSUNG_PHONES, SAMSUNG_PHONES.merged(price_max=256.0)),
    ("over 500", SAMSUNG_PHONES, SAMSUNG_PHONES.merged(price_min=500.0)),
    ("a case at least 32", Filters(subcategory=ACCESSORIES), Filters(subcategory=ACCESSORIES, price_min=32.0)),
])
def test_a_storage_size_given_as_a_minimum_about_a_phone_is_storage(text, before, expected):
    assert RULES.extract(text, before).filters == expected


@pytest.mark.parametrize("text, before, expected", [
    # the number the turn gives is where the move goes, not one step past it
    ("more storage pls, 128 min", SAMSUNG_PHONES.merged(storage_gb_min=64.0, storage_gb_max=64.0),
     SAMSUNG_PHONES.merged(storage_gb_min=128.0)),
    ("cheaper, like under 350", SAMSUNG_PHONES.merged(price_max=500.0), SAMSUNG_PHONES.merged(price_max=350.0)),
    ("a phone 50 dollar or cheaper", None, Filters(subcategory=PHONES, price_max=50.0)),
    # with no number the move still moves
    ("cheaper", SAMSUNG_PHONES.merged(price_max=500.0), SAMSUNG_PHONES.merged(price_max=400.0)),
])
def test_a_move_whose_bound_the_turn_states_is_that_bound(text, before, expected):
    assert RULES.extract(text, before).filters == expected


def test_a_storage_size_the_model_read_as_a_price_moves_to_storage():
    from extraction.number_checks import check_storage_not_price

    reading = Filters(subcategory=PHONES, brand=["Apple"], storage_gb_min=256.0)
    state, warnings = check_storage_not_price(reading.merged(storage_gb_min=None, price_min=256.0), None, reading)
    assert state == reading and warnings
    # the grammar reads a price too, or another number: the model's reading stands
    price = Filters(subcategory=PHONES, price_min=256.0)
    assert check_storage_not_price(price, None, price) == (price, [])
    assert check_storage_not_price(price, None, Filters(subcategory=PHONES, storage_gb_min=128.0)) == (price, [])
