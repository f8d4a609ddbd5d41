"""The rule grammar as data: per dimension, examples and negative examples in tests/data/grammar/*.toml.

Like duckling's corpus files, each dimension lists utterances (with the state before them, when a turn
refines one) and what that dimension's fields are afterwards, plus negative examples: utterances that
must leave the dimension's fields as they were. Only the dimension's own fields are compared, so a corpus
row does not break when another dimension reads more of the same utterance.

Keys: `fields` is a list of `Filters` fields, or "all" (every field), "moves" (the relative moves of the
update), "topic" (the semantic query left over), "soft" (the fields said as preferences; an example may
also `expect` the state) or "off_topic" (a message with no shopping content: its kind, and the state left
as it was).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from extraction.rules import parse_update
from retrieval.filters import Filters

CORPUS = Path(__file__).resolve().parents[1] / "data" / "grammar"
FILES = sorted(CORPUS.glob("*.toml"))


def _load() -> list[tuple[str, str, dict, dict]]:
    cases = []
    for path in FILES:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(data) <= {"dimension", "fields", "example", "negative"}, f"{path.name}: unknown keys"
        spec = {"dimension": data["dimension"], "fields": data["fields"]}
        for kind in ("example", "negative"):
            for i, case in enumerate(data.get(kind, [])):
                cases.append((f"{path.stem}:{kind}{i}:{case['text']}", kind, spec, case))
    return cases


CASES = _load()


def _fields(spec: dict) -> list[str]:
    return list(Filters.model_fields) if spec["fields"] == "all" else list(spec["fields"])


def test_every_dimension_has_examples_or_negatives():
    dims = {spec["dimension"] for _, _, spec, _ in CASES}
    assert {"quantities", "levels", "storage", "brands", "colors", "carriers", "conditions", "subcategories",
            "removals", "moves", "questions", "topic", "color exclusions", "preferences", "no shopping content",
            "spanish"} <= dims


@pytest.mark.parametrize("case_id, kind, spec, case", CASES, ids=[c[0] for c in CASES])
def test_grammar_corpus(ex, case_id, kind, spec, case):
    state = Filters(**case.get("state", {}))
    text = case["text"]
    if spec["fields"] == "moves":
        moves = parse_update(text, ex.vocab, state)[0].moves
        assert moves == (case["moves"] if kind == "example" else []), (text, moves)
        return
    result = ex.extract(text, state)
    if spec["fields"] == "topic":
        assert (result.topic or "") == case.get("topic", ""), (text, result.topic)
        return
    if spec["fields"] == "soft":
        assert sorted(result.soft) == sorted(case.get("soft", [])), (text, result.soft)
        if "expect" in case:
            assert result.filters.active() == case["expect"], (text, result.filters.active())
        return
    if spec["fields"] == "off_topic":
        assert result.off_topic == case.get("off_topic"), (text, result.off_topic)
        if kind == "example":
            assert result.filters == state and not result.topic, (text, result.filters.active(), result.topic)
        return
    got = {f: v for f, v in result.filters.active().items() if f in _fields(spec)}
    if kind == "example":
        assert got == case["expect"], (text, got)
    else:
        before = {f: v for f, v in state.active().items() if f in _fields(spec)}
        assert got == before, (text, got)
