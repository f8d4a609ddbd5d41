""""undo" / "go back": a history of constraint states; each undo steps one back, "show more" is no change."""

from __future__ import annotations

import pytest

from agent.assistant import Assistant
from evals.conversation_eval import open_demo_engine, rule_extractor
from tools.catalog_tools import is_undo


@pytest.mark.parametrize("text", ["undo", "undo that", "go back", "ok, go back to the previous results",
                                  "revert", "take that back", "back to the previous search", "Undo the last change!"])
def test_undo_phrasings(text):
    assert is_undo(text)


@pytest.mark.parametrize("text", ["go back to new only", "go back to black", "undo the color filter and show red",
                                  "back cover for iphone", "i'd like to revert to my old phone brand, samsung"])
def test_not_undo(text):
    assert not is_undo(text)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    engine = open_demo_engine(tmp_path_factory.mktemp("undo"))
    return Assistant(engine, rule_extractor(engine))


def test_undo_is_a_history_each_undo_steps_one_back(assistant):
    assert "nothing to undo" in assistant.turn("u", "undo").answer.lower()
    first = assistant.turn("u", "samsung phones under 500")
    second = assistant.turn("u", "only black ones")
    assert second.filters.color == ["black"]
    assistant.turn("u", "is the first one unlocked?")  # no change: undo still means the black filter
    third = assistant.turn("u", "rated at least 4 stars")
    assert third.filters.average_rating_min == 4
    r = assistant.turn("u", "undo")
    assert r.filters == second.filters and "undid the last change" in r.answer
    r = assistant.turn("u", "go back")
    assert r.filters == first.filters and r.matched == first.matched
    assert assistant.turn("u", "undo").filters.is_empty()
    assert "nothing to undo" in assistant.turn("u", "undo").answer.lower()


def test_undo_after_show_more_keeps_the_constraints_and_returns_to_the_first_page(assistant):
    first = assistant.turn("m", "a phone")
    assistant.turn("m", "samsung phones under 500")
    page1 = assistant.turn("m", "any price")
    assert page1.matched > len(page1.shown)
    page2 = assistant.turn("m", "show more")
    assert page2.filters == page1.filters and set(page2.shown).isdisjoint(page1.shown)
    back = assistant.turn("m", "undo")
    assert back.filters == page1.filters  # never wiped, never the filters before "any price"
    assert back.shown == page1.shown
    assert assistant.turn("m", "undo").filters.price_max is not None
    assert first.filters != page1.filters


def test_undo_after_start_over_brings_everything_back(assistant):
    before = assistant.turn("u2", "google phones in white")
    assert assistant.turn("u2", "start over").filters.is_empty()
    assert assistant.turn("u2", "go back").filters == before.filters
