"""Questions about a shown product ("is it unlocked?") are answered from its listing, not read as filters."""

from __future__ import annotations

import pytest

from agent.assistant import Assistant
from agent.intents import classify
from evals.conversation_eval import open_demo_engine, rule_extractor
from retrieval.catalog import Product
from tools.questions import answer, question_terms


@pytest.mark.parametrize("text", [
    "is it unlocked?", "does that one have 5g", "Is this refurbished?", "are those new?",
    "can it do wireless charging?", "ok so does it have a headphone jack", "how much storage does it have?",
    "what carriers does it work with?", "does the third one come with a charger?",
])
def test_questions_about_a_shown_product_are_details_with_the_question(text):
    intent = classify(text)
    assert intent.kind == "details" and intent.question == text.strip()


@pytest.mark.parametrize("text", [
    "do they come in blue?", "is it available in red", "do you have it in green?", "is there a cheaper one?",
    "what about a pixel instead?", "this one is too expensive", "is it cheaper than the first?",
    "unlocked phones under 300", "which phone has the best camera",
])
def test_refinements_phrased_as_questions_still_search(text):
    intent = classify(text)
    assert intent.question is None
    if "first" not in text:
        assert intent.kind == "search"


def test_answer_quotes_the_sentence_that_mentions_each_term_and_flags_the_rest():
    p = Product(id="x", title="Acme Phone X 5G, 128GB, Unlocked", carriers=["Unlocked"],
                features=["Water resistant to IP68. Big battery", "Ships with a 25W charging adapter"])
    a = answer(p, "is it waterproof? does it come with a charger? does it have a headphone jack")
    found = {f["term"]: f["evidence"] for f in a["found"]}
    assert found["waterproof"] == "Water resistant to IP68"
    assert found["charger"] == "Ships with a 25W charging adapter"
    assert a["unknown"] == ["headphone", "jack"]
    assert question_terms("Is it any good for gaming?") == ["gaming"]
    # a term inside another word is not evidence ("5g" in "25g")
    assert answer(Product(id="y", title="Case 25g light"), "does it have 5g")["unknown"] == ["5g"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    engine = open_demo_engine(tmp_path_factory.mktemp("questions"))
    return Assistant(engine, rule_extractor(engine))


def test_a_question_keeps_the_filters_and_answers_about_the_top_product(assistant):
    first = assistant.turn("q", "phones on verizon")
    assert first.filters.carrier == ["Verizon"] and len(first.shown) >= 2
    r = assistant.turn("q", "is it unlocked?")
    # before: "unlocked" replaced Verizon in the filters; now the state is untouched
    assert r.filters == first.filters and r.matched == first.matched
    # answered from the listing with a verdict (or "doesn't mention"), naming the product it is about
    assert "unlocked" in r.answer.lower() and r.answer.startswith("#1 ") and "listing" in r.answer
    r = assistant.turn("q", "how much storage does the second one have?")
    assert r.filters == first.filters and "storage" in r.answer.lower() and "#2" in r.answer


def test_attribute_questions_are_answered_from_the_structured_fields():
    p = Product(id="z", title="Phone Z (Renewed)", average_rating=4.1, rating_number=70, price=295.0,
                storage_gb=256.0, carriers=["Verizon"], condition="renewed")
    found = {f["term"]: f["evidence"] for f in answer(p, "how many stars does it have")["found"]}
    assert found == {"stars": "4.1 stars from 70 ratings"}
    assert answer(p, "how much does it cost")["found"][0]["evidence"] == "price $295"
    assert answer(p, "which carriers does it work with")["found"][0]["evidence"] == "carriers: Verizon"
    assert answer(p, "is it refurbished?")["found"][0]["evidence"].startswith("renewed")


@pytest.mark.parametrize("text", ["which one would you recommend?", "what do you recommend", "which should i buy",
                                  "what's your pick?", "whats your pick", "which is better?",
                                  "which of these would you choose", "any recommendations?"])
def test_asking_for_a_recommendation_picks_among_the_shown_products(text):
    intent = classify(text)
    assert intent.kind == "details" and intent.pick == "recommended"


@pytest.mark.parametrize("text", ["recommend a phone under 300", "which is the best samsung phone",
                                  "which phone is best for gaming under 300"])
def test_recommendation_words_with_a_need_are_searches(text):
    assert classify(text).kind == "search"


def test_the_recommendation_weighs_the_number_of_ratings(assistant):
    first = assistant.turn("rec", "phones")
    r = assistant.turn("rec", "which one would you recommend?")
    assert r.filters == first.filters and r.answer.startswith("My pick of those")
    products = [assistant.engine.product(i) for i in first.shown]

    def shrunk(p):
        return ((p.average_rating or 0) * (p.rating_number or 0) + 4.0 * 20) / ((p.rating_number or 0) + 20)

    best = max((p for p in products if p.average_rating is not None), key=shrunk)
    assert r.shown == [best.id]


def test_filler_words_left_by_a_refinement_do_not_replace_the_topic(assistant):
    first = assistant.turn("topic", "wireless charger for samsung")
    r = assistant.turn("topic", "does it come in black")
    assert r.filters.color == ["black"]
    assert '"does it come"' not in r.answer and "wireless" in first.answer
    r = assistant.turn("topic", "hmm, go back to any color")
    assert '"back"' not in r.answer and r.filters.color == []


@pytest.mark.parametrize("text,describe", [("is the black one unlocked?", "black"),
                                           ("tell me about the samsung one", "samsung"),
                                           ("how much is the pink one", "pink"), ("the 128gb one", "128gb")])
def test_a_shown_product_named_by_what_it_is(text, describe):
    intent = classify(text)
    assert intent.kind == "details" and intent.describe == describe and intent.positions == []


@pytest.mark.parametrize("text", ["the first one", "the cheaper one", "show me the other one", "only black ones"])
def test_ordinals_comparatives_and_refinements_are_not_descriptions(text):
    assert classify(text).describe is None


def test_the_described_product_is_the_first_shown_one_that_fits(assistant):
    first = assistant.turn("desc", "samsung phones")
    shown = [assistant.engine.product(i) for i in first.shown]
    target = next(p for p in shown if p.color)
    word = target.color.split()[-1].lower()
    expected = next(p for p in shown if word in (p.title + " " + (p.color or "")).lower().split())
    r = assistant.turn("desc", f"how much is the {word} one?")
    assert r.filters == first.filters and r.shown == [expected.id]
    assert "price" in r.answer.lower()
    r = assistant.turn("desc", "is the zebra one unlocked?")
    assert r.filters == first.filters and "None of the" in r.answer and '"zebra"' in r.answer


@pytest.mark.parametrize("text", ["what's the battery like on the first one?", "hows the camera on it",
                                  "what is the price of the second one"])
def test_what_is_x_like_on_a_shown_product_is_a_question(text):
    intent = classify(text)
    assert intent.kind == "details" and intent.question


def test_battery_question_quotes_the_battery_line():
    p = Product(id="b", title="Phone B", features=["Huge 5000mAh battery lasts two days", "Fast charging"])
    a = answer(p, "what's the battery like on the first one?")
    assert a["found"] == [{"term": "battery", "evidence": "Huge 5000mAh battery lasts two days"}]
    assert a["unknown"] == []


class _NearestIsTheBox:
    """A listing reader whose nearest sentence is always the first feature (here the box contents)."""

    def nearest(self, p, question, k=8):
        from tools.listing import Hit, Piece

        return [Hit(Piece(p.features[0], "features", p.features[0]), 0.9)]


@pytest.mark.parametrize("features, expect", [
    (["Included Components: Headphones, User Guide, Wall Adapter"], "not stated"),
    (["3.5mm audio jack for wired earphones"], "yes"),
    (["Headphone jack: yes"], "yes"),
])
def test_a_part_is_there_only_where_the_listing_names_it(features, expect):
    """Headphones in the box are no headphone jack: a jack, port or slot needs its own word (or a synonym)."""
    p = Product(id="n1", title="Nokia 6.2 Unlocked Smartphone", features=features)
    assert answer(p, "is there a headphone jack?", reader=_NearestIsTheBox())["verdict"] == expect
