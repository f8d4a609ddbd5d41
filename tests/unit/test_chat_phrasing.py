"""Chat and WebShop phrasing read in round 11 (issue 15): shorthand written out before anything reads the message, short
colour typos, questions about a product on screen, one end of a range lifted, and "galaxy buds"."""

from __future__ import annotations

import pytest

from extraction.base import ExtractionResult
from extraction.grammar.questions import asks_about_shown
from extraction.typos import repair
from lexicon.tokens import normalise
from retrieval.filters import ACCESSORIES, PHONES, Filters
from tests.rule_reading import active


@pytest.mark.parametrize("text, expected", [
    ("samsung w/ 128gb", "samsung with 128gb"),
    ("600 w/lots of reviews", "600 with lots of reviews"),
    ("a case w/o a logo", "a case without a logo"),
    ("needs 128 atleast", "needs 128 at least"),
    ("nothin over 180", "nothing over 180"),
    ("somethin cheep", "something cheap"),
    ("blk case", "black case"),
])
def test_shorthand_is_written_out(text, expected):
    assert normalise(text)[0] == expected


@pytest.mark.parametrize("text", ["http://shop.example/w/abc", "watt", "swat team", "a swatch"])
def test_words_that_only_contain_shorthand_are_left_alone(text):
    assert normalise(text)[0] == text


def test_a_number_before_w_slash_is_no_wattage(ex):
    got = active(ex, "need a phone between 400 and 600 w/ lots of reviews")
    assert (got.get("price_min"), got.get("price_max")) == (400.0, 600.0), got
    assert "power_w_min" not in got and "power_w_max" not in got


@pytest.mark.parametrize("text, state, field, value", [
    ("nothin over 180", Filters(subcategory=PHONES), "price_max", 180.0),
    ("anythin but pink", Filters(subcategory=ACCESSORIES), "color_exclude", ["pink"]),
    ("somethin cheep", Filters(subcategory=PHONES), "price_max", "low"),
])
def test_dropped_letters_do_not_lose_the_constraint(ex, text, state, field, value):
    assert active(ex, text, state).get(field) == value


def test_a_four_letter_typo_is_repaired_only_towards_a_colour_word():
    assert repair("galaxy buds in wite")[0] == "galaxy buds in white"
    assert repair("any clor")[0] == "any color"
    assert repair("more than 1000 uder ratings")[0] == "more than 1000 uder ratings"  # "user", not "under"


@pytest.mark.parametrize("text", [
    "is the blue one in stock", "does it come w/ a charger", "is the second one waterproof?",
    "does the black one have a headphone jack", "any idea if #2 is unlocked"])
def test_a_question_about_a_product_shown_is_recognised(text):
    assert asks_about_shown(normalise(text)[0])


@pytest.mark.parametrize("text", [
    "does it come in blue", "do you have it in blue", "is there a cheaper one", "can you show me the second one",
    "black ones under 300", "is it cheaper than 300"])
def test_requests_that_open_like_a_question_are_not(text):
    assert not asks_about_shown(normalise(text)[0])


def test_the_grammar_changes_no_filter_on_a_question_about_a_product_shown(ex):
    before = Filters(subcategory=PHONES, brand=["Apple"], price_max=1000.0)
    assert active(ex, "is the blue one in stock", before) == before.active()
    assert active(ex, "does it come w/ a charger", before) == before.active()
    assert active(ex, "does it come in blue", before)["color"] == ["blue"]  # asks for other products


def test_a_model_reading_of_a_question_about_a_product_shown_is_not_served():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    before = Filters(subcategory=PHONES, brand=["Apple"])
    model = ScriptedSeq2Seq(tok, ["subcategory=Cell Phones ; brand=Apple ; color=blue",
                                  "subcategory=Cell Phones ; brand=Apple ; color=blue"])
    ex = Seq2SeqExtractor(model, tok, vocab=Vocabulary.default())
    question, request = ex.extract_batch(["is the blue one in stock", "blue ones please"], [before, before])
    assert question.filters == before and any("question" in w for w in question.warnings)
    assert request.filters.color == ["blue"]


@pytest.mark.parametrize("text, before, expected", [
    ("dont need a minimum price", Filters(price_min=300.0, price_max=500.0), {"price_max": 500.0}),
    ("just keep it under 400, no minimum", Filters(price_min=200.0, price_max=500.0), {"price_max": 400.0}),
    ("no max", Filters(price_min=200.0, price_max=400.0), {"price_min": 200.0}),
    ("no minimum rating", Filters(price_min=100.0, average_rating_min=4.0), {"price_min": 100.0}),
    ("no min", Filters(storage_gb_min=128.0), {}),
])
def test_one_end_of_a_range_is_lifted_and_the_other_stays(ex, text, before, expected):
    assert active(ex, text, before) == expected


def test_no_minimum_on_an_attribute_not_in_force_lifts_nothing(ex):
    before = Filters(price_min=100.0)
    assert active(ex, "no minimum rating", before) == before.active()


def test_a_model_that_clears_both_ends_keeps_the_one_the_message_keeps():
    from extraction.number_checks import check_open_bound

    before = Filters(subcategory=PHONES, price_min=300.0, price_max=500.0)
    grammar = ExtractionResult(before.merged(price_min=None), spans={"price_min": "dont need a minimum price"})
    state, warnings = check_open_bound(before.merged(price_min=None, price_max=None), before, grammar)
    assert state == before.merged(price_min=None) and warnings
    # where the grammar lifted the floor for another reason, the model's reading stands
    other = ExtractionResult(before.merged(price_min=None), spans={"price_min": "any price"})
    mine = before.merged(price_min=None, price_max=None)
    assert check_open_bound(mine, before, other) == (mine, [])


@pytest.mark.parametrize("text", ["what about galaxy buds", "pixel buds in white"])
def test_galaxy_and_pixel_buds_are_accessories(ex, text):
    assert active(ex, text, Filters(subcategory=PHONES))["subcategory"] == ACCESSORIES


@pytest.mark.parametrize("text, expected", [("rosegold case", "rose gold case"), ("darkgrey", "dark grey"),
                                            ("blackberry", "blackberry")])
def test_a_colour_modifier_run_into_the_colour_is_split(text, expected):
    assert normalise(text)[0] == expected


@pytest.fixture(scope="module")
def shop():
    """A catalog that sells Samsung and Anker but not Huawei, Bose or Nothing."""
    from extraction.vocabulary import Vocabulary

    return Vocabulary(brands=["Samsung", "Anker", "OnePlus"], colors=["black", "blue"], carriers=[],
                      subcategories=[PHONES, ACCESSORIES], storage_gb=[128.0], strict=True)


@pytest.mark.parametrize("text, before, expected", [
    ("what about huawei", ["Samsung"], []),           # a switch to a maker the shop does not sell
    ("actually bose", ["Anker"], []),
    ("huawei too", ["Samsung"], ["Samsung"]),         # an addition keeps what was there
    ("not huawei", ["Samsung"], ["Samsung"]),
    ("and the nothing phone too", ["OnePlus"], ["OnePlus"]),
])
def test_a_maker_outside_the_catalog_is_read_and_then_dropped(shop, text, before, expected):
    from extraction.rules import RuleExtractor

    got = RuleExtractor(shop).extract(text, Filters(subcategory=PHONES, brand=before))
    assert got.filters.brand == expected
    assert not got.filters.brand_exclude


def test_a_maker_outside_the_catalog_gets_no_placeholder_for_the_model(shop):
    from extraction.entities import tag_entities

    _, ents = tag_entities("what about huawei or samsung", shop)
    assert [str(v) for v in ents.values.get("brand", [])] == ["Samsung"]


def test_a_model_that_kept_the_brands_on_a_switch_to_an_outside_maker_lets_them_go():
    from extraction.evidence import check_outside_brand

    before = Filters(subcategory=PHONES, brand=["Samsung"])
    grammar = ExtractionResult(Filters(subcategory=PHONES), spans={"brand": "huawei"})
    state, warnings = check_outside_brand(before, before, grammar, frozenset({"huawei"}))
    assert state.brand == [] and warnings
    # "any brand" also empties the grammar's list: not this check's business
    other = ExtractionResult(Filters(subcategory=PHONES), spans={"brand": "any brand"})
    assert check_outside_brand(before, before, other, frozenset({"huawei"})) == (before, [])


@pytest.mark.parametrize("text, expected", [
    ("i want a tempered glass screen protector that is compatible with an apple ipad", {}),
    ("a purple case with a kickstand for a samsung galaxy tablet", {"color": ["purple"]}),
    ("i am looking for a navy blue macbook pro 13 inch case cover", {"color": ["blue"]}),
    ("looking for an apple ipad", {"brand": ["Apple"]}),          # the device itself is wanted
    ("galaxy watch in silver", {"subcategory": ACCESSORIES, "brand": ["Samsung"], "color": ["silver"]}),
])
def test_the_device_an_item_is_for_is_not_its_maker(ex, text, expected):
    got = active(ex, text)
    assert {k: got.get(k) for k in ("brand", "color")} == {k: expected.get(k) for k in ("brand", "color")}, got


@pytest.mark.parametrize("text, expected", [
    ("i want a 1.5 foot long black gold plated hdmi cable", ["black"]),
    ("a slip resistant black water shoe in size 12", ["black"]),
    ("can you find me a clear screen protector", ["clear"]),
    ("white water rafting gear", None),
])
def test_colour_words_in_material_and_product_phrases(ex, text, expected):
    assert active(ex, text).get("color") == expected


def test_or_and_a_carrier_word_adds_to_the_carriers_in_force(ex):
    got = active(ex, "or metro", Filters(subcategory=PHONES, carrier=["Cricket"]))
    assert got["carrier"] == ["Cricket", "Metro by T-Mobile"]
    assert "carrier" not in active(ex, "or metro", Filters(subcategory=PHONES))  # no carrier talk: a word


def test_a_direction_then_a_number_sets_the_budget_without_the_word_budget(ex):
    assert active(ex, "bit more, say 275", Filters(subcategory=PHONES, price_max=200.0))["price_max"] == 275.0


def test_a_brand_the_model_adds_for_the_device_an_item_fits_is_dropped():
    from extraction.evidence import check_for_device

    keys = {"apple": "Apple", "apple watch": "Apple", "samsung": "Samsung"}
    before = Filters(subcategory=ACCESSORIES, color=["black"])
    state, warnings = check_for_device("oh wait its for an apple watch actually", before.merged(brand=["Apple"]),
                                       before, before, keys)
    assert state == before and warnings
    # "looking for an apple charger": the search verb, the maker stays
    mine = Filters(subcategory=ACCESSORIES, brand=["Apple"])
    assert check_for_device("looking for an apple charger", mine, None, Filters(), keys) == (mine, [])


@pytest.mark.parametrize("text, before, expected", [
    ("i can go like 50 more", 250.0, 300.0),
    ("100 less", 500.0, 400.0),
    ("another hundred on top is ok", 700.0, 800.0),
    ("double it", 25.0, 50.0),
    ("hmm cut that in half", 80.0, 40.0),
    ("5 more", 500.0, 500.0),      # a bare small number asks for more results
    ("cut it", 80.0, 80.0),        # "cut" scales only "in half"
])
def test_a_budget_in_force_moves_by_an_amount_or_a_factor(ex, text, before, expected):
    assert active(ex, text, Filters(subcategory=PHONES, price_max=before))["price_max"] == expected


@pytest.mark.parametrize("text, expected", [("under 3 bills", 300.0), ("under 5 hundo", 500.0)])
def test_chat_slang_for_hundreds(ex, text, expected):
    assert active(ex, text, Filters(subcategory=PHONES))["price_max"] == expected


def test_phone_bills_are_no_number():
    assert normalise("my phone bills")[0] == "my phone bills"


@pytest.mark.parametrize("text, before, field, expected", [
    ("oops i meant 256 not 128", Filters(subcategory=PHONES, storage_gb_min=128.0), "storage_gb_min", 256.0),
    ("i meant samsung not apple", Filters(subcategory=PHONES, brand=["Apple"]), "brand", ["Samsung"]),
    ("oops meant metro not cricket", Filters(subcategory=PHONES, carrier=["Cricket"]), "carrier",
     ["Metro by T-Mobile"]),
    ("sorry, 300 not 200", Filters(subcategory=PHONES, price_max=200.0), "price_max", 300.0),
])
def test_a_correction_replaces_the_slip_and_rules_nothing_out(ex, text, before, field, expected):
    got = active(ex, text, before)
    assert got[field] == expected and not got.get("brand_exclude") and not got.get("color_exclude"), got


def test_x_not_y_said_first_still_excludes(ex):
    got = active(ex, "samsung not apple", Filters(subcategory=PHONES))
    assert got["brand"] == ["Samsung"] and got["brand_exclude"] == ["Apple"]


def _scripted(outputs):
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    return Seq2SeqExtractor(ScriptedSeq2Seq(tok, outputs), tok, vocab=Vocabulary.default())


def test_a_fresh_start_the_model_reads_into_small_talk_is_undone():
    before = Filters(subcategory=PHONES, brand=["Xiaomi"], storage_gb_min=128.0)
    ex = _scripted(["reset=yes", "reset=yes"])
    chat, scratch = ex.extract_batch(["sorry got distracted lol, still here", "scratch that"], [before, before])
    assert chat.filters == before and any("fresh start" in w for w in chat.warnings)
    assert scratch.filters == Filters()  # a word that starts over: the model's fresh start stands


def test_a_why_question_about_a_product_shown_moves_nothing():
    before = Filters(subcategory=PHONES, brand=["Apple"], price_min=700.0)
    ex = _scripted(["subcategory=Cell Phones ; brand=Apple ; price_min=840"])
    assert ex.extract("why is that one so expensive??", before).filters == before


def test_a_condition_the_model_dropped_where_the_grammar_reads_another_is_read():
    from extraction.number_checks import check_missed_bounds

    before = Filters(subcategory=PHONES, brand=["Samsung"], condition="renewed")
    state, warnings = check_missed_bounds("actually new, no renewed", before.merged(condition=None), before,
                                          before.merged(condition="new"))
    assert state.condition == "new" and warnings


def test_a_value_the_model_newly_excludes_that_the_grammar_still_wants_stays_wanted():
    from extraction.evidence import check_polarity

    before = Filters(subcategory=PHONES, brand=["Apple", "Samsung"])
    reading = Filters(subcategory=PHONES, brand=["Apple"])
    state, _ = check_polarity(Filters(subcategory=PHONES, brand_exclude=["Apple"]), before, reading)
    assert state.brand == ["Apple"] and state.brand_exclude == []


def test_brands_the_model_cleared_on_a_switch_are_the_grammars():
    from extraction.evidence import check_missed_values

    before = Filters(subcategory=PHONES, brand=["OnePlus"])
    reading = Filters(subcategory=ACCESSORIES, brand=["Sony"])
    state, _ = check_missed_values(Filters(subcategory=ACCESSORIES), before, reading)
    assert state.brand == ["Sony"]


def test_storage_that_is_no_big_deal_is_lifted(ex):
    before = Filters(subcategory=PHONES, brand=["Google"], storage_gb_min=128.0, storage_gb_max=128.0)
    assert active(ex, "storage isnt a big deal tbh", before) == {"subcategory": PHONES, "brand": ["Google"]}


@pytest.mark.parametrize("text", ["hmm fitbit or garmin watch, under 200", "garmin watch under 1.5k"])
def test_a_smartwatch_makers_watch_is_an_accessory(ex, text):
    assert active(ex, text)["subcategory"] == ACCESSORIES


def test_a_colour_that_would_be_nice_too_is_added(ex):
    got = active(ex, "teal would be nice too", Filters(subcategory=ACCESSORIES, color=["black"]))
    assert sorted(got["color"]) == ["black", "blue"]


@pytest.mark.parametrize("text", ["headphones from sony, budget ~300", "my budget is around 300"])
def test_a_budget_said_roughly_is_a_ceiling(ex, text):
    got = active(ex, text)
    assert got["price_max"] == 300.0 and "price_min" not in got
    assert active(ex, "around 300")["price_min"] < 300.0  # no budget word: a range around it


def test_the_phone_an_accessory_is_for_is_no_switch_to_phones(ex):
    before = Filters(subcategory=ACCESSORIES, color=["clear"])
    assert active(ex, "its for an iphone 13 btw", before) == before.active()
    assert active(ex, "looking for an iphone", before)["subcategory"] == PHONES


def test_two_device_lines_name_their_makers(ex):
    got = active(ex, "galaxy buds or pixel buds, white")
    assert got["subcategory"] == ACCESSORIES and sorted(got["brand"]) == ["Google", "Samsung"]


def test_a_model_reading_phones_where_the_message_asks_for_accessories_is_corrected():
    from extraction.evidence import check_phones_for_accessories

    got, warnings = check_phones_for_accessories("galaxy buds or pixel buds, white",
                                                 Filters(subcategory=PHONES, color=["white"]), None,
                                                 ExtractionResult(Filters(subcategory=ACCESSORIES)))
    assert got == Filters(subcategory=ACCESSORIES, color=["white"]) and warnings
    before = Filters(subcategory=ACCESSORIES, color=["clear"])
    fit = ExtractionResult(before, compatible="iphone 13")
    assert check_phones_for_accessories("its for an iphone 13 btw", Filters(subcategory=PHONES), before, fit)[0] == before
    # "show me phones" after cases: the grammar switches too, the model stands
    phones = ExtractionResult(Filters(subcategory=PHONES))
    assert check_phones_for_accessories("show me phones", Filters(subcategory=PHONES), before, phones)[1] == []


def test_no_need_for_a_bare_number_lifts_the_bound_in_force_with_it(ex):
    before = Filters(subcategory=PHONES, brand=["Apple"], storage_gb_min=256.0, price_max=900.0)
    got = active(ex, "no need for 256", before)
    assert "storage_gb_min" not in got and got["price_max"] == 900.0


def test_a_bound_the_grammar_lifts_that_the_model_kept_or_moved_goes():
    from extraction.number_checks import check_open_bound

    before = Filters(subcategory=PHONES, storage_gb_min=256.0)
    lifted = ExtractionResult(Filters(subcategory=PHONES), spans={"storage_gb_min": "256"})
    moved = Filters(subcategory=PHONES, storage_gb_max=256.0)  # "no need for 256" read as at most 256 GB
    assert check_open_bound(moved, before, lifted)[0] == Filters(subcategory=PHONES)
    assert check_open_bound(before, before, lifted)[0] == Filters(subcategory=PHONES)  # kept it
    # a level the grammar lifts stays where the model keeps it ("price is not a concern" keeps "high")
    high = Filters(subcategory=PHONES, price_min="high")
    level = ExtractionResult(Filters(subcategory=PHONES), spans={"price_min": "price is not a concern"})
    assert check_open_bound(high, high, level) == (high, [])


def test_a_bound_the_model_wrote_on_the_other_end_while_dropping_the_old_one_moves():
    from extraction.number_checks import check_bound_side

    before = Filters(subcategory=PHONES, price_max=200.0)
    state, _ = check_bound_side(Filters(subcategory=PHONES, price_min=275.0), before,
                                Filters(subcategory=PHONES, price_max=275.0))
    assert state == Filters(subcategory=PHONES, price_max=275.0)


def test_a_phones_storage_floor_the_model_missed_on_a_first_turn_is_read():
    from extraction.number_checks import check_missed_bounds

    reading = Filters(subcategory=PHONES, brand=["Apple"], storage_gb_min=256.0, condition="renewed")
    state, _ = check_missed_bounds("used iphone on tmobile w/ at least 256", reading.merged(storage_gb_min=None),
                                   None, reading)
    assert state.storage_gb_min == 256.0
    # no phone named on a first turn: a description's numbers stay the model's
    assert check_missed_bounds("a pair of 18 plus jeans", Filters(), None, Filters(price_min=18.0)) == (Filters(), [])


def test_a_carrier_named_before_the_phone_word_leaves_the_phone(ex):
    assert active(ex, "mint mobile phone, 64gb minimum, under 250")["subcategory"] == PHONES


def test_a_phone_the_shopper_had_is_no_brand_wanted(ex):
    got = active(ex, "i had a moto before and the battery died, so no more motorola", Filters(subcategory=PHONES))
    assert got.get("brand_exclude") == ["Motorola"] and not got.get("brand")


def test_scratch_that_with_a_replacement_scratches_one_value_not_the_search():
    before = Filters(subcategory=PHONES, brand=["Apple"], color=["gold"])
    ex = _scripted(["reset=yes ; color=silver", "reset=yes"])
    swap, bare = ex.extract_batch(["scratch that, silver", "scratch that"], [before, before])
    assert swap.filters == before.merged(color=["silver"])
    assert bare.filters == Filters()  # nothing after it: a fresh start
