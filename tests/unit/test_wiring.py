"""The shell picks the extractor named by settings; `auto` only trusts a model that beat the rules."""

import json

from extraction.rules import RuleExtractor
from sift import wiring
from sift.settings import Settings


def _fake_model(folder, seq2seq_em, rules_em=0.7):
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    report = {"single_turn": {"seq2seq": {"exact_match": seq2seq_em}, "rules": {"exact_match": rules_em}}}
    (folder / "eval_extraction.json").write_text(json.dumps(report))


def test_auto_uses_rules_without_a_model_or_with_a_worse_one(tmp_path, demo_engine, monkeypatch):
    settings = Settings(models_dir=tmp_path / "models")
    assert isinstance(wiring.choose_for_engine(settings, demo_engine).extractor, RuleExtractor)
    _fake_model(tmp_path / "models" / "extractor", seq2seq_em=0.3)
    assert isinstance(wiring.choose_for_engine(settings, demo_engine).extractor, RuleExtractor)


def test_auto_uses_a_model_that_beat_the_rules(tmp_path, demo_engine, monkeypatch):
    _fake_model(tmp_path / "models" / "extractor", seq2seq_em=0.97)
    loaded = []
    monkeypatch.setattr("extraction.seq2seq.Seq2SeqExtractor.load",
                        classmethod(lambda cls, path, vocab=None, **kw: loaded.append(path) or "model"))
    served = wiring.choose_for_engine(Settings(models_dir=tmp_path / "models"), demo_engine).extractor
    assert served.primary == "model" and isinstance(served.shadow, RuleExtractor)  # the grammar reads beside it
    assert loaded == [str(tmp_path / "models" / "extractor")]


def test_explicit_rules_and_llm_without_model(tmp_path, demo_engine):
    assert isinstance(wiring.choose_for_engine(Settings(extractor="rules"), demo_engine).extractor, RuleExtractor)
    try:
        wiring.choose_for_engine(Settings(extractor="llm", llm=None), demo_engine)
    except ValueError as exc:
        assert "SIFT_LLM" in str(exc)
    else:
        raise AssertionError("llm extractor without SIFT_LLM must be a clear error")
