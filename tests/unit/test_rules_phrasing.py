"""Everyday phrasings the rule grammar must read: exclusions, ranges without a currency sign, typos in
units and keywords, "X is fine too", "money is no object". Each case is a way shoppers really write."""

from __future__ import annotations

import pytest

from extraction.rules import RuleExtractor
from extraction.typos import is_word, repair
from extraction.vocabulary import Vocabulary
from retrieval.filters import ACCESSORIES, PHONES, Filters
from tests.rule_reading import active


@pytest.mark.parametrize("text, brand", [
    ("i don't want apple", "Apple"),
    ("i do not want a samsung", "Samsung"),
    ("no iphones please", "Apple"),
    ("not a fan of xiaomi", "Xiaomi"),
    ("any brand but apple", "Apple"),
    ("none from google.", "Google"),
    ("without apple", "Apple"),
])
def test_ruling_a_brand_out_excludes_it(ex, text, brand):
    got = active(ex, text)
    assert brand in got.get("brand_exclude", []), got
    assert brand not in got.get("brand", []), got


@pytest.mark.parametrize("text", ["rather pixel than samsung", "could you show google instead of samsung"])
def test_a_swap_replaces_the_brand_without_excluding_the_old_one(ex, text):
    got = active(ex, text, Filters(brand=["Samsung"]))
    assert got["brand"] == ["Google"] and "brand_exclude" not in got, got


@pytest.mark.parametrize("text, before, after", [
    ("used or new whatever", Filters(condition="renewed"), {}),
    ("new or refurbished samsung", Filters(), {"brand": ["Samsung"]}),
    ("refurbished is ok too", Filters(), {}),
    ("hide apple", Filters(), {"brand_exclude": ["Apple"]}),
])
def test_either_condition_and_hide(ex, text, before, after):
    assert active(ex, text, before) == after


@pytest.mark.parametrize("text", ["any color but red", "i hate pink", "not red", "anything except white please"])
def test_a_ruled_out_color_is_never_added(ex, text):
    assert "color" not in active(ex, text)


@pytest.mark.parametrize("text, lo, hi", [
    ("phones from 200 to 500", 200, 500),
    ("phones between 200 and 500", 200, 500),
    ("from 200 up to 300", 200, 300),
    ("a phone from 200 to 500 dollars", 200, 500),
])
def test_price_ranges_without_a_currency_sign(ex, text, lo, hi):
    got = active(ex, text)
    assert (got.get("price_min"), got.get("price_max")) == (lo, hi), got


@pytest.mark.parametrize("text, field, value", [
    ("no more then 300", "price_max", 300),
    ("raise my budget to 150 doollars pls", "price_max", 150),
    ("rating up to 3.0 starss", "average_rating_max", 3.0),
    ("show me ones with 1,000 user ratings or more", "review_count_min", 1000),
    ("with over 100 customer ratings", "review_count_min", 100),
    ("not more than 100 user ratings", "review_count_max", 100),
])
def test_comparators_and_units_survive_typos_and_wording(ex, text, field, value):
    assert active(ex, text).get(field) == value


def test_misspelt_keywords_drive_removals_and_moves(ex):
    state = Filters(subcategory=PHONES, brand=["Samsung"], price_max=300)
    assert "brand" not in active(ex, "barnd isn't important", state)
    assert active(ex, "REST THE FILTRES please", state).get("brand") == ["Samsung"]  # "rest" is a word: no reset


def test_real_words_are_never_repaired():
    for word in ("stairs", "projector", "cheaply", "teal", "orchid", "smartphone"):
        assert is_word(word), word
    text = "a galaxy projector for the stairs, cheaply made"
    assert repair(text) == (text, [])
    assert repair("cheeper ones")[0] == "cheaper ones"
    assert repair("ugreen cable", {"ugreen"})[0] == "ugreen cable"


def test_accepting_the_other_condition_removes_the_condition(ex):
    assert "condition" not in active(ex, "refurbished is ok too", Filters(condition="new"))
    assert "condition" not in active(ex, "or refurbished", Filters(condition="new"))
    assert active(ex, "refurbished is fine") == {"condition": "renewed"}  # first mention: a wish


def test_brand_allowed_again_leaves_the_exclusions(ex):
    state = Filters(brand=["Apple"], brand_exclude=["Samsung", "Google"])
    got = active(ex, "actually samsung is fine", state)
    assert got.get("brand_exclude") == ["Google"] and got.get("brand") == ["Apple"], got
    assert active(ex, "stop excluding google", state).get("brand_exclude") == ["Samsung"]


def test_is_fine_too_adds_to_the_list(ex):
    assert active(ex, "samsung is fine too", Filters(brand=["Apple"]))["brand"] == ["Apple", "Samsung"]
    assert active(ex, "white would be ok too", Filters(color=["black"]))["color"] == ["black", "white"]


def test_money_is_no_object(ex):
    assert active(ex, "money is no object") == {"price_min": "high"}
    assert "price_max" not in active(ex, "money is no object", Filters(price_max=300))


def test_a_rare_but_distinctive_brand_is_read_without_a_cue():
    """A catalog with one Anker product among hundreds: "anker charger" still means the brand, while a
    junk brand that is an ordinary word ("Pack" from "Pack of 2") still needs an explicit cue."""
    from retrieval.catalog import Product

    products = [Product(id=f"p{i}", title=f"Pack of 2 charging cables model {i}", brand="Pack" if i == 0 else "Acme",
                        subcategory="Cell Phone Accessories") for i in range(600)]
    products.append(Product(id="a1", title="Anker 20W USB-C charger", brand="Anker",
                            subcategory="Cell Phone Accessories"))
    products += [Product(id=f"x{i}", title=f"Charger compatible with Anker power banks {i}", brand="Zeta",
                         subcategory="Cell Phone Accessories") for i in range(5)]
    vocab = Vocabulary.from_products(products)
    assert "Anker" not in vocab.weak_brands and "Pack" in vocab.weak_brands
    rules = RuleExtractor(vocab)
    assert rules.extract("anker charger").filters.brand == ["Anker"]
    assert rules.extract("pack of 3 cables").filters.brand == []


def test_a_quality_phrase_is_not_the_cue_of_the_next_number(ex):
    assert active(ex, "something with good reviews under 300") == {"price_max": 300, "average_rating_min": "high"}
    assert active(ex, "with reviews under 300") == {"review_count_max": 300}


@pytest.mark.parametrize("text, after", [
    ("remove verizon", {"carrier": ["AT&T"], "color": ["black", "blue"]}),
    ("not on verizon", {"carrier": ["AT&T"], "color": ["black", "blue"]}),
    ("not black", {"carrier": ["Verizon", "AT&T"], "color": ["blue"], "color_exclude": ["black"]}),  # state rules row 49
    ("drop the blue", {"carrier": ["Verizon", "AT&T"], "color": ["black"]}),
])
def test_a_value_can_be_taken_out_of_its_list(ex, text, after):
    assert active(ex, text, Filters(color=["black", "blue"], carrier=["Verizon", "AT&T"])) == after


def test_cheaper_than_that_is_a_move_and_a_flexible_budget_lifts_it(ex):
    state = Filters(price_max=300, brand=["Samsung"])
    assert active(ex, "can we do cheaper than that?", state)["price_max"] < 300
    assert active(ex, "cheaper than 200", state)["price_max"] == 200
    assert active(ex, "the budget is flexible", state) == {"brand": ["Samsung"]}


@pytest.mark.parametrize("text, expected", [
    ("iphone 14 pro max 256 gb gold", {"subcategory": PHONES, "brand": ["Apple"], "color": ["gold"],
                                       "storage_gb_min": 256, "storage_gb_max": 256}),
    ("phone max 300", {"subcategory": PHONES, "price_max": 300}),
    ("small phone with a headphone jack", {"subcategory": PHONES}),
])
def test_model_names_and_features_are_not_constraints(ex, text, expected):
    assert active(ex, text) == expected


@pytest.mark.parametrize("text, field, value", [
    ("4.5+", "average_rating_min", 4.5),
    ("over 4.5", "average_rating_min", 4.5),
    ("4.2 or above", "average_rating_min", 4.2),
    ("under 4.99", "price_max", 4.99),
])
def test_a_bare_one_decimal_number_up_to_5_is_a_rating(ex, text, field, value):
    assert active(ex, text) == {field: value}


def test_an_ambiguous_brand_listed_with_a_clear_one(ex):
    assert active(ex, "apple and samsung phones")["brand"] == ["Apple", "Samsung"]
    assert active(ex, "apple and orange juice") == {}


# ---- storage without the "b", bounds led by their word, negated comparators, short typos --------------------
@pytest.mark.parametrize("text, expected", [
    ("a motorola with 256g please", {"storage_gb_min": 256, "storage_gb_max": 256}),
    ("need 32g at least", {"storage_gb_min": 32}),
    ("phone up to 128g", {"storage_gb_max": 128}),
])
def test_storage_written_with_a_bare_g(ex, text, expected):
    got = active(ex, text)
    assert {k: got.get(k) for k in expected} == expected, got


@pytest.mark.parametrize("text", ["a 5g phone", "4g lte handset", "phone with 16g ram", "a 64gbit chip"])
def test_a_g_that_is_a_network_or_ram_is_not_storage(ex, text):
    got = active(ex, text)
    assert "storage_gb_min" not in got and "storage_gb_max" not in got, got


@pytest.mark.parametrize("text, field, value", [
    ("highest rating 4.2 please", "average_rating_max", 4.2),
    ("minimum rating of 3.5", "average_rating_min", 3.5),
    ("maximum price of 450", "price_max", 450),
    ("max number of reviews 300", "review_count_max", 300),
    ("it shouldn't be rated over 3.9", "average_rating_max", 3.9),
    ("that is not rated below 4.1", "average_rating_min", 4.1),
    ("one that isn't priced over 250", "price_max", 250),
    ("upwards of 75$", "price_min", 75),
    ("i can only spend 85 dollars", "price_max", 85),
    ("we only have 140, need a charger", "price_max", 140),
    ("a case 25 dollars and up", "price_min", 25),
])
def test_bounds_led_by_their_word_and_negated_comparators(ex, text, field, value):
    assert active(ex, text).get(field) == value


@pytest.mark.parametrize("text, absent", [
    ("galaxy s23 ultra pro max rating 4", "average_rating_max"),
    ("iphone 15 pro max 256gb", "price_max"),
    ("laptops under 300", "price_min"),
    ("not samsung under 300", "price_min"),  # a ruled-out brand does not flip the bound after it
])
def test_model_names_and_exclusions_do_not_make_bounds(ex, text, absent):
    assert absent not in active(ex, text)


def test_a_rating_then_and_no_more_than_a_price_keeps_both_directions(ex):
    got = active(ex, "4+ stars and no more than $60")
    assert got.get("average_rating_min") == 4 and got.get("price_max") == 60, got


@pytest.mark.parametrize("text, field, value", [
    ("costing mroe than 90 dollars", "price_min", 90),
    ("rated lss than 3", "average_rating_max", 3),
    ("fewer thna 200 reviews", "review_count_max", 200),
    ("one that doesn't cots more than 70", "price_max", 70),
])
def test_short_comparator_typos_next_to_their_partner_word(ex, text, field, value):
    assert active(ex, text).get(field) == value


def test_short_words_are_not_repaired_away_from_a_comparator():
    assert repair("a cot for my baby")[0] == "a cot for my baby"
    assert repair("moe is my name")[0] == "moe is my name"


@pytest.mark.parametrize("text, lo, hi", [
    ("between 40 dollars and seventy, with 4 stars", 40, 70),
    ("from 20$ to 35", 20, 35),
])
def test_a_range_ending_a_clause_or_with_a_trailing_dollar_sign(ex, text, lo, hi):
    got = active(ex, text)
    assert (got.get("price_min"), got.get("price_max")) == (lo, hi), got


# ---- product lines, exclusions, accessories named for a phone -------------------------------------------
@pytest.mark.parametrize("text, brand", [
    ("hey, i want a galaxy!!", "Samsung"),
    ("so looking for a pixel under 400", "Google"),
    ("any razrs around 500", "Motorola"),
    ("show me xperias", "Sony"),
])
def test_a_product_line_after_an_article_or_in_the_plural_is_a_phone(ex, text, brand):
    got = active(ex, text)
    assert got.get("brand") == [brand] and got.get("subcategory") == PHONES, got


@pytest.mark.parametrize("text", ["a galaxy projector for the bedroom", "a pixel art kit", "a galaxy of stars"])
def test_a_product_line_word_as_an_ordinary_noun_is_no_brand(ex, text):
    assert "brand" not in active(ex, text)


def test_a_phone_line_after_accessories_asks_for_the_phone(ex):
    got = active(ex, "ok now a pixel please", Filters(subcategory=ACCESSORIES))
    assert got.get("brand") == ["Google"] and got.get("subcategory") == PHONES, got


@pytest.mark.parametrize("text, brand", [
    ("a charging cable that isn't belkin", "Belkin"),
    ("phones that aren't samsung", "Samsung"),
    ("a non-apple smartwatch", "Apple"),
])
def test_is_not_and_non_rule_a_brand_out(ex, text, brand):
    got = active(ex, text)
    assert got.get("brand_exclude") == [brand] and brand not in got.get("brand", []), got


@pytest.mark.parametrize("text", ["pixel 8 pro dashboard mount", "iphone 15 vent holder", "a car mount for my moto g"])
def test_a_mount_named_for_a_phone_is_an_accessory_without_the_phone_brand(ex, text):
    got = active(ex, text)
    assert got.get("subcategory") == ACCESSORIES and "brand" not in got, got


@pytest.mark.parametrize("text, brand", [
    ("an otterbox pixel case", "OtterBox"),
    ("spigen phone case", "Spigen"),
])
def test_an_accessory_maker_before_a_phone_word_is_the_brand(ex, text, brand):
    assert active(ex, text).get("brand") == [brand]


@pytest.mark.parametrize("text", ["samsung galaxy case", "google pixel charger", "apple phone case"])
def test_a_phone_maker_before_its_own_phone_names_the_phone(ex, text):
    assert "brand" not in active(ex, text)


# ---- qualitative levels, condition wording, color names, carriers --------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("earbuds with a reasonable amount of reviews", {"review_count_min": "medium"}),
    ("a sensibly priced charger", {"price_max": "medium"}),
    ("a phone at a fair price", {"price_max": "medium"}),
    ("nothing overpriced", {"price_max": "medium"}),
    ("a medium priced case", {"price_min": "medium", "price_max": "medium"}),
    ("reasonable quality, i don't want junk", {"price_min": "medium"}),
    ("a charger that is rated super well", {"average_rating_min": "high"}),
    ("a top rated power bank", {"average_rating_min": "high"}),
    ("a case that buyers love", {"average_rating_min": "high"}),
    ("a decently rated phone", {"average_rating_min": "medium"}),
    ("a phone with minimal storage", {"storage_gb_max": "low"}),
    ("a low end handset", {"price_max": "low"}),
    ("a case that is not pricey", {"price_max": "low"}),
    ("a case that is not too pricey", {"price_max": "medium"}),
    ("a headset that tons of customers reviewed", {"review_count_min": "high"}),
    ("a charger not many people rated", {"review_count_max": "low"}),
    ("barely any reviews", {"review_count_max": "low"}),
])
def test_qualitative_levels(ex, text, expected):
    got = active(ex, text)
    assert {k: got.get(k) for k in expected} == expected, got
    if "price_max" in expected and "price_min" not in expected:
        assert "price_min" not in got, got


@pytest.mark.parametrize("text", ["small storage baskets for the closet", "a large storage cabinet"])
def test_storage_furniture_is_no_storage_level(ex, text):
    got = active(ex, text)
    assert "storage_gb_max" not in got and "storage_gb_min" not in got, got


@pytest.mark.parametrize("text, condition", [
    ("a pixel still new in the box", "new"),
    ("an unopened galaxy", "new"),
    ("used earbuds under 30", "renewed"),
    ("an iphone which is used", "renewed"),
])
def test_condition_wording(ex, text, condition):
    assert active(ex, text).get("condition") == condition


@pytest.mark.parametrize("text", ["i used to have a samsung", "a phone that is used for work", "it's used daily"])
def test_used_as_a_verb_is_no_condition(ex, text):
    assert "condition" not in active(ex, text)


@pytest.mark.parametrize("text, colors", [
    ("a case in silver titanium", ["silver"]),
    ("an iphone in natural black titanium", ["black"]),
    ("a cobalt blue phone", ["blue"]),
    ("a galaxy in charcoal gray", ["gray"]),
    ("a phone in red metallic", ["red"]),
    ("a black or clear case", ["black", "clear"]),
])
def test_a_marketing_color_name_is_its_base_color(ex, text, colors):
    assert active(ex, text).get("color") == colors


def test_a_ruled_out_shade_with_an_unknown_modifier_is_not_added(ex):
    assert active(ex, "not desert gold, blue please").get("color") == ["blue"]


@pytest.mark.parametrize("text", ["clear the filters", "is that clear?"])
def test_clear_as_a_verb_or_adjective_is_no_color(ex, text):
    assert "color" not in active(ex, text)


def test_the_longest_carrier_name_wins(ex):
    assert active(ex, "a phone on metro by t-mobile").get("carrier") == ["Metro by T-Mobile"]


def test_or_more_storage_after_a_size_is_a_bound_not_a_move(ex):
    got = active(ex, "a phone with 128 gb or more storage", Filters(storage_gb_min=64))
    assert got.get("storage_gb_min") == 128, got


def test_a_budget_followed_by_a_sign_off_is_still_a_budget(ex):
    assert active(ex, "i can only pay 75 thx").get("price_max") == 75


# ------------------------------------------------------------------ refinement turns (mid-conversation)
_MID = Filters(subcategory=PHONES, brand=["Samsung"], price_max=400, color=["black"], review_count_min=200,
               storage_gb_min=128)


@pytest.mark.parametrize("text", [
    "nvm, I'm after a wireless charger",
    "oh never mind. can you find me a phone for my mom under 150",
    "scratch that - do you have any power banks?",
    "forget all that, help me pick a cheap handset",
    "change of plans: i need a screen protector",
])
def test_a_dismissal_that_opens_a_new_request_starts_over(ex, text):
    got = active(ex, text, _MID)
    # nothing of the old search survives: no brand, color, review or storage bound from before
    for f in ("brand", "color", "review_count_min", "storage_gb_min"):
        assert f not in got, (f, got)
    assert got.get("subcategory") in (PHONES, ACCESSORIES)


@pytest.mark.parametrize("text", ["never mind", "forget it", "nvm thanks", "forget that"])
def test_a_dismissal_alone_changes_nothing(ex, text):
    # It may only take back the last question; wiping the whole search on it would lose the shopper's work.
    assert active(ex, text, _MID) == _MID.active()


@pytest.mark.parametrize("text, gone", [
    ("never mind the colour", "color"),
    ("nvm the storage", "storage_gb_min"),
])
def test_never_mind_a_field_removes_only_that_field(ex, text, gone):
    got = active(ex, text, _MID)
    assert gone not in got and got.get("brand") == ["Samsung"], got


def test_nvm_with_only_a_brand_is_a_refinement_not_a_reset(ex):
    got = active(ex, "nvm i want motorola", _MID)
    assert got["brand"] == ["Motorola"] and got["color"] == ["black"], got


@pytest.mark.parametrize("text, new", [
    ("forget about samsung, let's see motorola", "Motorola"),
    ("ditch samsung and show me some pixels", "Google"),
    ("switch from samsung to oneplus", "OnePlus"),
    ("swap samsung for google", "Google"),
    ("replace samsung with sony please", "Sony"),
    ("instead of samsung, motorola", "Motorola"),
    ("Forget Samsung, show Apple", "Apple"),
    ("enough of samsung. check out apple", "Apple"),
])
def test_a_brand_swap_replaces_the_brand_and_excludes_nothing(ex, text, new):
    got = active(ex, text, _MID)
    assert got["brand"] == [new], got
    assert "brand_exclude" not in got, got
    assert got["color"] == ["black"] and got["price_max"] == 400, got  # the rest of the search stays


def test_forgetting_a_chosen_brand_drops_it_without_excluding_it(ex):
    got = active(ex, "forget about samsung", Filters(brand=["Samsung", "Google"], subcategory=PHONES))
    assert got["brand"] == ["Google"] and "brand_exclude" not in got, got


def test_forgetting_a_brand_that_was_only_shown_excludes_it(ex):
    got = active(ex, "forget motorola", Filters(subcategory=PHONES))
    assert got.get("brand_exclude") == ["Motorola"] and "brand" not in got, got


@pytest.mark.parametrize("text, excluded, wanted", [
    ("no samsung, google please", ["Samsung"], ["Google"]),  # the second brand is wanted
    ("not samsung, apple or lg", ["Samsung", "Apple", "LG"], None),  # a list: all three are out
    ("anything but sony, nokia or lg", ["Sony", "Nokia", "LG"], None),
])
def test_a_comma_after_an_exclusion_continues_it_only_in_a_list(ex, text, excluded, wanted):
    got = active(ex, text, Filters(subcategory=PHONES))
    assert got.get("brand_exclude") == excluded and got.get("brand") == wanted, got


@pytest.mark.parametrize("text, gone", [
    ("any amount of reviews is ok", ("review_count_min",)),
    ("whatever number of ratings", ("review_count_min",)),
    ("any size of storage", ("storage_gb_min",)),
    ("i don't care how many reviews it has", ("review_count_min",)),
    ("doesn't matter how much storage", ("storage_gb_min",)),
    ("no real preference on colour", ("color",)),
    ("i'm flexible on the price", ("price_max",)),
    ("brand doesn't mattre", ("brand",)),  # typo in the keyword
    ("whatevr color", ("color",)),
])
def test_removal_phrasings(ex, text, gone):
    got = active(ex, text, _MID)
    for f in gone:
        assert f not in got, (f, got)
    assert len(_MID.active()) - len(got) == len(gone), got  # only that field goes


def test_how_many_reviews_in_a_question_is_no_removal(ex):
    # "how many reviews" is a question about shown products unless the shopper says it doesn't matter
    got = active(ex, "how many reviews does the first one have?", _MID)
    assert got == _MID.active(), got


@pytest.mark.parametrize("text, brands", [
    ("and apple as well", ["Samsung", "Apple"]),
    ("or nokia too?", ["Samsung", "Nokia"]),
    ("lg would be ok too", ["Samsung", "LG"]),
])
def test_an_additive_brand_is_added(ex, text, brands):
    assert active(ex, text, _MID)["brand"] == brands


def test_or_apple_too_reads_apple_as_a_brand_even_on_a_first_turn(ex):
    assert active(ex, "or apple too?").get("brand") == ["Apple"]


@pytest.mark.parametrize("text", ["let's look at apple", "can you show me apple", "maybe check out apple"])
def test_a_looking_verb_is_brand_context_for_apple(ex, text):
    assert active(ex, text, _MID)["brand"] == ["Apple"]


def test_apple_as_a_fruit_stays_no_brand(ex):
    assert "brand" not in active(ex, "a case with an apple print", Filters(subcategory=ACCESSORIES))


@pytest.mark.parametrize("text, move_field", [
    ("could you go lower on the price", "price_max"),
    ("i'd rather spend less", "price_max"),
    ("something easier on the wallet", "price_max"),
    ("i can pay a bit more", "price_min"),
    ("higher capacity ones", "storage_gb_min"),
    ("more room for photos", "storage_gb_min"),
])
def test_relative_move_phrasings(ex, text, move_field):
    res = ex.extract(text, Filters(subcategory=PHONES))
    assert move_field in res.filters.active(), res.filters.active()


@pytest.mark.parametrize("text, bound", [
    ("i can't spend more than 300", ("price_max", 300.0)),
    ("i want to spend less than 250", ("price_max", 250.0)),
])
def test_spend_with_a_number_is_a_bound_not_a_move(ex, text, bound):
    got = active(ex, text, Filters(subcategory=PHONES))
    assert got.get(bound[0]) == bound[1] and "price_min" not in got, got


@pytest.mark.parametrize("text", [
    "does the second one come with earbuds?",
    "does it ship with a charging cable",
    "is the first one compatible with wireless chargers?",
    "do they include a case in the box?",
    "which one has the best camera?",
    "thanks!",
    "tell me more about the third one",
    "which is better, the first or the second?",
])
def test_questions_about_shown_products_change_nothing(ex, text):
    assert active(ex, text, _MID) == _MID.active()


@pytest.mark.parametrize("text", ["do you have chargers for it?", "do you sell cases for this one?"])
def test_asking_the_shop_for_accessories_still_switches(ex, text):
    assert active(ex, text, _MID)["subcategory"] == ACCESSORIES


def test_a_phone_that_comes_with_a_case_is_a_phone(ex):
    assert active(ex, "a phone that comes with a case")["subcategory"] == PHONES


def test_instead_inside_a_product_question_changes_nothing(ex):
    assert active(ex, "is the second one a better pick instead?", _MID) == _MID.active()


@pytest.mark.parametrize("text, new", [("not samsung, nokia", "Nokia"), ("no, not samsung but sony", "Sony")])
def test_a_correction_starting_with_not_is_a_swap(ex, text, new):
    got = active(ex, text, _MID)
    assert got["brand"] == [new] and "brand_exclude" not in got, got


@pytest.mark.parametrize("text", ["scratch that.", "let's begin again", "wipe the filters", "clean slate please"])
def test_reset_phrasings(ex, text):
    assert active(ex, text, _MID) == {}


def test_scratch_that_before_a_refinement_is_no_reset(ex):
    got = active(ex, "scratch that, a bit cheaper", _MID)
    assert got["brand"] == ["Samsung"] and got["price_max"] < 400, got


@pytest.mark.parametrize("text", ["no budget really", "i have no budget limit", "cost is not a factor",
                                  "the price isn't an issue"])
def test_no_budget_removes_the_price(ex, text):
    got = active(ex, text, _MID)
    assert "price_max" not in got and "price_min" not in got and got["brand"] == ["Samsung"], got


def test_no_budget_before_a_product_is_a_level(ex):
    assert active(ex, "no budget phones please").get("price_min") == "medium"


@pytest.mark.parametrize("text, field", [
    ("one plus phones under 400", "brand"),
    ("anything but one plus", "brand_exclude"),
    ("1+ is fine too", "brand"),
    ("i'd rather avoid 1+", "brand_exclude"),
])
def test_oneplus_as_said_or_typed(ex, text, field):
    assert active(ex, text, Filters(subcategory=PHONES)).get(field, [])[-1:] == ["OnePlus"]


@pytest.mark.parametrize("text", ["rated 1+ stars", "at least 1+ reviews", "1+1 offer"])
def test_one_plus_before_a_unit_is_a_number(ex, text):
    got = active(ex, text)
    assert "OnePlus" not in got.get("brand", []) + got.get("brand_exclude", []), got


@pytest.mark.parametrize("text", ["these have too few reviews", "hmm, something more heavily reviewed",
                                  "more established ones please", "not enough ratings on those"])
def test_more_reviews_phrasings_are_the_move(ex, text):
    res = ex.extract(text, Filters(subcategory=PHONES))
    assert res.filters.review_count_min is not None, res.filters.active()


@pytest.mark.parametrize("text, field, brand", [
    ("not motorolla?", "brand_exclude", "Motorola"),
    ("or motorolla as well", "brand", "Motorola"),
])
def test_a_misspelt_brand_in_a_short_reply_is_read(ex, text, field, brand):
    assert brand in active(ex, text, _MID).get(field, [])


def test_a_misspelt_word_in_free_text_is_no_brand(ex):
    assert active(ex, "not sure about the motorolla thing, is it good?", _MID).get("brand_exclude") is None


@pytest.mark.parametrize("text, cap", [
    ("could you bump my budget up to 650", 650.0),
    ("drop the limit to 250", 250.0),
    ("ok i can stretch to 900", 900.0),
    ("cap it at $180", 180.0),
    ("increase the max to 1.2k", 1200.0),
])
def test_a_new_budget_said_as_a_change_replaces_the_cap(ex, text, cap):
    got = active(ex, text, _MID)
    assert got["price_max"] == cap and got["brand"] == ["Samsung"], got


def test_budget_as_a_word_before_to_and_a_number_is_no_level(ex):
    assert active(ex, "set the budget to 90", Filters(subcategory=ACCESSORIES))["price_max"] == 90.0


@pytest.mark.parametrize("text", ["from 250 dollars up", "anything from $250 upwards please"])
def test_from_a_price_up_is_a_floor(ex, text):
    got = active(ex, text, Filters(subcategory=PHONES))
    assert got.get("price_min") == 250.0 and "price_max" not in got, got


@pytest.mark.parametrize("text, carrier", [("does anything work on Visible", "Visible"),
                                           ("only metro compatible ones", "Metro by T-Mobile")])
def test_a_context_carrier_in_a_carrier_slot(ex, text, carrier):
    assert active(ex, text, Filters(subcategory=PHONES)).get("carrier") == [carrier]


def test_visible_as_an_adjective_is_no_carrier(ex):
    assert "carrier" not in active(ex, "a phone with visible scratches is fine", Filters(subcategory=PHONES))


@pytest.mark.parametrize("text", ["what does refurbished mean?", "so what's 'unlocked' stand for",
                                  "what is a renewed phone?", "what's the difference between new and renewed?"])
def test_asking_what_a_word_means_changes_nothing(ex, text):
    assert active(ex, text, _MID) == _MID.active()


def test_asking_for_the_word_still_sets_it(ex):
    assert active(ex, "what about refurbished ones?", _MID).get("condition") == "renewed"


@pytest.mark.parametrize("text", ["can we step up in price a bit", "let's move up in quality"])
def test_stepping_up_is_more_expensive(ex, text):
    got = ex.extract(text, Filters(subcategory=PHONES, price_max=300)).filters
    assert got.price_max != 300 or got.price_min is not None, got.active()


@pytest.mark.parametrize("text, brand", [("motorola's out too", "Motorola"), ("nokia is off the table", "Nokia"),
                                         ("sony is not an option", "Sony")])
def test_a_brand_said_to_be_out_is_excluded(ex, text, brand):
    got = active(ex, text, _MID)
    assert got.get("brand_exclude") == [brand] and got["brand"] == ["Samsung"], got


def test_out_of_stock_is_no_exclusion(ex):
    assert "brand_exclude" not in active(ex, "is the sony out of stock?", _MID)


def test_take_a_brand_off_drops_it(ex):
    got = active(ex, "take samsung off please", Filters(brand=["Samsung", "Nokia"]))
    assert got["brand"] == ["Nokia"] and "brand_exclude" not in got, got


@pytest.mark.parametrize("text, gone", [
    ("get rid of the review filter", "review_count_min"),
    ("lift the price cap", "price_max"),
    ("i don't mind which colour", "color"),
    ("the reviews aren't that important", "review_count_min"),
    ("not bothered by storage", "storage_gb_min"),
])
def test_more_removal_verbs(ex, text, gone):
    got = active(ex, text, _MID)
    assert gone not in got and len(got) == len(_MID.active()) - 1, got


@pytest.mark.parametrize("text, field", [("ones that more people bought", "review_count_min"),
                                         ("double the storage please", "storage_gb_min")])
def test_more_move_phrasings(ex, text, field):
    assert field in active(ex, text, Filters(subcategory=PHONES))


@pytest.mark.parametrize("text", ["which is cheapest?", "ok which one is the best value", "which of them has more storage?",
                                  "so which ones are better rated"])
def test_which_questions_rank_the_shown_products_and_change_nothing(ex, text):
    assert active(ex, text, _MID) == _MID.active()


def test_which_with_a_number_is_still_a_search(ex):
    assert active(ex, "which phones are under 250?", _MID)["price_max"] == 250.0


@pytest.mark.parametrize("text", ["forget sony, show me sony after all", "forget motorola, show moto"])
def test_a_brand_named_again_after_forgetting_it_is_wanted(ex, text):
    assert active(ex, text, Filters(subcategory=PHONES)).get("brand") in (["Sony"], ["Motorola"])


def test_rather_apple_than_x_reads_apple_as_the_brand(ex):
    got = active(ex, "i'd rather apple than nokia", Filters(subcategory=PHONES))
    assert got.get("brand") == ["Apple"] and "brand_exclude" not in got, got


@pytest.mark.parametrize("text", ["ones with only a few reviews", "just a couple of ratings is fine"])
def test_only_a_few_reviews_is_few(ex, text):
    assert active(ex, text).get("review_count_max") == "low"


def test_a_few_reviews_without_only_is_some(ex):
    assert active(ex, "has at least a few reviews").get("review_count_min") == "medium"


@pytest.mark.parametrize("text", ["these don't have enough space", "not enough storage on those",
                                  "i want more space than those"])
def test_not_enough_storage_is_the_move(ex, text):
    got = ex.extract(text, Filters(subcategory=PHONES, storage_gb_min=64)).filters
    assert got.storage_gb_min is not None and got.storage_gb_min > 64, got.active()


@pytest.mark.parametrize("text, field, value", [("more storage than 64gb", "storage_gb_min", 64.0),
                                                ("less storage than 512 gb is ok", "storage_gb_max", 512.0)])
def test_storage_comparatives_with_a_number_are_bounds(ex, text, field, value):
    got = active(ex, text)
    assert got.get(field) == value and len([f for f in got if f.startswith("storage")]) == 1, got


def test_a_misspelt_over_in_start_over_still_resets(ex):
    assert active(ex, "start oveer", _MID) == {}


@pytest.mark.parametrize("text, colors", [("swap the black for white", ["white"]), ("change black to silver", ["silver"]),
                                          ("red rather than black", ["red"])])
def test_a_color_swap_replaces_the_color(ex, text, colors):
    assert active(ex, text, _MID)["color"] == colors


def test_a_carrier_swap_replaces_the_carrier(ex):
    got = active(ex, "t-mobile instead of verizon", Filters(subcategory=PHONES, carrier=["Verizon"]))
    assert got["carrier"] == ["T-Mobile"], got


_PHONE_REQ = Filters(subcategory=PHONES, carrier=["Unlocked"], condition="new", brand=["Google"])


@pytest.mark.parametrize("text, gone", [
    ("it doesn't need to be unlocked", "carrier"),
    ("unlocked isn't necessary", "carrier"),
    ("does not have to be new", "condition"),
    ("brand new isn't required", "condition"),
])
def test_a_value_that_is_not_needed_lifts_its_field(ex, text, gone):
    got = active(ex, text, _PHONE_REQ)
    assert gone not in got and got["brand"] == ["Google"], got


def test_a_value_that_is_needed_stays(ex):
    assert active(ex, "it has to be unlocked", _PHONE_REQ)["carrier"] == ["Unlocked"]


@pytest.mark.parametrize("text, up", [("can we increase the budget", True), ("i've got more to spend now", True),
                                      ("my budget got smaller", False), ("tighten the budget", False)])
def test_a_budget_change_without_a_number_is_a_move(ex, text, up):
    got = active(ex, text, Filters(subcategory=PHONES, price_max=500))
    assert got.get("price_max") != "low" and (got.get("price_max", 10**6) > 500) == up, got


@pytest.mark.parametrize("text, field, value", [("bump the storage up to 512", "storage_gb_min", 512.0),
                                                ("raise the rating to 4.6", "average_rating_min", 4.6),
                                                ("lower my budget to 320", "price_max", 320.0)])
def test_a_change_to_a_number_sets_that_bound(ex, text, field, value):
    assert active(ex, text, Filters(subcategory=PHONES, storage_gb_min=128, price_max=500))[field] == value


def test_raising_the_rating_without_a_number_is_the_better_rated_move(ex):
    got = active(ex, "could you raise the minimum rating a bit", Filters(subcategory=PHONES, average_rating_min=4.0))
    assert got["average_rating_min"] > 4.0, got


@pytest.mark.parametrize("text", ["never mind, cheaper phones", "nvm, a phone with more storage please"])
def test_a_dismissal_before_a_relative_move_is_a_refinement(ex, text):
    got = active(ex, text, _MID)
    assert got["brand"] == ["Samsung"] and got["color"] == ["black"], got


@pytest.mark.parametrize("text", ["more space efficient charger", "one plus one deal on cases"])
def test_lookalikes_of_refinements_in_first_queries(ex, text):
    got = active(ex, text)
    assert "storage_gb_min" not in got and "brand" not in got, got


def test_a_misspelt_important_still_removes(ex):
    assert "color" not in active(ex, "colour isn't importnat", _MID)


@pytest.mark.parametrize("text", ["nah, closer to 450", "make it 450", "could we do $450?", "450 would be fine",
                                  "ok 450 then", "how about 450"])
def test_a_bare_number_said_back_corrects_the_budget_in_force(ex, text):
    got = active(ex, text, Filters(subcategory=PHONES, price_max=250, brand=["Samsung"]))
    assert got["price_max"] == 450.0 and got["brand"] == ["Samsung"], got
    got = active(ex, text, Filters(subcategory=PHONES, price_min=800))
    assert got["price_min"] == 450.0, got


@pytest.mark.parametrize("text", ["450 reviews would be fine", "64gb would be fine", "make it 4.5 stars"])
def test_a_number_with_its_own_unit_is_not_a_budget_correction(ex, text):
    got = active(ex, text, Filters(subcategory=PHONES, price_max=250))
    assert got["price_max"] == 250.0, got


def test_without_a_budget_in_force_a_bare_number_sets_no_floor(ex):
    assert "price_min" not in active(ex, "make it 450", Filters(subcategory=PHONES, brand=["Samsung"]))


_NEEDS = Filters(subcategory=PHONES, brand=["Samsung", "Google"], storage_gb_min=128, color=["black"], price_max=300,
                 carrier=["Verizon"])


@pytest.mark.parametrize("text, gone", [
    ("no need for 256gb", None), ("we don't need 128 gb after all", "storage_gb_min"),
    ("i don't need it to be black", "color"), ("it doesn't have to be on verizon", "carrier"),
    ("without the google filter", None), ("ditch the 300 limit", "price_max"), ("lose the price cap", "price_max"),
])
def test_a_constraint_said_to_be_unneeded_is_lifted(ex, text, gone):
    got = active(ex, text, _NEEDS)
    if gone:
        assert gone not in got, got
    if "google" in text:
        assert got["brand"] == ["Samsung"] and "brand_exclude" not in got, got
    if "256gb" in text:  # a size that is not in force: nothing to lift, and no new storage bound
        assert got.get("storage_gb_min") == 128.0 and "storage_gb_max" not in got, got
    for kept in ("subcategory",):
        assert kept in got


@pytest.mark.parametrize("typed, read", [
    ("with harly any reviews", "with hardly any reviews"),
    ("notrh of 30$", "north of 30$"),
    ("no more than thhree thousand user ratings", "no more than three thousand user ratings"),
    ("lesser kmown ones", "lesser known ones"),
    ("fiftty dollars", "fifty dollars"),
])
def test_number_words_and_bound_words_are_repaired_too(typed, read):
    assert repair(typed)[0] == read


def test_a_repaired_bound_word_bounds_its_number(ex):
    assert active(ex, "a bluetooth headset with no more than thhree thousand user ratings")["review_count_max"] == 3000
    assert active(ex, "a power bank notrh of 30$")["price_min"] == 30


@pytest.mark.parametrize("typed, read", [("not higjer than 3/5", "not higher than 3/5"),
                                         ("igmore ratigns.", "ignore ratings."),
                                         ("with enpugh reviews", "with enough reviews")])
def test_comparators_and_removal_words_are_repaired(typed, read):
    assert repair(typed)[0] == read
