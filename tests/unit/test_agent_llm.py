"""The LLM path: the same graph and tools driven by a chat model that emits tool calls (scripted here)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from agent.assistant import Assistant
from agent.llm import LLMConfigError, make_chat_model
from agent.policy import OfflinePolicy
from evals.conversation_eval import open_demo_engine, rule_extractor, violations
from retrieval.filters import PHONES
from tests.fakes import scripted_chat_model


def call(name: str, args: dict[str, Any], i: int) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call_{i}", "type": "tool_call"}])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return open_demo_engine(tmp_path_factory.mktemp("llm"))


def test_llm_tool_calls_update_state_and_results_come_back(engine):
    model = scripted_chat_model([
        call("extract_filters", {"utterance": "a samsung phone under 500"}, 1),
        call("search_products", {"query": "phone with good camera"}, 2),
        AIMessage("Here are Samsung phones under $500."),
        call("product_details", {"positions": [1, 2]}, 3),
        AIMessage("The first is cheaper."),
    ], seen=[])
    a = Assistant(engine, rule_extractor(engine), chat_model=model)
    r = a.turn("llm", "a samsung phone under 500")
    assert set(model.bound) == {"extract_filters", "search_products", "product_details"}
    assert r.filters.active() == {"price_max": 500.0, "subcategory": PHONES, "brand": ["Samsung"]}
    assert r.answer == "Here are Samsung phones under $500." and r.shown
    assert violations(engine, r.filters, r.shown) == []
    # The system prompt comes from prompts/, and the model saw the tools' JSON results.
    assert "You are Sift" in model.seen[0][0].content
    results = [m for m in model.seen[2] if isinstance(m, ToolMessage)]
    assert [m.name for m in results] == ["extract_filters", "search_products"]
    payload = json.loads(results[1].content)
    assert payload["matched"] == r.matched and payload["query"] == "phone with good camera"
    r2 = a.turn("llm", "compare the first two")
    assert r2.shown == r.shown[:2] and r2.answer == "The first is cheaper."
    assert a.state("llm")["topic"] == "phone with good camera"


def test_llm_clarifying_is_detected_from_the_broad_flag(engine):
    model = scripted_chat_model([
        call("extract_filters", {"utterance": "something"}, 1),
        call("search_products", {}, 2),
        AIMessage("Phones or accessories?"),
    ], seen=[])
    r = Assistant(engine, rule_extractor(engine), chat_model=model).turn("c", "something")
    assert r.clarifying


def test_bad_tool_arguments_become_an_error_message_not_a_crash(engine):
    model = scripted_chat_model([
        call("product_details", {"positions": "second"}, 1),
        AIMessage("Sorry, which one?"),
    ], seen=[])
    r = Assistant(engine, rule_extractor(engine), chat_model=model).turn("bad", "the second")
    assert r.answer == "Sorry, which one?" and r.shown == []
    err = [m for m in model.seen[1] if isinstance(m, ToolMessage)][0]
    assert err.status == "error"


def test_make_chat_model():
    assert isinstance(make_chat_model(None), OfflinePolicy)
    assert isinstance(make_chat_model("offline"), OfflinePolicy)
    m = scripted_chat_model([])
    assert make_chat_model(m) is m
    try:
        import langchain_openai  # noqa: F401
    except ImportError:
        with pytest.raises(LLMConfigError, match="pip install langchain-openai"):
            make_chat_model("openai:gpt-4o-mini")
