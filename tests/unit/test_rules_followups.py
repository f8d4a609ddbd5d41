"""Follow-up phrasings the rule grammar reads (issue 15, round 4): a colour judged after it ("black is
boring"), "neither ... nor", a number offered after a direction ("a bit more budget, say 450"), "none above"."""

from __future__ import annotations

import pytest

from extraction.vocabulary import Vocabulary
from retrieval.filters import PHONES, Filters
from tests.rule_reading import active


@pytest.mark.parametrize("text, old, new", [
    ("hmm black is boring, any red ones?", "black", "red"),
    ("yellow's too loud, go with orange", "yellow", "orange"),
    ("white looks so dull, blue?", "white", "blue"),
])
def test_a_colour_judged_after_it_is_swapped_for_the_one_named_next(ex, text, old, new):
    got = active(ex, text, Filters(subcategory=PHONES, color=[old]))
    assert got["color"] == [new] and "color_exclude" not in got, got


@pytest.mark.parametrize("text", ["the black is great", "black's fine", "white looks good", "is black out of stock?"])
def test_a_colour_praised_or_asked_about_stays_wanted(ex, text):
    got = active(ex, text, Filters(subcategory=PHONES, color=["black", "white"]))
    assert "color_exclude" not in got and got["color"], got


def test_a_colour_judged_with_none_wanted_is_excluded(ex):
    assert active(ex, "pink is a no")["color_exclude"] == ["pink"]


@pytest.mark.parametrize("text, field, values", [
    ("neither samsung nor motorola", "brand_exclude", ["Samsung", "Motorola"]),
    ("phones in neither red nor pink", "color_exclude", ["red", "pink"]),
])
def test_neither_nor_excludes_both(ex, text, field, values):
    got = active(ex, text)
    assert sorted(got[field]) == sorted(values) and not got.get(field.replace("_exclude", "")), got


@pytest.mark.parametrize("text, price_max", [
    ("a bit more budget, say 450", 450.0), ("i can spend more, like 500", 500.0), ("cheaper, maybe 250", 250.0),
    ("too expensive, say 200", 200.0), ("let's bump it to 450", 450.0), ("i could go to 450 actually", 450.0),
    ("bring it down to $250", 250.0),
])
def test_a_number_offered_after_a_direction_sets_the_budget(ex, text, price_max):
    got = active(ex, text, Filters(subcategory=PHONES, price_max=300))
    assert got["price_max"] == price_max, got


def test_more_budget_without_a_number_is_a_move_up_not_a_cheap_level(ex):
    got = active(ex, "i have more budget now", Filters(subcategory=PHONES, price_max=300))
    assert isinstance(got["price_max"], float) and got["price_max"] > 300, got  # the ceiling moves up
    assert active(ex, "something more budget friendly").get("price_max") == "low"


@pytest.mark.parametrize("text", ["bump it to 4 stars", "could go to 256gb"])
def test_a_budget_phrase_before_another_unit_leaves_the_budget(ex, text):
    assert active(ex, text, Filters(subcategory=PHONES, price_max=300))["price_max"] == 300.0


@pytest.mark.parametrize("text, field, value", [
    ("none above 4 stars", "average_rating_max", 4.0), ("none of them over 500", "price_max", 500.0),
    ("none under 100", "price_min", 100.0),
])
def test_none_before_a_bound_flips_it(ex, text, field, value):
    assert active(ex, text, Filters(subcategory=PHONES))[field] == value


@pytest.mark.parametrize("text", ["is 650 possible", "would 650 work", "650 possible?", "could you do 650?"])
def test_a_budget_asked_as_a_question_sets_it(ex, text):
    assert active(ex, text, Filters(subcategory=PHONES, price_max=600))["price_max"] == 650.0


@pytest.mark.parametrize("text, condition", [("no refurbs", "new"), ("refurbs are fine", "renewed")])
def test_refurbs_is_the_renewed_condition(ex, text, condition):
    assert active(ex, text)["condition"] == condition


@pytest.mark.parametrize("text, excluded", [
    ("a phone up to $1.5k excluding marble gray", "gray"),  # catalog shade names: a word before the base color
    ("i hate bay blue", "blue"),
    ("any samsung charger not in awesome violet", "purple"),
    ("any color other than titan black", "black"),
    ("hide the yellow ones", "yellow"),
])
def test_a_shade_name_after_a_cue_is_ruled_out(ex, text, excluded):
    got = active(ex, text)
    assert got.get("color_exclude") == [excluded] and "color" not in got, got


@pytest.mark.parametrize("text, wanted", [
    ("anything in phantom black", "black"),  # "anything in" is no cue
    ("show me awesome black ones", "black"),
    ("i want it in space gray", "gray"),
    ("a not too expensive black phone", "black"),  # the negation is the price's: "expensive" is no shade word
    ("a not too expensive onyx gray mobile", "gray"),
])
def test_a_shade_name_with_no_cue_stays_wanted(ex, text, wanted):
    got = active(ex, text)
    assert got.get("color") == [wanted] and "color_exclude" not in got, got


@pytest.mark.parametrize("text", ["pixel over samsung", "i'd go with pixel over samsung", "prefer pixel to samsung",
                                  "i'd prefer pixel over samsung"])
def test_the_brand_after_over_or_prefer_to_is_the_old_one_of_a_swap(ex, text):
    got = active(ex, text, Filters(subcategory=PHONES, brand=["Samsung"]))
    assert got["brand"] == ["Google"] and "brand_exclude" not in got, got


def test_over_before_a_price_is_still_a_bound(ex):
    got = active(ex, "over 500 dollars", Filters(subcategory=PHONES, brand=["Samsung"]))
    assert got["price_min"] == 500.0 and got["brand"] == ["Samsung"]


@pytest.mark.parametrize("text, before, after", [
    ("red is boring", Filters(color=["red"], color_exclude=["yellow"]), Filters(color_exclude=["yellow", "red"])),
    ("red is boring, rose instead", Filters(color=["red"], color_exclude=["yellow"]),
     Filters(color=["pink"], color_exclude=["yellow"])),  # a bare "rose" in a colour slot is pink
    ("not black", Filters(color=["black"], color_exclude=["yellow"]), Filters(color_exclude=["yellow", "black"])),
    ("drop the black", Filters(color=["black"], color_exclude=["yellow"]), Filters(color_exclude=["yellow"])),
    ("forget samsung", Filters(brand=["Samsung"], brand_exclude=["Apple"]), Filters(brand_exclude=["Apple"])),
])
def test_dropping_the_last_wanted_value_keeps_the_exclusions(ex, text, before, after):
    assert ex.extract(text, before).filters == after


@pytest.mark.parametrize("text, field, brand", [
    ("an otter box case", "brand", "OtterBox"),  # a CamelCase brand typed as two words
    ("no otter box please", "brand_exclude", "OtterBox"),
    ("pop sockets grip", "brand", "PopSockets"),
])
def test_a_camelcase_brand_is_read_as_two_words(ex, text, field, brand):
    assert active(ex, text).get(field) == [brand]


def test_the_model_input_tags_a_two_word_camelcase_brand():
    from extraction.entities import tag_entities

    text, ents = tag_entities("an otter box case", Vocabulary.default())
    assert text == "an b0 otter box case" and ents.values["brand"] == ["OtterBox"]


@pytest.mark.parametrize("text, field, brand", [
    ("a power bank from anker & 4+ star", "brand", "Anker"),  # "& 4" is a rating, not an "anker 4" device
    ("a power bank excluding ugreen & 4+ stars", "brand_exclude", "UGREEN"),
])
def test_a_number_after_a_separator_is_no_model_of_the_brand(ex, text, field, brand):
    got = active(ex, text)
    assert got.get(field) == [brand] and got["average_rating_min"] == 4.0, got


def test_a_model_number_right_after_the_brand_still_names_the_phone(ex):
    result = ex.extract("samsung s23 case")
    assert result.compatible == "samsung s23" and not result.filters.brand


def test_one_plus_typed_as_1_plus_narrows_a_list(ex):
    assert active(ex, "hmm, only 1+ then", Filters(brand=["OnePlus", "Google"]))["brand"] == ["OnePlus"]


def test_one_slip_in_a_short_brand_is_still_tagged_for_the_model():
    from extraction.entities import tag_entities

    text, ents = tag_entities("a ankre charger", Vocabulary.default())  # a swap of neighbours: ratio 80 < 85
    assert text == "a b0 ankre charger" and ents.values["brand"] == ["Anker"]
    assert tag_entities("a nice phone", Vocabulary.default())[0] == "a nice phone"  # real words stay words


@pytest.mark.parametrize("text, expected", [
    ("i would like to buy a preowned products in mineral gray and either straight talk or at&t",
     ["Straight Talk", "AT&T"]),
    ("what's a good phone that is durable for visible or t-mobile", ["Visible", "T-Mobile"]),
    ("a boost or verizon phone", ["Boost Mobile", "Verizon"]),
    ("the visible difference", []),  # an ordinary word with no carrier beside it stays a word
    ("boost my signal and t-mobile", ["T-Mobile"]),  # "and" joins a verb phrase here, not a list of carriers
])
def test_a_carrier_that_is_also_a_word_counts_in_a_list_with_a_carrier(ex, text, expected):
    assert ex.extract(text).filters.carrier == expected


@pytest.mark.parametrize("text, expected", [
    ("a rose colored phone", ["pink"]),
    ("rose instead?", ["pink"]),
    ("in rose please", ["pink"]),
    ("a rose gold iphone", ["gold"]),
    ("a rose scented candle", []),  # an article alone is no colour slot
    ("rose", []),
    ("blue tooth headphones", []),  # "bluetooth" typed as two words
])
def test_a_bare_rose_is_pink_only_in_a_colour_slot(ex, text, expected):
    assert ex.extract(text).filters.color == expected


@pytest.mark.parametrize("text", ["a xiaomi poco 7 temmpered glass", "a smart waych that is green",
                                  "a premium screen proyectors", "blue tooth headphoens"])
def test_misspelt_accessory_words_still_ask_for_accessories(ex, text):
    assert ex.extract(text).filters.subcategory == "Cell Phone Accessories"


@pytest.mark.parametrize("before, expected", [
    (Filters(review_count_max=750.0), ["Apple"]),  # a search under way: a short reply names a brand
    (Filters(subcategory=PHONES), ["Apple"]),
    (None, []),  # a first message "apple please" stays ambiguous
])
def test_a_short_brand_reply_counts_once_a_search_is_under_way(ex, before, expected):
    assert ex.extract("apple please", before).filters.brand == expected


@pytest.mark.parametrize("text, expected", [("ankre please", ["Anker"]), ("spigne pls", ["Spigen"]),
                                            ("great thanks", ["Belkin"])])
def test_a_misspelt_brand_alone_is_a_brand_reply(ex, text, expected):
    assert ex.extract(text, Filters(subcategory="Cell Phone Accessories", brand=["Belkin"])).filters.brand == expected
