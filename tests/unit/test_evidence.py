"""The validator behind a model: a new accessory subcategory needs accessory words (`extraction.evidence`)."""

from __future__ import annotations

import pytest

from extraction.evidence import check_levels, check_subcategory, levels_in_play
from retrieval.filters import ACCESSORIES, PHONES, Filters


@pytest.mark.parametrize("text", ["a mini business desktop with wireless bluetooth",
                                  "a bed frame with bluetooth & usb ports for a fair price",
                                  "a 10ft hdmi cable", "a grey laptop case"])
def test_an_unsupported_accessory_subcategory_is_dropped_with_a_warning(text):
    proposed = Filters(subcategory=ACCESSORIES, color=["gray"])
    kept, warnings = check_subcategory(text, None, proposed)
    assert kept.subcategory is None and kept.color == ["gray"] and warnings


def test_the_subcategory_before_the_turn_is_what_stays():
    kept, warnings = check_subcategory("something in red", Filters(subcategory=PHONES), Filters(subcategory=ACCESSORIES))
    assert kept.subcategory == PHONES and warnings


@pytest.mark.parametrize("text, before", [("a phone case", None), ("usb c charger under 20", None),
                                          ("a speaker for my iphone", None),
                                          ("in red", Filters(subcategory=ACCESSORIES))])
def test_supported_or_carried_subcategories_stand(text, before):
    kept, warnings = check_subcategory(text, before, Filters(subcategory=ACCESSORIES))
    assert kept.subcategory == ACCESSORIES and not warnings


def test_a_seq2seq_extractor_validates_what_its_model_proposes():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    model = ScriptedSeq2Seq(tok, ["subcategory=Cell Phone Accessories", "subcategory=Cell Phone Accessories"])
    ex = Seq2SeqExtractor(model, tok, vocab=Vocabulary.default())
    desktop, case = ex.extract_batch(["a mini desktop with wireless bluetooth", "a phone case"], [None, None])
    assert desktop.filters.subcategory is None and any("names no such product" in w for w in desktop.warnings)
    assert case.filters.subcategory == ACCESSORIES


def test_a_brand_the_message_does_not_name_is_dropped_and_state_values_stay():
    from extraction.entities import EntityMap
    from extraction.evidence import check_entities

    ents = EntityMap()
    ents.add("brand", "OnePlus")
    proposed = Filters(brand=["Samsung", "OnePlus", "Xiaomi"], color=["black"])
    kept, warnings = check_entities("a oneplus please", proposed, Filters(brand=["Samsung"]), ents)
    assert kept.brand == ["Samsung", "OnePlus"] and kept.color == [] and len(warnings) == 2
    # a value written out in the message stands without a placeholder (no product of that colour yet)
    kept, warnings = check_entities("go with black", proposed, None, EntityMap())
    assert kept.color == ["black"] and kept.brand == [] and len(warnings) == 1
    # ... but not where the lexicon says the words after it make it no colour (the tagger leaves those as text)
    for text in ("i would like black rice that is organic", "a remote for my black-ray player"):
        kept, warnings = check_entities(text, Filters(color=["black"]), None, EntityMap())
        assert kept.color == [] and len(warnings) == 1, text
    kept, _ = check_entities("black rice and a black tin", Filters(color=["black"]), None, EntityMap())
    assert kept.color == ["black"]  # one of its mentions is a colour
    # a value the grammar reads from the message stands ("khaki" is beige to the colour lexicon, no placeholder)
    before = Filters(color=["brown"])
    kept, warnings = check_entities("khaki too pls", Filters(color=["beige"]), before, EntityMap(),
                                    Filters(color=["brown", "beige"]))
    assert kept.color == ["beige"] and not warnings
    assert check_entities("khaki too pls", Filters(color=["beige"]), before, EntityMap())[0].color == []


def test_an_entity_model_cannot_write_a_brand_from_nothing():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    model = ScriptedSeq2Seq(tok, ["brand=Xiaomi", "brand=b0"])
    ex = Seq2SeqExtractor(model, tok, vocab=Vocabulary.default(), delexicalise=True, entities=True)
    nothing, said = ex.extract_batch(["earbuds from jbl or bose", "a xiaomi phone"], [None, None])
    # the invented Xiaomi is dropped; the makers the message does name come back from the grammar's reading
    assert "Xiaomi" not in nothing.filters.brand and any("does not name" in w for w in nothing.warnings)
    assert sorted(nothing.filters.brand) == ["Bose", "JBL"] and any("missed" in w for w in nothing.warnings)
    assert said.filters.brand == ["Xiaomi"]


@pytest.mark.parametrize("proposed, before, reading, expected", [
    # "no huawei or xiaomi": the model wanted what the grammar rules out
    (Filters(brand=["Huawei", "Xiaomi"]), None, Filters(brand_exclude=["Huawei", "Xiaomi"]),
     Filters(brand_exclude=["Huawei", "Xiaomi"])),
    # "any colour except pink"
    (Filters(color=["pink"]), None, Filters(color_exclude=["pink"]), Filters(color_exclude=["pink"])),
    # the other way round: the model excluded what the grammar reads as wanted ("samsung is fine again")
    (Filters(brand_exclude=["Samsung"]), None, Filters(brand=["Samsung"]), Filters(brand=["Samsung"])),
    # where the grammar reads nothing, or the same, the model stands
    (Filters(brand=["Apple"]), None, Filters(), Filters(brand=["Apple"])),
    (Filters(color=["black"], color_exclude=["red"]), None, Filters(color=["black"], color_exclude=["red"]),
     Filters(color=["black"], color_exclude=["red"])),
    # "huawei is fine again": an exclusion the grammar only carried over does not overrule the model
    (Filters(brand=["Huawei"]), Filters(brand_exclude=["Huawei"]), Filters(brand_exclude=["Huawei"]),
     Filters(brand=["Huawei"])),
    # a value carried over from the state before is the model's to keep
    (Filters(brand=["Apple"]), Filters(brand=["Apple"]), Filters(brand_exclude=["Apple"]), Filters(brand=["Apple"])),
])
def test_polarity_follows_the_grammar_for_values_new_this_turn(proposed, before, reading, expected):
    from extraction.evidence import check_polarity

    kept, warnings = check_polarity(proposed, before, reading)
    assert kept == expected
    assert bool(warnings) == (kept != proposed)


def test_a_seq2seq_extractor_checks_polarity_against_the_grammar():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    model = ScriptedSeq2Seq(tok, ["subcategory=Cell Phones ; color=black", "subcategory=Cell Phones ; color=black"])
    ex = Seq2SeqExtractor(model, tok, vocab=Vocabulary.default())
    negated, wanted = ex.extract_batch(["show me phones that are not black", "black phones please"], [None, None])
    assert negated.filters.color == [] and negated.filters.color_exclude == ["black"]
    assert any("moved" in w for w in negated.warnings)
    assert wanted.filters.color == ["black"] and not wanted.filters.color_exclude


@pytest.mark.parametrize("proposed, before, reading, expected", [
    # "could you show tcl instead of xiaomi": the model kept the old side of the swap
    (Filters(brand=["TCL", "Xiaomi"]), None, Filters(brand=["TCL"]), Filters(brand=["TCL"])),
    (Filters(color=["red", "black"]), Filters(color=["black"]), Filters(color=["red"]), Filters(color=["red"])),
    # the same new values, or fewer, or none read by the grammar: the model stands
    (Filters(brand=["TCL", "Xiaomi"]), None, Filters(brand=["TCL", "Xiaomi"]), Filters(brand=["TCL", "Xiaomi"])),
    (Filters(brand=["TCL"]), None, Filters(brand=["TCL", "Xiaomi"]), Filters(brand=["TCL"])),
    (Filters(brand=["TCL", "Xiaomi"]), None, Filters(), Filters(brand=["TCL", "Xiaomi"])),
    # a different new value is no superset: left to the cascade, not cut here
    (Filters(brand=["Sony", "Xiaomi"]), None, Filters(brand=["TCL"]), Filters(brand=["Sony", "Xiaomi"])),
    # values carried from before do not count as added ("and nokia" to a samsung list)
    (Filters(brand=["Samsung", "Nokia"]), Filters(brand=["Samsung"]), Filters(brand=["Samsung", "Nokia"]),
     Filters(brand=["Samsung", "Nokia"])),
])
def test_what_a_turn_adds_to_a_wanted_list_is_bounded_by_the_grammar(proposed, before, reading, expected):
    from extraction.evidence import check_additions

    kept, warnings = check_additions(proposed, before, reading)
    assert kept == expected
    assert bool(warnings) == (kept != proposed)


def test_a_seq2seq_extractor_drops_the_old_side_of_a_swap_the_model_kept():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary

    class Written(Seq2SeqExtractor):  # the model's text as given, no tokenizer in between
        def generate_scored(self, inputs):
            return [("subcategory=Cell Phones ; brand=Google , Samsung", 0.99)] * len(inputs)

    ex = Written(None, None, vocab=Vocabulary.default())
    swap, both = ex.extract_batch(["could you show pixel instead of samsung", "pixel or samsung"],
                                  [Filters(subcategory=PHONES, brand=["Samsung"]), Filters(subcategory=PHONES)])
    assert swap.filters.brand == ["Google"] and any("dropped" in w for w in swap.warnings)
    assert sorted(both.filters.brand) == ["Google", "Samsung"]  # both asked for: the model stands


def test_a_narrowing_the_grammar_reads_cuts_the_model_list():
    from extraction.evidence import check_additions

    before = Filters(brand=["OnePlus", "Google"])
    kept, warnings = check_additions(before, before, Filters(brand=["OnePlus"]))  # "only oneplus then"
    assert kept.brand == ["OnePlus"] and warnings
    # the grammar left the list as it was: the model's list stands, whatever it is
    assert check_additions(Filters(brand=["OnePlus"]), before, before)[0].brand == ["OnePlus"]


def test_an_addition_the_model_read_as_a_replacement_keeps_the_old_values():
    from extraction.evidence import check_kept

    before = Filters(color=["black"])
    kept, warnings = check_kept(Filters(color=["white"]), before, Filters(color=["black", "white"]))  # "white too"
    assert kept.color == ["black", "white"] and any("black" in w for w in warnings)
    # the grammar replaced the list ("white instead"): the model's list stands
    assert check_kept(Filters(color=["white"]), before, Filters(color=["white"])) == (Filters(color=["white"]), [])
    # the model has something the grammar did not read: not this check's to decide
    assert check_kept(Filters(color=["red"]), before, Filters(color=["black", "white"]))[0].color == ["red"]
    # nothing before: nothing to keep
    assert check_kept(Filters(color=["white"]), None, Filters(color=["white"]))[0].color == ["white"]


def test_a_seq2seq_extractor_keeps_what_a_turn_adds_to():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary

    class Written(Seq2SeqExtractor):  # the model's text as given, no tokenizer in between
        def generate_scored(self, inputs):
            return [("subcategory=Cell Phones ; color=white", 0.99)] * len(inputs)

    ex = Written(None, None, vocab=Vocabulary.default())
    too, instead = ex.extract_batch(["white too", "white instead"], [Filters(subcategory=PHONES, color=["black"])] * 2)
    assert sorted(too.filters.color) == ["black", "white"] and instead.filters.color == ["white"]


def test_a_value_the_grammar_only_lets_go_is_not_ruled_out():
    from extraction.evidence import check_let_go

    before = Filters(brand=["Samsung"], price_max=400)
    # "ok forget samsung": the grammar takes Samsung off the list; the model also excluded it
    kept, warnings = check_let_go(Filters(brand_exclude=["Samsung"], price_max=400), before, Filters(price_max=400))
    assert kept.brand_exclude == [] and warnings
    # "not samsung": the grammar rules it out too, so the exclusion stands
    ruled = Filters(brand_exclude=["Samsung"], price_max=400)
    assert check_let_go(ruled, before, ruled) == (ruled, [])
    # an exclusion already in force is not the model's doing
    old = Filters(brand=["Samsung"], brand_exclude=["Samsung"])
    assert check_let_go(Filters(brand_exclude=["Samsung"]), old, Filters())[0].brand_exclude == ["Samsung"]


@pytest.mark.parametrize("text,proposed,expected", [
    ("at least 6gb ram", Filters(storage_gb_min=6.0), Filters()),
    ("a phone with 8 gb of ram and 128gb storage", Filters(storage_gb_min=8.0), Filters()),
    ("a phone with 8 gb of ram and 128gb storage", Filters(storage_gb_min=128.0), Filters(storage_gb_min=128.0)),
    ("8gb ram and 8gb storage", Filters(storage_gb_min=8.0), Filters(storage_gb_min=8.0)),
    ("at least 6gb please", Filters(storage_gb_min=6.0), Filters(storage_gb_min=6.0)),
])
def test_a_ram_size_is_never_storage(text, proposed, expected):
    from extraction.evidence import check_ram

    assert check_ram(text, proposed, None)[0] == expected


def test_a_colour_only_the_grammar_read_is_added_where_the_model_left_the_colours_alone():
    from extraction.evidence import check_missed_values as check_missed_colours

    # "of khaki color": no placeholder reached the model, the grammar maps khaki to beige
    state, warnings = check_missed_colours(Filters(subcategory=PHONES), None, Filters(color=["beige"]))
    assert state.color == ["beige"] and state.subcategory == PHONES and warnings
    before = Filters(color=["black"])
    assert check_missed_colours(before, before, Filters(color=["black", "beige"]))[0].color == ["black", "beige"]
    # the model changed the colours itself, or the grammar read none new, or the model rules it out: left alone
    assert check_missed_colours(Filters(color=["red"]), before, Filters(color=["black", "beige"]))[0].color == ["red"]
    assert check_missed_colours(before, before, before) == (before, [])
    ruled = Filters(color=["black"], color_exclude=["beige"])
    assert check_missed_colours(ruled, before, Filters(color=["black", "beige"])) == (ruled, [])


def test_a_bound_the_model_puts_on_the_other_end_moves_to_the_grammars_end():
    from extraction.number_checks import check_bound_side

    # "a cheap phone, like 100 bucks": the model wrote a floor, the grammar reads a ceiling of the same number
    state, warnings = check_bound_side(Filters(price_min=100.0), None, Filters(price_max=100.0, price_min=None))
    assert state.price_min is None and state.price_max == 100.0 and warnings
    # a different number, or the grammar also reading the model's end: left alone
    assert check_bound_side(Filters(price_min=100.0), None, Filters(price_max=150.0))[0].price_min == 100.0
    both = Filters(price_min=100.0, price_max=100.0)
    assert check_bound_side(Filters(price_min=100.0), None, both)[0] == Filters(price_min=100.0)
    # the model's end was there before the turn: not the model's doing
    before = Filters(price_min=100.0)
    assert check_bound_side(before, before, Filters(price_min=100.0, price_max=100.0))[0] == before


def test_an_emptied_reading_is_no_narrowing():
    from extraction.evidence import check_additions

    before = Filters(brand=["Motorola"])  # "an apple charging cable": the grammar switched product type
    assert check_additions(Filters(brand=["Apple"]), before, Filters())[0].brand == ["Apple"]
    assert check_additions(before, before, Filters())[0].brand == ["Motorola"]  # "other brands please"


def test_a_level_the_model_reads_otherwise_than_the_level_words_follows_the_grammar():
    before = Filters(price_max="low")
    proposed = Filters(price_max="low", average_rating_min="medium")
    assert levels_in_play(proposed, before) and not levels_in_play(before, before)
    state, warnings = check_levels(proposed, before, Filters(price_max="low", average_rating_min="high"))
    assert state.average_rating_min == "high" and state.price_max == "low" and warnings
    # the grammar read no level (or the same one, or kept the old one): the model's stands
    for reading in (Filters(price_max="low"), Filters(price_max="low", average_rating_min="medium")):
        assert check_levels(proposed, before, reading) == (proposed, [])
    # a number is not a level: "over 4 stars" read as 4.0 by the grammar leaves the model's level alone
    assert check_levels(proposed, before, Filters(price_max="low", average_rating_min=4.0)) == (proposed, [])


def test_a_level_the_model_puts_on_the_wrong_end_moves_to_the_grammars_end():
    # "nothing too fancy": the model wrote a floor, the level words say a ceiling
    state, warnings = check_levels(Filters(price_min="medium"), None, Filters(price_max="medium"))
    assert state.price_min is None and state.price_max == "medium" and warnings
    # both ends read by the grammar ("mid-range"): nothing moves
    both = Filters(price_min="medium", price_max="medium")
    assert check_levels(Filters(price_min="medium"), None, both)[0] == Filters(price_min="medium")
    # the end the model set was there before the turn: not the model's doing
    before = Filters(price_min="medium")
    assert check_levels(before, before, Filters(price_min="medium", price_max="low"))[0].price_min == "medium"


def test_an_addition_to_the_carriers_keeps_the_old_carrier():
    from extraction.evidence import check_kept

    before = Filters(subcategory=PHONES, carrier=["AT&T"])
    # "or tmobile i guess": the model replaced AT&T, the grammar added T-Mobile
    kept, warnings = check_kept(Filters(subcategory=PHONES, carrier=["T-Mobile"]), before,
                                Filters(subcategory=PHONES, carrier=["AT&T", "T-Mobile"]))
    assert sorted(kept.carrier) == ["AT&T", "T-Mobile"] and warnings


def test_a_value_the_model_missed_is_read_from_the_message():
    from extraction.evidence import check_missed_values

    # "sorry i meant total wireless": the model wrote no change, the grammar replaces the carrier
    before = Filters(subcategory=PHONES, carrier=["Straight Talk"])
    state, warnings = check_missed_values(before, before, Filters(subcategory=PHONES, carrier=["Total Wireless"]))
    assert state.carrier == ["Total Wireless"] and warnings
    # "a mint mobile phone": the model read the turn (a colour), so its reading of the words stands
    mint = Filters(subcategory=PHONES, color=["green"])
    assert check_missed_values(mint, None, Filters(subcategory=PHONES, carrier=["Mint Mobile"])) == (mint, [])
    # the model changed the list itself: its list stands
    mine = Filters(subcategory=PHONES, carrier=["Verizon"])
    assert check_missed_values(mine, before, Filters(carrier=["Total Wireless"])) == (mine, [])
    # "renewed iphone 13 pro, at&t": the model read the turn but left the brands alone; the maker is added
    read = Filters(subcategory=PHONES, brand=["Apple"], carrier=["AT&T"], condition="renewed")
    state, warnings = check_missed_values(read.merged(brand=[]), None, read)
    assert state == read and warnings
    # a brand the model rules out stays ruled out, and a brand list the model changed stands
    out = Filters(subcategory=PHONES, brand_exclude=["Apple"])
    assert check_missed_values(out, None, Filters(subcategory=PHONES, brand=["Apple"])) == (out, [])
    pixel = Filters(subcategory=PHONES, brand=["Google"])
    assert check_missed_values(pixel, None, Filters(subcategory=PHONES, brand=["Apple"])) == (pixel, [])


def test_a_value_the_message_takes_off_does_not_stay():
    from extraction.evidence import check_removed

    before = Filters(subcategory=ACCESSORIES, brand=["Anker", "Belkin"])
    # "take belkin off": the model kept Belkin alone, the grammar kept Anker
    state, warnings = check_removed(Filters(subcategory=ACCESSORIES, brand=["Belkin"]), before,
                                    Filters(subcategory=ACCESSORIES, brand=["Anker"]))
    assert state.brand == ["Anker"] and warnings
    # the two agree, or the grammar's reading is no pure removal: the model's list stands
    same = Filters(subcategory=ACCESSORIES, brand=["Anker"])
    assert check_removed(same, before, same) == (same, [])
    belkin = Filters(brand=["Belkin"])
    assert check_removed(belkin, before, Filters(brand=["Anker", "Belkin", "Baseus"])) == (belkin, [])


@pytest.mark.parametrize("text, proposed, reading, expected", [
    # a battery size is not storage or a price
    ("10000mah or bigger", Filters(storage_gb_min=10000.0), Filters(battery_mah_min=10000.0), Filters()),
    ("anker power bank 20000mah, 4 star+", Filters(price_min=20000.0, average_rating_min=4.0),
     Filters(average_rating_min=4.0), Filters(average_rating_min=4.0)),
    # the grammar reads the same number into the same field ("512g" is storage to its quantity reader)
    ("a 512g phone", Filters(storage_gb_min=512.0), Filters(storage_gb_min=512.0), Filters(storage_gb_min=512.0)),
    # a number said without another unit somewhere stands
    ("a 20w charger under 20", Filters(price_max=20.0), Filters(power_w_min=20.0), Filters(price_max=20.0)),
])
def test_a_number_in_another_attributes_unit_is_not_a_price_or_storage(text, proposed, reading, expected):
    from extraction.number_checks import check_units

    assert check_units(text, proposed, None, reading)[0] == expected


def test_a_range_the_model_placed_otherwise_takes_the_grammars_ends():
    from extraction.number_checks import check_range

    # "between 128 and 256gb" written as exactly 256
    state, warnings = check_range(Filters(storage_gb_min=256.0, storage_gb_max=256.0), None,
                                  Filters(storage_gb_min=128.0, storage_gb_max=256.0))
    assert (state.storage_gb_min, state.storage_gb_max) == (128.0, 256.0) and warnings
    # the model set one end only, or other numbers: left alone
    one = Filters(price_max=1200.0)
    assert check_range(one, None, Filters(price_min=4.5, price_max=1200.0)) == (one, [])
    other = Filters(price_min=300.0, price_max=300.0)
    assert check_range(other, None, Filters(price_min=100.0, price_max=200.0)) == (other, [])


@pytest.mark.parametrize("text, proposed", [
    ("an iphone sub 2k for tracfone", Filters(price_max=2000.0)),  # "2k" is also a resolution word
    ("min 5k user ratings", Filters(review_count_min=5000.0)),
])
def test_money_and_counts_in_k_are_not_resolutions(text, proposed):
    from extraction.number_checks import check_units

    assert check_units(text, proposed, None, Filters()) == (proposed, [])


@pytest.mark.parametrize("text, before, proposed, reading, expected", [
    # a whole number with no rating word is no star rating
    ("a dual band signal booster 2 | 5", None, Filters(subcategory=ACCESSORIES, average_rating_min=2.0),
     Filters(subcategory=ACCESSORIES), Filters(subcategory=ACCESSORIES)),
    # named as a rating, in any of its words
    ("rated 4 or more", None, Filters(average_rating_min=4.0), Filters(), Filters(average_rating_min=4.0)),
    ("at least 4 stars", None, Filters(average_rating_min=4.0), Filters(), Filters(average_rating_min=4.0)),
    ("4/5 or better", None, Filters(average_rating_min=4.0), Filters(), Filters(average_rating_min=4.0)),
    # a decimal reads as a rating by itself; a reply about the rating already set may be a bare number
    ("at most 4.2", None, Filters(average_rating_max=4.2), Filters(), Filters(average_rating_max=4.2)),
    ("4 is fine", Filters(average_rating_min=4.5), Filters(average_rating_min=4.0), Filters(average_rating_min=4.5),
     Filters(average_rating_min=4.0)),
    # the grammar reads the same rating
    ("phones 4 and up", None, Filters(average_rating_min=4.0), Filters(average_rating_min=4.0),
     Filters(average_rating_min=4.0)),
])
def test_a_bare_whole_number_is_a_rating_only_where_the_message_names_one(text, before, proposed, reading, expected):
    from extraction.number_checks import check_rating_named

    state, warnings = check_rating_named(text, proposed, before, reading)
    assert state == expected and bool(warnings) == (state != proposed)


def test_a_bound_or_condition_the_model_missed_in_a_follow_up_is_read_from_the_message():
    from extraction.number_checks import check_missed_bounds

    before = Filters(subcategory=PHONES, price_max=300.0)
    # "moto or nokia, 4 stars+": the model wrote the brands and left the rating alone
    reading = before.merged(brand=["Motorola", "Nokia"], average_rating_min=4.0)
    state, warnings = check_missed_bounds("moto or nokia, 4 stars+", reading.merged(average_rating_min=None),
                                          before, reading)
    assert state == reading and warnings
    # "refurbs r fine, actually only refurbs": the condition too
    state, _ = check_missed_bounds("refurbs r fine, actually only refurbs", before, before,
                                   before.merged(condition="renewed"))
    assert state.condition == "renewed"
    # not on a first turn: a product description's numbers are sizes and specs ("18 plus jeans")
    assert check_missed_bounds("a pair of 18 plus jeans", Filters(), None, Filters(price_min=18.0)) == (Filters(), [])
    # not a number the model used elsewhere, one a move resolved, or a model number ("galaxy 7")
    used = before.merged(storage_gb_min=256.0)
    assert check_missed_bounds("at least 256", used, before, before.merged(price_min=256.0)) == (used, [])
    assert check_missed_bounds("cheaper", before, before, before.merged(price_max=240.0)) == (before, [])
    assert check_missed_bounds("a case for a galaxy 7 please", before, before,
                               before.merged(review_count_min=7.0)) == (before, [])
    # the model changed the attribute itself: its reading stands
    mine = before.merged(price_max=250.0)
    assert check_missed_bounds("250 or 280 max", mine, before, before.merged(price_max=280.0)) == (mine, [])


def test_a_switch_the_model_read_as_no_change_is_the_grammars_reading():
    from extraction.base import ExtractionResult
    from extraction.evidence import check_missed_switch

    before = Filters(subcategory=ACCESSORIES, average_rating_min="high", brand=["Anker"])
    # "show me fones": the model wrote no change; the grammar switches, dropping the accessory's brand
    switched = ExtractionResult(Filters(subcategory=PHONES, average_rating_min="high"))
    state, warnings = check_missed_switch(before, before, switched)
    assert state == switched.filters and warnings
    # the model changed something: its reading stands
    mine = before.merged(color=["black"])
    assert check_missed_switch(mine, before, switched) == (mine, [])
    # a question about the fit of a listed accessory is no switch; nor is a first turn or the same subcategory
    fit = ExtractionResult(Filters(subcategory=PHONES), compatible="pixel 8")
    assert check_missed_switch(before, before, fit) == (before, [])
    assert check_missed_switch(Filters(), None, switched) == (Filters(), [])
    assert check_missed_switch(Filters(), Filters(), switched) == (Filters(), [])  # an empty state is a first turn
    same = ExtractionResult(before.merged(color=["blue"]))
    assert check_missed_switch(before, before, same) == (before, [])
