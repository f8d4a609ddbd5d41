"""Typed entity placeholders for the seq2seq extractor (`extraction.entities`)."""

from __future__ import annotations

from extraction.entities import EntityMap, relexicalise_entities, tag_entities
from extraction.serialize import encode_typed, format_state
from extraction.vocabulary import Vocabulary
from retrieval.filters import Filters
from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer


def _vocab(brands=("Samsung", "Google", "Apple", "OnePlus", "Anker")) -> Vocabulary:
    return Vocabulary(brands=list(brands), colors=["black", "blue", "white", "green"],
                      carriers=["Verizon", "T-Mobile", "AT&T"], subcategories=[], storage_gb=[128.0])


def test_brands_lines_colors_and_carriers_get_typed_placeholders_before_their_words() -> None:
    text, ents = tag_entities("a navy Pixel on verizon, not samsung", _vocab())
    assert text == "a c0 navy b0 Pixel on k0 verizon, not b1 samsung"
    assert [ents.value(p) for p in ("b0", "b1", "c0", "k0")] == ["Google", "Samsung", "blue", "Verizon"]


def test_misspellings_plurals_and_special_spellings_are_tagged() -> None:
    text, ents = tag_entities("smsung or 1+ in whites, non-apple, on tmobiles", _vocab())
    assert "b0 smsung" in text and "b1 1+" in text and "c0 whites" in text
    assert "b2 apple" in text and "k0 tmobiles" in text
    assert ents.values["brand"] == ["Samsung", "OnePlus", "Apple"]
    # ordinary words stay untagged: no brand, color or carrier in this sentence
    text, ents = tag_entities("a phone in mint condition for my mom", _vocab())
    assert text == "a phone in mint condition for my mom" and not any(ents.values.values())
    # the lexicon's no-colour compounds, with a hyphen too ("blue-ray"), stay text; "sky-blue" is a colour
    for phrase in ("a remote for my blue-ray player", "a blue ray player", "green tea"):
        assert not tag_entities(phrase, _vocab())[1].values["color"], phrase
    assert tag_entities("a sky-blue case", _vocab())[1].values["color"] == ["blue"]


def test_state_values_come_first_and_a_repeated_entity_shares_its_placeholder() -> None:
    state = Filters(brand=["Samsung"], color=["black"], brand_exclude=["Apple"])
    text, nums, ents = encode_typed("samsung or google in black under $300", state, _vocab())
    assert text == ("state: brand=b0 ; brand_exclude=b1 ; color=c0 "
                    "query: b0 samsung or b2 google in c0 black under $n0")
    target = format_state(Filters(price_max=300, brand=["Samsung", "Google"], color=["black"]), numbers=nums,
                          entities=ents)
    assert target == "price_max=n0 ; brand=b0 , b2 ; color=c0"


def test_relexicalise_maps_placeholders_back_and_drops_unknown_ones() -> None:
    ents = EntityMap()
    ents.add("brand", "AT&T Prepaid")
    ents.add("carrier", "AT&T")
    text, warnings = relexicalise_entities("brand=b0 , b7 ; carrier=k0 ; subcategory=Cell Phones", ents)
    from extraction.serialize import parse_target

    data, _, _, _ = parse_target(text)
    assert data["brand"] == ["AT&T Prepaid"] and data["carrier"] == ["AT&T"]
    assert data["subcategory"] == "Cell Phones"
    assert any("b7" in w for w in warnings)


def test_an_entity_model_writes_brands_of_the_serving_catalog_it_was_never_trained_on() -> None:
    # The mapping comes from the serving vocabulary: "Zorblax" never appeared in any training data.
    from extraction.seq2seq import Seq2SeqExtractor

    tok = tiny_seq2seq_tokenizer()
    vocab = _vocab(brands=("Zorblax", "Samsung"))
    model = ScriptedSeq2Seq(tok, ["brand=b0 ; brand_exclude=b1 ; color=c0", "brand=b5 ; color=c3"])
    ex = Seq2SeqExtractor(model, tok, vocab=vocab, delexicalise=True, entities=True)
    first, garbage = ex.extract_batch(["samsung, no zorblax, in green", "zorblax in green"],
                                      [None, None])
    assert first.filters.brand == ["Samsung"] and first.filters.brand_exclude == ["Zorblax"]
    assert first.filters.color == ["green"]
    # placeholders the input never had are dropped with a warning, never an exception; the maker and colour the
    # message names come back from the grammar's reading (evidence.check_missed_values), the invented ones do not
    assert garbage.filters.brand == ["Zorblax"] and garbage.filters.color == ["green"]
    assert any("b5" in w for w in garbage.warnings) and any("missed the color" in w for w in garbage.warnings)
    assert any("missed the brand" in w for w in garbage.warnings)


def test_words_the_grammar_reads_as_no_colour_get_no_colour_placeholder() -> None:
    # the delexicaliser shares the grammar's colour context (lexicon/data/colors.toml, not_after)
    for text in ("a gold plated hdmi cable", "a remote for the blue ray player", "green tea"):
        assert tag_entities(text, _vocab())[1].values["color"] == [], text
    assert tag_entities("a black phone", _vocab())[1].values["color"] == ["black"]


def test_brand_names_that_are_ordinary_words_get_a_placeholder_only_where_the_grammar_reads_a_brand() -> None:
    # a catalog selling "Noise" earbuds and "Nothing" phones: the grammar's own context tests decide
    vocab = _vocab(brands=("Samsung", "Noise", "Nothing", "Apple"))
    for text in ("noise cancelling headphones in black", "a new galaxy, nothing over 800", "i want an apple"):
        tagged, ents = tag_entities(text, vocab)
        assert [v for v in ents.values["brand"] if v != "Samsung"] == [], tagged
    for text, brand in (("noise earbuds under 30", "Noise"), ("a nothing phone", "Nothing"),
                        ("something from apple", "Apple"), ("not samsung", "Samsung")):
        assert tag_entities(text, vocab)[1].values["brand"] == [brand], text
    # while phones are discussed, a short reply names a brand
    assert tag_entities("apple please", vocab, Filters(subcategory="Cell Phones"))[1].values["brand"] == ["Apple"]
