"""The validator behind a model: a new accessory subcategory needs accessory words (`extraction.evidence`)."""

from __future__ import annotations

import pytest

from extraction.evidence import check_subcategory
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


def test_an_entity_model_cannot_write_a_brand_from_nothing():
    from extraction.seq2seq import Seq2SeqExtractor
    from extraction.vocabulary import Vocabulary
    from tests.fakes import ScriptedSeq2Seq, tiny_seq2seq_tokenizer

    tok = tiny_seq2seq_tokenizer()
    model = ScriptedSeq2Seq(tok, ["brand=Xiaomi", "brand=b0"])
    ex = Seq2SeqExtractor(model, tok, vocab=Vocabulary.default(), delexicalise=True, entities=True)
    nothing, said = ex.extract_batch(["earbuds from jbl or bose", "a xiaomi phone"], [None, None])
    assert nothing.filters.brand == [] and any("does not name" in w for w in nothing.warnings)
    assert said.filters.brand == ["Xiaomi"]
