"""One choice of extractor (sift/extractor_choice.py) for `sift extract`, `sift chat` and the app, said with its reason.

The trained-looking model here is a real (untrained, 2-layer) T5 saved with its tokenizer, so "the model is
picked" means `Seq2SeqExtractor.load` really loaded it; its `eval_extraction.json` says whether it beat the rules.
"""

from __future__ import annotations

import json

import pytest

from extraction.rules import RuleExtractor
from extraction.seq2seq import Seq2SeqExtractor
from extraction.shadow import Shadowed
from sift import wiring
from sift.cli import main
from sift.extractor_choice import decide
from sift.settings import Settings
from tests.fakes import tiny_seq2seq_tokenizer
from training.train_extractor import TrainExtractorConfig, build_model

LOSES = (0.39, 0.93)  # (model, rules) exact match on held-out phrasings
WINS = (0.97, 0.93)


def _write_report(folder, scores) -> None:
    model_em, rules_em = scores
    report = {"single_turn": {"seq2seq": {"exact_match": model_em}, "rules": {"exact_match": rules_em}}}
    (folder / "eval_extraction.json").write_text(json.dumps(report))


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    """A model folder as `sift train extractor` leaves it (config, weights, tokenizer), without an evaluation."""
    folder = tmp_path_factory.mktemp("trained") / "extractor"
    tokenizer = tiny_seq2seq_tokenizer(120)
    cfg = TrainExtractorConfig.quick(str(folder), d_model=16, d_ff=32, num_layers=1, num_decoder_layers=1,
                                     num_heads=2, d_kv=8)
    build_model(cfg, tokenizer).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def models_dir(saved_model, tmp_path, monkeypatch):
    """`SIFT_MODELS_DIR` holding a copy of the saved model as `extractor/`; the other settings isolated."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(saved_model, models / "extractor")
    for key in ("SIFT_EXTRACTOR", "SIFT_CATALOG", "SIFT_LLM", "SIFT_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SIFT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SIFT_MODELS_DIR", str(models))
    return models


def _extract(capsys, text="cheap samsung phone"):
    assert main(["extract", text, "--json"]) == 0
    cap = capsys.readouterr()
    return json.loads(cap.out), cap.err


def _chat(capsys, tmp_path, demo_engine, monkeypatch):
    monkeypatch.setattr(wiring, "build_engine", lambda *a, **kw: demo_engine)  # no MiniLM index in a unit test
    script = tmp_path / "turns.json"
    script.write_text(json.dumps(["cheap samsung phone"]))
    assert main(["chat", "--script", str(script), "--json"]) == 0
    cap = capsys.readouterr()
    return json.loads(cap.out.splitlines()[0]), cap.err


# ---------------------------------------------------------------------------------------------- the decision
def test_decision_and_reason_for_each_setting(tmp_path):
    folder = tmp_path / "extractor"
    settings = Settings(models_dir=tmp_path)
    d = decide(settings)
    assert (d.kind, d.reason) == ("rules", f"no trained model at {folder}")
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    d = decide(settings)
    assert d.kind == "rules" and "no eval_extraction.json" in d.reason
    assert f"sift eval extraction --model {folder} --out {folder / 'eval_extraction.json'}" in d.reason
    (folder / "eval_extraction.json").write_text("{not json")
    assert decide(settings).kind == "rules" and "unreadable" in decide(settings).reason
    _write_report(folder, LOSES)
    d = decide(settings)
    assert d.kind == "rules" and d.model is None
    assert d.reason.startswith(f"trained model at {folder} scored 0.39 exact match vs rules 0.93 on held-out "
                               f"phrasings; using rules")
    _write_report(folder, WINS)
    assert decide(settings) == decide(settings, None)
    assert (decide(settings).kind, decide(settings).model) == ("seq2seq", str(folder))
    # Forcing beats the evaluation, and says so.
    _write_report(folder, LOSES)
    assert decide(settings, "my/model").line() == "extractor: seq2seq my/model (forced by --model)"
    assert decide(Settings(models_dir=tmp_path, extractor="seq2seq")).model == str(folder)
    assert decide(Settings(extractor="rules")).line() == "extractor: rules (forced by SIFT_EXTRACTOR=rules)"
    assert decide(Settings(extractor="llm", llm="openai:x")).kind == "llm"
    assert decide(Settings(extractor="/m/x")).reason == "forced by SIFT_EXTRACTOR=/m/x"


# ---------------------------------------------------------------------------------------------- the entry points
def test_a_model_that_lost_to_the_rules_is_not_used_anywhere(models_dir, tmp_path, demo_engine, monkeypatch,
                                                              capsys):
    """After `sift train extractor` and an evaluation the model lost: extract, chat and the app keep the rules."""
    _write_report(models_dir / "extractor", LOSES)
    why = f"trained model at {models_dir / 'extractor'} scored 0.39 exact match vs rules 0.93 on held-out phrasings"

    row, err = _extract(capsys)
    assert f"extractor: rules ({why}; using rules" in err
    assert row["filters"]["price_max"] == "low" and row["filters"]["brand"] == ["Samsung"]

    turn, err = _chat(capsys, tmp_path, demo_engine, monkeypatch)
    assert f"extractor: rules ({why}; using rules" in err
    assert turn["filters"]["price_max"] == "low" and turn["filters"]["brand"] == ["Samsung"]

    assistant, choice = wiring.build_assistant(Settings(), demo_engine, None)  # what app.py calls at start
    assert choice.kind == "rules" and why in choice.line()
    assert isinstance(assistant.extractor, RuleExtractor)


def test_a_model_that_beat_the_rules_is_used_everywhere(models_dir, tmp_path, demo_engine, monkeypatch, capsys):
    _write_report(models_dir / "extractor", WINS)
    line = (f"extractor: seq2seq {models_dir / 'extractor'} (trained model at {models_dir / 'extractor'} scored "
            f"0.97 exact match vs rules 0.93 on held-out phrasings)")

    _, err = _extract(capsys)
    assert line in err
    _, err = _chat(capsys, tmp_path, demo_engine, monkeypatch)
    assert line in err
    assistant, choice = wiring.build_assistant(Settings(), demo_engine, None)
    assert choice.line() == line and isinstance(assistant.extractor, Shadowed)
    # the model serves; the grammar reads beside it, for the disagreement log (extraction.shadow)
    assert isinstance(assistant.extractor.primary, Seq2SeqExtractor)
    assert isinstance(assistant.extractor.shadow, RuleExtractor)


def test_an_unevaluated_model_keeps_the_rules_and_says_how_to_evaluate_it(models_dir, capsys):
    row, err = _extract(capsys)
    folder = models_dir / "extractor"
    assert "extractor: rules (no eval_extraction.json next to the trained model" in err
    assert f"`sift eval extraction --model {folder} --out {folder / 'eval_extraction.json'}`" in err
    assert row["filters"]["price_max"] == "low"


def test_forcing_the_model_is_reported(models_dir, monkeypatch, capsys):
    _write_report(models_dir / "extractor", LOSES)
    monkeypatch.setenv("SIFT_EXTRACTOR", str(models_dir / "extractor"))
    _, err = _extract(capsys)
    assert f"extractor: seq2seq {models_dir / 'extractor'} (forced by SIFT_EXTRACTOR=" in err


def test_bad_choices_are_messages_not_tracebacks(models_dir, monkeypatch, capsys):
    monkeypatch.setenv("SIFT_EXTRACTOR", "llm")
    assert main(["extract", "cheap phone"]) == 2
    assert "SIFT_EXTRACTOR=llm needs SIFT_LLM" in capsys.readouterr().err
    monkeypatch.setenv("SIFT_EXTRACTOR", str(models_dir / "missing"))
    assert main(["extract", "cheap phone"]) == 2
    assert "could not load a seq2seq extractor" in capsys.readouterr().err
