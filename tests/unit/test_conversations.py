"""The committed scripted conversations (tests/data/conversations/*.jsonl) through the offline agent.

After every turn: the full filter state equals the expected active filters, every shown product
satisfies every active constraint, and the per-turn checks hold (clarifying question, empty result
with relaxations, number of products detailed). Turns marked `known_miss` record a gap of the rule
extractor; their conversations are strict xfails, so a fix shows up as an XPASS to unmark.
"""

from __future__ import annotations

import pytest

from agent.assistant import Assistant
from evals.conversation_eval import (
    DEFAULT_DATA,
    evaluate_assistant,
    evaluate_single_turn,
    load_conversations,
    open_demo_engine,
    rule_extractor,
    state_matches,
    violations,
)

CONVERSATIONS = load_conversations(DEFAULT_DATA)


def _param(conv):
    misses = [t["known_miss"] for t in conv["turns"] if t.get("known_miss")]
    marks = [pytest.mark.xfail(strict=True, reason="; ".join(misses))] if misses else []
    return pytest.param(conv, id=conv["id"], marks=marks)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return open_demo_engine(tmp_path_factory.mktemp("conversations"))


@pytest.fixture(scope="module")
def assistant(engine):
    return Assistant(engine, rule_extractor(engine))


def test_enough_realistic_conversations():
    assert len(CONVERSATIONS) >= 30
    assert len({c["id"] for c in CONVERSATIONS}) == len(CONVERSATIONS)
    users = [t["user"] for c in CONVERSATIONS for t in c["turns"]]
    for move in ("show more", "start over", "any brand", "compare the first two", "the cheaper of those two"):
        assert move in users


@pytest.mark.parametrize("conv", [_param(c) for c in CONVERSATIONS])
def test_conversation(conv, assistant, engine):
    cid = f"test-{conv['id']}"
    for i, turn in enumerate(conv["turns"], 1):
        r = assistant.turn(cid, turn["user"])
        where = f"{conv['id']} turn {i} {turn['user']!r}"
        ok, diff = state_matches(turn["expect"], r.filters.active())
        assert ok, f"{where}: fields {diff} differ; expected {turn['expect']}, got {r.filters.active()}"
        assert violations(engine, r.filters, r.shown) == [], f"{where}: shown products break a constraint"
        assert r.answer.strip(), f"{where}: empty answer"
        if "expect_clarifying" in turn:
            assert r.clarifying == turn["expect_clarifying"], f"{where}: clarifying={r.clarifying}"
        if turn.get("expect_empty"):
            assert r.matched == 0 and r.relaxations, f"{where}: expected no match with relaxation offers"
        if "expect_details" in turn:
            assert len(r.shown) == turn["expect_details"], f"{where}: detailed {r.shown}"
        if "expect_shown" in turn:
            assert len(r.shown) == turn["expect_shown"], f"{where}: shown {r.shown}"


def test_eval_report_satisfaction_is_total_and_state_beats_single_turn(engine):
    extractor = rule_extractor(engine)
    agent = evaluate_assistant(Assistant(engine, extractor), CONVERSATIONS)
    baseline = evaluate_single_turn(extractor, CONVERSATIONS)
    assert agent.satisfaction == 1.0 and agent.shown_products > 100
    assert agent.state_accuracy > baseline.state_accuracy + 0.2
    known = sum(1 for c in CONVERSATIONS for t in c["turns"] if t.get("known_miss"))
    # Every wrong turn is explained by a recorded extractor gap (a miss also carries into later turns).
    wrong = {f["conversation"] for f in agent.failures()}
    assert wrong <= {c["id"] for c in CONVERSATIONS if any(t.get("known_miss") for t in c["turns"])}
    assert known >= 1 or not wrong


def test_state_matching_rules():
    assert state_matches({"brand": ["Samsung", "Google"]}, {"brand": ["google", "samsung"]})[0]
    assert state_matches({"price_max": 300}, {"price_max": 300.0})[0]
    assert state_matches({"price_max": "*"}, {"price_max": 84.5})[0]
    assert not state_matches({"price_max": "*"}, {})[0]
    assert state_matches({}, {"color": ["black"]}) == (False, ["color"])
