"""The offline policy model (agent/policy.py, intents.py, answers.py): which tool it calls, what it says."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent import answers
from agent.intents import classify
from agent.policy import OfflinePolicy


@pytest.mark.parametrize("text,kind,positions,pick,focus", [
    ("hi", "greeting", [], None, False),
    ("hello there!", "greeting", [], None, False),
    ("what can you do?", "help", [], None, False),
    ("thanks!", "thanks", [], None, False),
    ("show more", "more", [], None, False),
    ("more pls", "more", [], None, False),
    ("what else do you have", "more", [], None, False),
    ("next", "more", [], None, False),
    ("tell me about the second one", "details", [2], None, False),
    ("2nd one pls", "details", [2], None, False),
    ("the last one", "details", [-1], None, False),
    ("compare the first two", "details", [1, 2], None, False),
    ("compare 1 and 3", "details", [1, 3], None, False),
    ("the cheaper of those two", "details", [], "cheapest", True),
    ("which of them is better rated", "details", [], "best_rated", True),
    ("what about pixel instead?", "search", [], None, False),
    ("only black ones", "search", [], None, False),
    ("more black ones", "search", [], None, False),
    ("hmm cheaper", "search", [], None, False),
    ("cheaper than the first one", "search", [], None, False),
    ("top rated samsung phones", "search", [], None, False),
    ("start over", "search", [], None, False),
    ("any brand", "search", [], None, False),
])
def test_classify(text, kind, positions, pick, focus):
    intent = classify(text)
    assert intent.kind == kind
    if kind == "details":
        assert intent.positions == positions and intent.pick == pick and intent.use_focus == focus


def tool_msg(name: str, payload: dict) -> ToolMessage:
    return ToolMessage(json.dumps(payload), tool_call_id="c1", name=name)


SEARCH = {"query": "phone", "filters": {"subcategory": "Cell Phones", "brand": ["Samsung"]},
          "chips": ["phones", "Samsung"], "matched": 12, "exhaustive": True, "page": 0, "offset": 0,
          "has_more": True, "broad": False,
          "results": [{"pos": 1, "id": "A", "title": "Samsung Galaxy A14", "price": 149.0, "rating": 4.4,
                       "reviews": 1200, "why": ["Samsung"]},
                      {"pos": 2, "id": "B", "title": "Samsung Galaxy S23", "price": 799.0, "rating": 4.7,
                       "reviews": 300, "why": ["Samsung"]}],
          "facets": {"brand": {"Samsung": 12, "Google": 7}, "color": {"black": 5}}}


def test_turn_sequence_extract_then_search_then_answer():
    policy = OfflinePolicy()
    human = HumanMessage("a samsung phone")
    first = policy.invoke([human])
    assert first.tool_calls[0]["name"] == "extract_filters"
    assert first.tool_calls[0]["args"] == {"utterance": "a samsung phone"}
    extraction = {"filters": SEARCH["filters"], "chips": SEARCH["chips"], "changed": SEARCH["filters"],
                  "removed": [], "topic": "phone", "previous_topic": "", "reset": False}
    msgs = [human, first, tool_msg("extract_filters", extraction)]
    second = policy.invoke(msgs)
    assert second.tool_calls[0]["name"] == "search_products"
    final = policy.invoke(msgs + [second, tool_msg("search_products", SEARCH)])
    assert not final.tool_calls
    text = final.content
    assert "12 products match" in text and "Samsung Galaxy A14" in text and "$149" in text
    assert "4.4 stars from 1,200 ratings" in text and "show more" in text
    assert final.response_metadata["sift_clarifying"] is False


def test_only_the_latest_turn_counts():
    """Tool results of an earlier turn must not leak into the next turn's decision."""
    policy = OfflinePolicy()
    old = [HumanMessage("samsung"), AIMessage("", tool_calls=[]), tool_msg("search_products", SEARCH),
           AIMessage("old answer")]
    nxt = policy.invoke(old + [HumanMessage("only black ones")])
    assert nxt.tool_calls[0]["name"] == "extract_filters"


@pytest.mark.parametrize("text,name,args", [
    ("show more", "search_products", {"more": True, "k": 5}),
    ("compare the first two", "product_details", {"positions": [1, 2], "use_focus": False}),
    ("the cheaper of those two", "product_details", {"positions": [], "use_focus": True, "pick": "cheapest"}),
])
def test_conversational_moves_skip_extraction(text, name, args):
    msg = OfflinePolicy().invoke([HumanMessage(text)])
    assert msg.tool_calls[0]["name"] == name and msg.tool_calls[0]["args"] == args


def test_greeting_and_reset_need_no_search():
    assert not OfflinePolicy().invoke([HumanMessage("hey")]).tool_calls
    reset = {"filters": {}, "chips": [], "changed": {}, "removed": ["brand"], "topic": "", "reset": True}
    msg = OfflinePolicy().invoke([HumanMessage("start over"), AIMessage(""), tool_msg("extract_filters", reset)])
    assert not msg.tool_calls and "starting over" in msg.content.lower()


def test_bind_tools_requires_the_three_tools():
    with pytest.raises(ValueError, match="extract_filters"):
        OfflinePolicy().bind_tools([])


def test_clarifying_question_lists_options_with_counts():
    broad = dict(SEARCH, filters={}, chips=[], query="something", matched=400, broad=True,
                 facets={"subcategory": {"Cell Phone Accessories": 252, "Cell Phones": 148},
                         "price": {"under $25": 148, "$25-$50": 47}})
    text, clarifying = answers.render_search(broad, None)
    assert clarifying
    assert "Phones or accessories?" in text and "phones (148)" in text and "under $25 (148)" in text


def test_empty_answer_names_the_blocker_and_counted_offers():
    empty = dict(SEARCH, matched=0, results=[], has_more=False,
                 filters={"price_max": 20.0, "brand": ["Samsung"]}, chips=["under $20", "Samsung"],
                 blockers=[{"field": "price_max", "label": "under $20", "count_without": 30}],
                 relaxations=[{"field": "price_max", "kind": "loosen", "label": "under $85", "count": 1,
                               "filters": {}},
                              {"field": "brand", "kind": "swap", "label": "Google instead of Samsung", "count": 3,
                               "filters": {}}])
    text, _ = answers.render_search(empty, None)
    assert "No products match all of: under $20 and Samsung" in text
    assert "under $20 is what empties it (30 without it)" in text
    assert "under $85 (1)" in text and "Google instead of Samsung (3)" in text


def test_details_answer_compares_and_never_presents_stale_products():
    payload = {"products": [{"pos": 1, "id": "A", "title": "Phone A", "price": 100.0, "rating": 4.0},
                            {"pos": 2, "id": "B", "title": "Phone B", "price": 200.0, "rating": 4.8}],
               "comparison": {"cheapest": "A", "best_rated": "B"}, "shown_count": 5}
    text = answers.render_details(payload)
    assert "Cheaper: #1 Phone A" in text and "Better rated: #2 Phone B" in text
    stale = {"products": [], "no_longer_match": [{"pos": 1, "title": "Phone A", "fails": ["under $50"]}],
             "shown_count": 5}
    assert "no longer matches what you asked for (under $50)" in answers.render_details(stale)
    assert "no number 9" in answers.render_details({"products": [], "missing_positions": [9], "shown_count": 5})


def test_an_answer_says_first_what_the_shop_does_not_carry():
    """ "iphone 13 case" in a phones-only shop: the answer says there are no cases before the nearest words."""
    policy = OfflinePolicy()
    human = HumanMessage("iphone 13 case")
    extraction = {"filters": {}, "chips": [], "changed": {}, "removed": [], "topic": "iphone 13 case",
                  "previous_topic": "", "reset": False, "not_carried": "cell phone accessories"}
    msgs = [human, policy.invoke([human]), tool_msg("extract_filters", extraction)]
    final = policy.invoke(msgs + [policy.invoke(msgs), tool_msg("search_products", SEARCH)])
    assert final.content.splitlines()[0] == ("This shop has no cell phone accessories, so these are the products "
                                             "closest to your words.")
