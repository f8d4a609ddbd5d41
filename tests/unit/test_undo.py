""""undo" / "go back": the constraints before the last change come back (said again, the change is redone)."""

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


def test_undo_restores_the_previous_constraints_and_a_second_undo_redoes(assistant):
    assert "nothing to undo" in assistant.turn("u", "undo").answer.lower()
    first = assistant.turn("u", "samsung phones under 500")
    second = assistant.turn("u", "only black ones")
    assert second.filters.color == ["black"]
    r = assistant.turn("u", "undo")
    assert r.filters == first.filters and r.matched == first.matched and "undid the last change" in r.answer
    r = assistant.turn("u", "undo")
    assert r.filters == second.filters
    assistant.turn("u", "is the first one unlocked?")  # no change: undo still means the black filter
    assert assistant.turn("u", "go back").filters == first.filters


def test_undo_after_start_over_brings_everything_back(assistant):
    before = assistant.turn("u2", "google phones in white")
    assert assistant.turn("u2", "start over").filters.is_empty()
    assert assistant.turn("u2", "go back").filters == before.filters
