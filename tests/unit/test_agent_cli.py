"""`sift chat` (sift/commands/chat.py) and `sift eval conversations` (sift/commands/conversations.py) entry points."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from agent.assistant import Assistant
from evals.conversation_eval import DEFAULT_DATA, open_demo_engine, rule_extractor
from retrieval.filters import PHONES
from sift.commands.chat import JSON_FIELDS, ScriptError, interactive, load_script, register, run_script
from sift.commands.conversations import add_eval_conversations


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    engine = open_demo_engine(tmp_path_factory.mktemp("cli"))
    return Assistant(engine, rule_extractor(engine))


def test_register_adds_chat_with_its_options():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["chat", "--script", "s.json", "--json", "--catalog", "c.jsonl"])
    assert args.json and str(args.script) == "s.json" and args.func.__name__ == "cmd_chat"


def test_script_json_lines_have_exactly_the_contract_fields(assistant, tmp_path):
    script = tmp_path / "turns.json"
    script.write_text(json.dumps(["a cheap samsung phone", "only black ones", "show more"]))
    out = io.StringIO()
    assert run_script(assistant, load_script(script), as_json=True, out=out) == 0
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [tuple(x) for x in lines] == [JSON_FIELDS] * 3
    assert [x["turn"] for x in lines] == [1, 2, 3] and {x["conversation"] for x in lines} == {"turns"}
    # `filters` is the full state after the turn, not the change.
    assert lines[1]["filters"] == {"price_max": "low", "subcategory": PHONES, "brand": ["Samsung"],
                                   "color": ["black"]}
    assert lines[2]["filters"] == lines[1]["filters"]


def test_script_formats(tmp_path):
    jsonl = tmp_path / "convs.jsonl"
    jsonl.write_text('{"id": "a", "turns": ["hi", "samsung phone"]}\n{"id": "b", "turns": [{"user": "x"}]}\n')
    assert load_script(jsonl) == [{"id": "a", "turns": ["hi", "samsung phone"]}, {"id": "b", "turns": ["x"]}]
    assert len(load_script(DEFAULT_DATA / "shoppers.jsonl")) >= 30  # the test data replays as is
    bad = tmp_path / "bad.json"
    bad.write_text('{"turns": 3}')
    with pytest.raises(ScriptError, match="turns"):
        load_script(bad)
    with pytest.raises(ScriptError, match="cannot read"):
        load_script(tmp_path / "missing.json")


def test_interactive_reads_lines_until_quit(assistant):
    out = io.StringIO()
    interactive(assistant, "inter", as_json=True, stdin=io.StringIO("google phone\n\nunder 400\nquit\nignored\n"),
                out=out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["user"] for x in lines] == ["google phone", "under 400"]
    assert lines[-1]["filters"] == {"price_max": 400.0, "subcategory": PHONES, "brand": ["Google"]}


def test_eval_conversations_command(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_eval_conversations(parser.add_subparsers(dest="eval_cmd"))
    out = tmp_path / "report.json"
    args = parser.parse_args(["conversations", "--workdir", str(tmp_path / "w"), "--out", str(out)])
    assert args.func(args) == 0
    table = capsys.readouterr().out
    assert "| agent: offline policy + rules |" in table and "single-turn" in table
    report = json.loads(out.read_text())
    assert report["agent"]["constraint_satisfaction"] == 1.0 and report["agent"]["turns"] >= 60
