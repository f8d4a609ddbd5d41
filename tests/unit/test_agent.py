"""The agent facade (agent/assistant.py, builder.py): state across turns, persistence, history trimming."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.assistant import Assistant
from agent.builder import TrimHistory
from evals.conversation_eval import open_demo_engine, rule_extractor, violations
from retrieval.filters import PHONES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("agent")


@pytest.fixture(scope="module")
def engine(workdir):
    return open_demo_engine(workdir)


@pytest.fixture(scope="module")
def assistant(engine):
    return Assistant(engine, rule_extractor(engine))


def test_state_carries_across_turns_and_shown_products_fit(assistant, engine):
    r1 = assistant.turn("t1", "a cheap samsung phone with lots of reviews")
    assert r1.filters.active() == {"price_max": "low", "review_count_min": "high", "subcategory": PHONES,
                                   "brand": ["Samsung"]}
    assert r1.matched == engine.table.count(r1.filters) and r1.shown
    r2 = assistant.turn("t1", "what about pixel instead?")
    assert r2.filters.brand == ["Google"] and r2.filters.price_max == "low"
    for r in (r1, r2):
        assert violations(engine, r.filters, r.shown) == []
        assert [c["id"] for c in r.cards] == r.shown
    assert "Google" in r2.chips and r2.latency_ms > 0 and r2.answer


def test_conversations_are_isolated(assistant):
    assistant.turn("iso-a", "samsung phone")
    r = assistant.turn("iso-b", "only black ones")
    assert r.filters.active() == {"color": ["black"]}


def test_show_more_and_references(assistant, engine):
    r1 = assistant.turn("t2", "samsung phones")
    r2 = assistant.turn("t2", "show more")
    assert r2.filters == r1.filters and r2.shown and not set(r2.shown) & set(r1.shown)
    r3 = assistant.turn("t2", "tell me about the second one")
    assert r3.shown == [r2.shown[1]]  # positions refer to the latest list
    r4 = assistant.turn("t2", "compare the first two")
    assert r4.shown == r2.shown[:2] and "Comparing 2 products" in r4.answer
    r5 = assistant.turn("t2", "the cheaper of those two")
    cheaper = min((engine.product(i) for i in r2.shown[:2]), key=lambda p: (p.price is None, p.price or 0))
    assert r5.shown == [cheaper.id]


def test_zero_results_explain_and_offer_relaxations(assistant, engine):
    r = assistant.turn("t3", "black samsung phone under 20 dollars")
    assert r.matched == 0 and r.shown == []
    assert r.relaxations and all(o["count"] > 0 for o in r.relaxations)
    assert "No products match" in r.answer and f"({r.relaxations[0]['count']})" in r.answer


def test_vague_first_request_gets_one_question(assistant):
    r = assistant.turn("t4", "i want to buy something")
    assert r.clarifying and "?" in r.answer and "Phones or accessories" in r.answer
    r2 = assistant.turn("t4", "phones under 300")
    assert not r2.clarifying and r2.filters.subcategory == PHONES


def test_restart_keeps_the_conversation(engine, workdir):
    db = workdir / "conversations.sqlite"
    first = Assistant(engine, rule_extractor(engine), checkpointer_path=db)
    first.turn("persist", "samsung phone under 500")
    del first
    second = Assistant(engine, rule_extractor(engine), checkpointer_path=db)
    assert second.filters("persist").brand == ["Samsung"]
    r = second.turn("persist", "only black ones")
    assert r.filters.active() == {"price_max": 500.0, "subcategory": PHONES, "brand": ["Samsung"],
                                  "color": ["black"]}


@pytest.mark.slow
def test_restart_in_a_new_process(engine, workdir):
    """A second Python process opens the same SQLite file and continues the conversation."""
    db = workdir / "process.sqlite"
    Assistant(engine, rule_extractor(engine), checkpointer_path=db).turn("proc", "google phone")
    code = ("import json,sys; from evals.conversation_eval import open_demo_engine, rule_extractor; "
            "from agent.assistant import Assistant; e=open_demo_engine(sys.argv[1]); "
            "a=Assistant(e, rule_extractor(e), checkpointer_path=sys.argv[2]); "
            "print(json.dumps(a.turn('proc', 'under 400').filters.active()))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, str(workdir), str(db)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"price_max": 400.0, "subcategory": PHONES,
                                                               "brand": ["Google"]}


def test_history_is_trimmed_but_state_is_not(engine):
    a = Assistant(engine, rule_extractor(engine), keep_turns=2)
    for text in ("samsung phone", "under 600", "only black ones", "show more"):
        a.turn("trim", text)
    state = a.state("trim")
    humans = [m for m in state["messages"] if m.type == "human"]
    assert [m.content for m in humans] == ["only black ones", "show more"]
    assert state["filters"] == {"price_max": 600.0, "subcategory": PHONES, "brand": ["Samsung"],
                                "color": ["black"]}
    assert TrimHistory(keep_turns=5).before_agent({"messages": state["messages"]}, None) is None


def test_aturn_runs_in_a_thread(assistant):
    r = asyncio.run(assistant.aturn("async", "anker charger"))
    assert r.filters.brand == ["Anker"] and r.shown
    assert set(r.to_json()) == {"filters", "matched", "shown", "answer", "cards", "chips", "latency_ms",
                                "clarifying", "relaxations", "summary"}


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "a" * 5000, "$$$ under -5 bucks??", "\x00\x1b[31m", "None"])
def test_odd_input_never_crashes(assistant, engine, text):
    r = assistant.turn("odd", text)
    assert r.answer.strip() and violations(engine, r.filters, r.shown) == []


def test_a_failing_model_leaves_the_state_and_says_what_to_do(engine):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Down(FakeListChatModel):
        def bind_tools(self, tools, **kwargs):
            return self

        def _call(self, *args, **kwargs):
            raise ConnectionError("connection refused")

    a = Assistant(engine, rule_extractor(engine), chat_model=Down(responses=["x"]))
    r = a.turn("down", "samsung phone")
    assert "SIFT_LLM" in r.answer and "ConnectionError" in r.answer
    assert r.filters.is_empty() and not a.state("down").get("filters")


def test_start_over_reports_the_whole_catalog_as_matching(assistant, engine):
    assistant.turn("reset-count", "a black samsung phone under 300")
    r = assistant.turn("reset-count", "start over")
    assert r.filters.is_empty() and r.matched == engine.size and r.shown == []
