"""Questions about a shown product, however the shopper names it, get a verdict from its listing; accessory
requests for a shown product search the accessories that fit it.

"does the first pair have a mic?", "is no. 1 a 5g phone?", "any idea if #2 is waterproof", "the second one
is waterproof, right?", "is the cheaper one unlocked?", "do any of these have a mic?"; "screen guard for the
second one", "tempered glass for it".
"""

from __future__ import annotations

import re

import pytest

from agent.assistant import Assistant
from agent.intents import classify
from agent.references import is_question
from evals.conversation_eval import open_demo_engine, rule_extractor
from tools.fits import accessory_kind

VERDICT = re.compile(r"#\d+ [^\n]*: (?:yes|no|partly)\. The listing says|#\d+ [^\n]*: the listing (?:says|doesn't)")


@pytest.mark.parametrize("text, positions", [
    ("does the first pair have a mic?", [1]),
    ("is no. 1 a 5g phone?", [1]),
    ("is number 2 waterproof?", [2]),
    ("does #3 have a headphone jack?", [3]),
    ("is option 2 dual sim?", [2]),
    ("does pair 2 have a mic", [2]),
    ("does the 1st one come with a charger?", [1]),
    ("would the top one work on verizon?", [1]),
    ("does the last one have 5g?", [-1]),
    ("has the third one got a headphone jack?", [3]),
    ("can the second one take a memory card?", [2]),
    ("any idea if the second one is waterproof?", [2]),
    ("I wonder whether the first one has noise cancellation", [1]),
    ("do you know if no. 2 comes with a case?", [2]),
    ("the second one is waterproof, right?", [2]),
    ("the first pair has a mic, correct?", [1]),
    ("what's the battery life of the first pair?", [1]),
    ("how long does the battery last on #2?", [2]),
    ("is option two waterproof?", [2]),
    ("does number three have a mic", [3]),
    ("is a charger included for the second one?", [2]),
    ("does a case come with the first one?", [1]),
])
def test_a_question_naming_a_shown_product_by_place_or_number_carries_the_question(text, positions):
    intent = classify(text)
    assert intent.kind == "details" and intent.positions == positions
    assert intent.question == text and not intent.compare


@pytest.mark.parametrize("text, expect", [
    ("is the cheaper one waterproof?", {"pick": "cheapest"}),
    ("does the best rated one have a mic?", {"pick": "best_rated", "all_shown": True}),
    ("is the pricier one unlocked?", {"pick": "priciest"}),
    ("is the samsung one 5g?", {"describe": "samsung"}),
    ("does that one have a mic?", {"use_focus": True}),
    ("does it come with a charger?", {"use_focus": True}),
    ("any idea if it's waterproof", {"use_focus": True}),
])
def test_a_question_naming_a_shown_product_by_ranking_description_or_it(text, expect):
    intent = classify(text)
    assert intent.kind == "details" and intent.question == text
    for key, value in {"all_shown": False, **expect}.items():
        assert getattr(intent, key) == value


@pytest.mark.parametrize("text", [
    "do any of these have a mic?", "which of them is waterproof?", "are any of them waterproof?",
    "do either of these support wireless charging?", "which ones have 5g?", "are all of them unlocked?",
    "do they have noise cancellation?",
])
def test_a_question_about_all_shown_products_answers_each(text):
    intent = classify(text)
    assert intent.kind == "details" and intent.all_shown and intent.question == text


@pytest.mark.parametrize("text", [
    "can you show me the second one", "what about the second one", "the first one", "tell me more about the last one",
])
def test_asking_to_see_a_product_is_details_without_a_question(text):
    intent = classify(text)
    assert intent.kind == "details" and intent.question is None


@pytest.mark.parametrize("text", [
    "do they come in blue?", "is there a cheaper one?", "do you have it in black", "which is the best samsung phone",
    "which phones have wireless charging", "are there any waterproof ones under 300?",
])
def test_questions_that_ask_for_other_products_still_search(text):
    assert classify(text).kind == "search"


def test_rankings_stay_rankings():
    assert classify("which is cheapest?").kind == "sort"
    assert classify("which of those two is cheaper?").pick == "cheapest"
    assert classify("which one has the most storage").compare_on == "storage"
    assert not is_question("can you show me the first one") and is_question("any idea if it has a mic")


@pytest.mark.parametrize("text, ref", [
    ("screen guard for the second one", "2"), ("tempered glass for that phone", "it"),
    ("got any back covers for the first one?", "1"), ("a strap for the second one", "2"),
    ("cable for no. 2", "2"), ("a charger that fits it", "it"), ("earbuds for it", "it"),
    ("any screen protectors for the top one?", "1"), ("back cover for option 3", "3"),
    ("a case for the first pair", "1"), ("phone cover for the last one", "-1"),
])
def test_accessory_words_with_a_reference_search_accessories_for_it(text, ref):
    intent = classify(text)
    assert intent.kind == "accessory_for" and intent.ref == ref


@pytest.mark.parametrize("text", ["what's the price for the second one", "is it good for the first one",
                                  "thanks for that", "more info for the second one"])
def test_words_before_for_that_name_no_accessory_are_not_accessory_requests(text):
    assert classify(text).kind != "accessory_for"


def test_accessory_kinds_come_from_the_lexicon():
    assert accessory_kind("screen guard") == "screen_protector"
    assert accessory_kind("a back cover") == "case"
    assert accessory_kind("tempered glass") == "screen_protector"
    assert accessory_kind("some earbuds") == "headphones"
    assert accessory_kind("the price") is None


# ------------------------------------------------------------------------------ through the agent
@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    engine = open_demo_engine(tmp_path_factory.mktemp("refqa"))
    return Assistant(engine, rule_extractor(engine))


@pytest.mark.parametrize("question, pos", [
    ("is no. 1 a 5g phone?", 1), ("does the first one have a headphone jack?", 1),
    ("any idea if the second one is waterproof?", 2), ("the second one is waterproof, right?", 2),
    ("does #3 have fast charging?", 3), ("is option 2 dual sim?", 2),
])
def test_the_agent_answers_a_referenced_question_with_a_verdict(assistant, question, pos):
    first = assistant.turn(f"v{question}", "phones on verizon")
    r = assistant.turn(f"v{question}", question)
    assert r.filters == first.filters and r.matched == first.matched  # nothing searched or changed
    head = r.answer.splitlines()[0]
    assert head.startswith(f"#{pos} ") and VERDICT.search(head), r.answer


def test_the_agent_reads_a_listing_sentence_for_its_verdict(assistant):
    assistant.turn("w", "phones on verizon")
    r = assistant.turn("w", "any idea if the second one is waterproof?")
    assert r.answer.startswith("#2 ") and ": partly." in r.answer.splitlines()[0] and "Water-repellent" in r.answer


def test_the_agent_answers_a_question_about_all_shown_products_one_line_each(assistant):
    first = assistant.turn("all", "phones on verizon")
    r = assistant.turn("all", "which of them is waterproof?")
    tally, *lines = r.answer.splitlines()
    assert tally.startswith(f"Of the {len(first.shown)} shown") and "yes for #" in tally
    assert len(lines) == len(first.shown)
    assert [ln.split(" ", 1)[0] for ln in lines] == [f"#{i}" for i in range(1, len(first.shown) + 1)]
    assert all(VERDICT.search(ln) for ln in lines) and any(": yes." in ln for ln in lines)
    assert r.filters == first.filters


@pytest.mark.parametrize("question", ["is there a headphone jack?", "waterproof?", "wireless charging?",
                                      "and is there an sd card slot?"])
def test_a_bare_feature_question_asks_about_the_products_on_screen(assistant, question):
    """No "it", no "the second one": with products shown and no constraint said, the question is theirs."""
    first = assistant.turn(f"bare{question}", "phones on verizon")
    r = assistant.turn(f"bare{question}", question)
    tally, *lines = r.answer.splitlines()
    assert tally.startswith(f"Of the {len(first.shown)} shown"), r.answer
    assert all(VERDICT.search(ln) for ln in lines[:len(first.shown)])
    assert r.filters == first.filters and r.topic == first.topic  # nothing searched, the list's topic kept
    more = assistant.turn(f"bare{question}", "show more")
    assert more.shown and not set(more.shown) & set(first.shown)  # "show more" goes on from the same list


def test_a_bare_question_naming_an_accessory_asks_about_the_shown_and_says_how_to_shop_for_it(assistant):
    """ "is there a case?" with phones on screen: does one come with them (the listings say); the answer ends
    with what to say to shop for cases, and saying it does."""
    first = assistant.turn("bare-acc", "phones on verizon")
    r = assistant.turn("bare-acc", "is there a case?")
    assert r.answer.startswith(f"Of the {len(first.shown)} shown") and r.filters == first.filters, r.answer
    assert r.answer.splitlines()[-1] == 'To shop for them instead, say "show me cases".'
    cases = assistant.turn("bare-acc", "show me cases")
    assert cases.filters.subcategory == "Cell Phone Accessories" and cases.shown


def test_a_part_the_shown_listings_mention_is_about_them():
    from retrieval.catalog import Product
    from tools.shown_question import asked_feature, part_of_shown

    laptops = [Product(id="l1", title="Vivobook 15 laptop", features=["Backlit keyboard, fingerprint reader"]),
               Product(id="l2", title="IdeaPad 3 laptop")]
    assert asked_feature("is there a backlit keyboard?") == "backlit keyboard"
    assert part_of_shown(asked_feature("is there a backlit keyboard?"), laptops)
    assert not part_of_shown(asked_feature("is there a wireless mouse?"), laptops)
    assert not part_of_shown(asked_feature("is there one with a backlit keyboard?"), laptops)  # another product


def test_a_bare_question_after_one_product_was_discussed_is_about_that_one(assistant):
    assistant.turn("bare-focus", "phones on verizon")
    assistant.turn("bare-focus", "tell me about the second one")
    r = assistant.turn("bare-focus", "waterproof?")
    assert r.answer.startswith("#2 ") and VERDICT.search(r.answer.splitlines()[0]), r.answer


@pytest.mark.parametrize("text", ["is there a cheaper one?", "is there one with 5g?", "any in black?"])
def test_asking_whether_other_products_exist_still_searches(assistant, text):
    first = assistant.turn(f"other{text}", "phones on verizon")
    r = assistant.turn(f"other{text}", text)
    assert not r.answer.startswith("Of the ") and not VERDICT.search(r.answer.splitlines()[0]), r.answer
    assert r.filters != first.filters or r.topic != first.topic


def test_a_bare_question_with_nothing_shown_is_a_search(assistant):
    r = assistant.turn("bare-first", "is there a headphone jack?")
    assert not r.answer.startswith("Of the ") and r.shown  # a search for phones that mention one


@pytest.mark.parametrize("turns, pos", [
    (["i'll take the second one"], 2), (["add the first one to my cart"], 1),
    (["tell me about the third one", "ok i'll take it"], 3), (["compare the first two", "i'll take the cheaper one"], None),
])
def test_choosing_a_product_says_how_to_buy_it_and_keeps_the_search(assistant, turns, pos):
    """The chat places no order: the shopper is told where to buy the product chosen, with its details."""
    cid = f"buy{turns}"
    first = assistant.turn(cid, "phones on verizon")
    for text in turns:
        r = assistant.turn(cid, text)
    head, *rest = r.answer.splitlines()
    assert head.startswith("Good choice. I can't place orders") and "open its page" in head, r.answer
    if pos is not None:
        assert f"to buy #{pos} " in head and rest[0].startswith(f"#{pos} ")
    assert r.filters == first.filters and r.matched == first.matched  # nothing searched


@pytest.mark.parametrize("text, kind", [("i'll take a cheaper one", "search"), ("which one should i buy?", "details"),
                                        ("i want to buy a samsung phone", "search")])
def test_buying_words_without_a_shown_product_are_no_choice(text, kind):
    intent = classify(text)
    assert intent.kind == kind and not intent.buy


@pytest.mark.parametrize("text, model", [("does the galaxy a54 have 5g?", "galaxy a54"), ("is the a14 any good?", "a14"),
                                         ("does the iphone 13 pro have magsafe?", "iphone 13 pro")])
def test_a_question_naming_a_shown_product_by_its_model_is_about_it(text, model):
    intent = classify(text)
    assert intent.kind == "details" and intent.describe == model and intent.question == text


def test_the_agent_answers_a_question_about_a_model_on_screen_and_an_opinion_with_the_rating(assistant):
    first = assistant.turn("model-q", "samsung phones under 300")
    shown = [assistant.engine.product(i) for i in first.shown]
    pos, p = next((i, p) for i, p in enumerate(shown, 1) if "a54" in p.title.lower())
    r = assistant.turn("model-q", "does the galaxy a54 have 5g?")
    assert r.answer.startswith(f"#{pos} ") and ": yes." in r.answer.splitlines()[0], r.answer
    r = assistant.turn("model-q", "is the galaxy a54 any good?")
    assert f'the listing says "{p.average_rating:g} stars from {p.rating_number:,} ratings"' in r.answer.splitlines()[0]
    assert r.filters == first.filters
    r = assistant.turn("model-q", "does the galaxy s99 have 5g?")  # not on screen: says so, offers the filter
    assert r.answer.startswith("None of the ") and '"galaxy s99"' in r.answer


def test_the_agent_answers_about_the_cheaper_one(assistant):
    assistant.turn("pick", "phones on verizon")
    r = assistant.turn("pick", "is the cheaper one unlocked?")
    assert "cheaper" in r.answer.splitlines()[0].lower() and VERDICT.search(r.answer)


def test_a_screen_guard_for_a_shown_phone_searches_its_screen_protectors(assistant):
    first = assistant.turn("guard", "samsung phones")
    assert first.filters.brand == ["Samsung"]
    r = assistant.turn("guard", "a screen guard for the first one")
    assert r.filters.subcategory == "Cell Phone Accessories" and not r.filters.brand  # the brand was the phone's
    assert "dropped" in r.answer.lower() or "names the" in r.answer
    assert "- price:" not in r.answer  # not the details of the phone


@pytest.mark.parametrize("text, ref", [("a case for the samsung one", "samsung"),
                                       ("tempered glass for the xiaomi one", "xiaomi"),
                                       ("any chargers that fit the black one?", "black")])
def test_accessories_for_a_shown_product_named_by_what_it_is(text, ref):
    intent = classify(text)
    assert intent.kind == "accessory_for" and intent.ref == ref


def test_the_agent_finds_cases_for_the_product_named_by_its_brand(assistant):
    assistant.turn("brand", "phones on verizon")
    r = assistant.turn("brand", "a case for the samsung one")
    assert r.filters.subcategory == "Cell Phone Accessories" and not r.filters.carrier
    assert r.answer.startswith("Cases for #1 Samsung")


@pytest.mark.parametrize("module", ["agent.references", "agent.intents", "agent.verdict_answers", "tools.questions",
                                    "tools.fits", "tools.shown_question"])
def test_docstring_examples(module):
    import doctest  # lazy: only this test reads docstrings
    import importlib  # lazy: only this test imports by name

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed


def test_after_a_question_about_all_it_still_means_one_product(assistant):
    assistant.turn("it", "phones on verizon")
    assistant.turn("it", "tell me about the second one")
    assistant.turn("it", "do any of these have a headphone jack?")
    r = assistant.turn("it", "is it unlocked?")
    assert r.answer.startswith("#2 ") and "\n#1 " not in r.answer


def test_an_accessory_for_it_while_accessories_are_shown_is_for_the_phone(assistant):
    assistant.turn("chain", "samsung phones")
    first = assistant.turn("chain", "a case for the first one")
    assert first.answer.startswith("Cases for #1 Samsung Galaxy A03s")
    r = assistant.turn("chain", "tempered glass for it")  # "it" is the phone, not the case on screen
    assert "Galaxy A03s" in r.answer.splitlines()[0] and "Case" not in r.answer.splitlines()[0]


def test_a_follow_up_naming_another_product_asks_the_same_question(assistant):
    assistant.turn("follow", "phones on verizon")
    assistant.turn("follow", "any idea if the second one is waterproof?")
    r = assistant.turn("follow", "and the third one?")
    assert r.answer.startswith("#3 ") and VERDICT.search(r.answer.splitlines()[0])
    r = assistant.turn("follow", "what about #1?")  # still the same question, two follow-ups on
    assert r.answer.startswith("#1 ") and VERDICT.search(r.answer.splitlines()[0])
    r = assistant.turn("follow", "the last one")  # no follow-up word: the details, as before
    assert r.answer.startswith("#5 ") and not VERDICT.search(r.answer.splitlines()[0])
    r = assistant.turn("follow", "and the second one?")  # the chain was broken by a plain details request
    assert not VERDICT.search(r.answer.splitlines()[0])


def test_the_cheapest_one_is_picked_among_all_shown_the_cheaper_one_among_two(assistant):
    first = assistant.turn("cheapest", "phones on verizon")
    r = assistant.turn("cheapest", "is the most expensive one unlocked?")
    assert classify("is the most expensive one unlocked?").all_shown
    head = r.answer.splitlines()[0]
    assert "Of the" not in head and VERDICT.search(r.answer)
    prices = {p.id: p.price for p in (assistant.engine.product(i) for i in first.shown)}
    priciest = max(prices, key=lambda i: prices[i] or 0)
    assert r.answer.splitlines()[1].startswith(f"#{first.shown.index(priciest) + 1} ")
    assert not classify("is the pricier one unlocked?").all_shown
