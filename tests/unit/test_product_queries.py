"""Synthetic product queries: kinds, compound names, perturbation, split, LLM generator with a fake model."""

from __future__ import annotations

import pytest

from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES
from training.product_queries import (
    LLMQueryGenerator,
    TemplateQueryGenerator,
    accessory_type,
    is_held_out,
    model_phrase_pattern,
    model_phrases,
    parse_llm_queries,
    split_key,
    split_products,
)

PHONE = Product(id="P1", title="Samsung Galaxy S10, 128GB, Prism Black - Unlocked (Renewed)", brand="Samsung",
                price=289.0, subcategory=PHONES, storage_gb=128, colors=["black"], carriers=["Unlocked"],
                condition="renewed", features=["6.1 inch display", "3400mAh all-day battery", "12MP camera"])
CASE = Product(id="C1", title="Spigen Slim Armor Case for Samsung Galaxy S6/S6 Edge - Black", brand="Spigen",
               price=12.99, subcategory=ACCESSORIES, colors=["black"], features=["Slim, shockproof"])


def test_model_phrases_split_compound_names():
    assert model_phrases(CASE) == ["galaxy s6", "galaxy s6 edge"]
    assert model_phrases(PHONE) == ["galaxy s10"]
    phone = Product(id="x", title="Samsung Galaxy S6/S6 Edge 32GB White", brand="Samsung", subcategory=PHONES)
    assert model_phrases(phone) == ["galaxy s6", "galaxy s6 edge"]
    # A part number after a slash is not a variant.
    j5 = Product(id="y", title="Samsung Galaxy J5 SM-J500H/DS GSM Unlocked", brand="Samsung", subcategory=PHONES)
    assert model_phrases(j5) == ["galaxy j5"]
    # A bare model number keeps its brand.
    op = Product(id="z", title="OnePlus 7T HD1907 128GB (Renewed)", brand="OnePlus", subcategory=PHONES)
    assert model_phrases(op) == ["oneplus 7t"]


def test_model_phrase_pattern_excludes_longer_variants():
    pat = model_phrase_pattern("galaxy s7")
    assert pat.search("samsung galaxy s7 32gb black")
    assert not pat.search("samsung galaxy s7 edge 32gb")
    assert not pat.search("samsung galaxy s70")


def test_every_variant_of_a_compound_name_gets_queries():
    qs = TemplateQueryGenerator(seed=1, per_product=6).generate(CASE)
    texts = " | ".join(q.text for q in qs)
    assert "s6 edge" in texts
    assert any("s6" in q.text and "edge" not in q.text for q in qs)
    # Nobody types the compound name.
    assert all("s6/s6" not in q.text for q in qs)


def test_queries_are_varied_not_title_copies_and_deterministic():
    gen = TemplateQueryGenerator(seed=3, per_product=6)
    qs = gen.generate(PHONE)
    assert len(qs) == 6
    assert len({q.text for q in qs}) == 6
    assert all(q.text != PHONE.title.lower() for q in qs)
    assert {"name", "need", "attribute", "conversational"} <= {q.kind for q in qs}
    assert [q.text for q in qs] == [q.text for q in TemplateQueryGenerator(seed=3, per_product=6).generate(PHONE)]
    assert [q.text for q in qs] != [q.text for q in TemplateQueryGenerator(seed=4, per_product=6).generate(PHONE)]
    case_kinds = {q.kind for q in gen.generate(CASE)}
    assert "compat" in case_kinds


def test_need_queries_come_from_product_facts():
    qs = TemplateQueryGenerator(seed=0, per_product=12, kinds=("need",)).generate(PHONE)
    text = " ".join(q.text for q in qs)
    assert any(w in text for w in ("battery", "camera", "photos", "screen", "display"))


def test_accessory_type():
    assert accessory_type(CASE) == "case"
    assert accessory_type(PHONE) is None
    glass = Product(id="g", title="Tempered Glass Screen Guard for iPhone 13", subcategory=ACCESSORIES)
    assert accessory_type(glass) == "screen protector"


def test_split_is_deterministic_and_groups_near_duplicates():
    a = Product(id="A", title="Samsung Galaxy S8 64GB Black (Verizon)", brand="Samsung", subcategory=PHONES)
    b = Product(id="B", title="Samsung Galaxy S8, 64GB, Midnight Black - Unlocked (Renewed)", brand="Samsung",
                subcategory=PHONES)
    assert split_key(a) == split_key(b)
    assert is_held_out(a) == is_held_out(b)
    many = [Product(id=f"id{i}", title=f"Gadget {i}", subcategory=ACCESSORIES) for i in range(2000)]
    train, held = split_products(many)
    assert 0.15 < len(held) / len(many) < 0.25
    assert [p.id for p in held] == [p.id for p in split_products(many)[1]]
    assert not {p.id for p in train} & {p.id for p in held}


class ScriptedChat:
    """A LangChain-like chat model that returns scripted replies and records what it was asked."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.calls = []

    def invoke(self, messages):
        from langchain_core.messages import AIMessage

        self.calls.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return AIMessage(content=reply)


def test_llm_generator_parses_json_and_sends_product_card():
    chat = ScriptedChat(['Sure! [{"query": "Slim case for Galaxy S6 Edge", "kind": "compat"}, '
                         '{"query": "galaxy s6 cover under $15", "kind": "attribute"}, "cheap s6 case"]'])
    qs = LLMQueryGenerator(chat, per_product=5).generate(CASE)
    assert [q.text for q in qs] == ["slim case for galaxy s6 edge", "galaxy s6 cover under $15", "cheap s6 case"]
    assert qs[0].kind == "compat" and qs[2].kind == "llm"
    system, human = chat.calls[0]
    assert "5" in system.content and "EACH" in human.content and "galaxy s6 edge" in human.content


def test_llm_generator_with_langchain_fake_model_and_garbage():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    fake = FakeListChatModel(responses=["1. galaxy s10 refurbished\n2. a renewed s10 with 128gb\n"])
    qs = LLMQueryGenerator(fake, per_product=3).generate(PHONE)
    assert [q.text for q in qs] == ["galaxy s10 refurbished", "a renewed s10 with 128gb"]
    chat = ScriptedChat(["", RuntimeError("provider down"), "{not json"])
    gen = LLMQueryGenerator(chat)
    assert gen.generate(PHONE) == [] and gen.generate(PHONE) == [] and gen.generate(PHONE) == []


@pytest.mark.parametrize("reply", ["[]", "[1, 2, {\"q\": 3}]", "Here you go:", "- x"])
def test_parse_llm_queries_never_raises(reply):
    assert parse_llm_queries(reply, PHONE) == []
