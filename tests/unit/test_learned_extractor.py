"""The learned extractor (extraction/learned.py): target vocabulary, a tiny encoder + decoder trained a few steps and
round-tripped through save/load/extract, the `auto` choice on the real-phrasing dev set, and the real-phrasing loader."""

import json

import pytest

from evals import real_phrasing
from extraction.serialize import parse_target
from retrieval.filters import Filters
from sift.extractor_choice import decide
from sift.settings import Settings


def test_target_vocab_round_trips_flat_targets():
    from extraction.learned import TargetVocab

    target = "price_max=n0 ; subcategory=Cell Phones ; brand=b0 , b1 ; move=cheaper"
    tv = TargetVocab.build([target])
    ids = tv.encode(target)
    assert ids[0] == tv.index["<s>"] and ids[-1] == tv.index["</s>"]
    assert parse_target(tv.decode(ids[1:]))[:2] == parse_target(target)[:2]
    assert tv.decode([tv.index["<unk>"], tv.index["n0"]]) == "n0"  # unknown words are dropped, not invented


def _tiny_encoder(folder):
    """A 1-layer, 32-wide BERT with a WordPiece vocabulary of the words the synthetic data uses (no download)."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "state", ":", "query", "none", "=", ";", ",", "$", "."]
    words += list("abcdefghijklmnopqrstuvwxyz0123456789") + [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    folder.mkdir(parents=True)
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(str(folder))
    cfg = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg, add_pooling_layer=False).save_pretrained(str(folder))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(("design", "target", "storage"), [("minilm-frozen", "state", "fp16"),
                                                          ("minilm-lora", "edits", "fp16"),
                                                          ("minilm-top", "edits", "int8")])
def test_tiny_model_trains_saves_loads_and_extracts(tmp_path, design, target, storage):
    import torch
    from safetensors.torch import load_file

    from extraction.learned import LearnedExtractor
    from training.train_learned import LearnedTrainConfig, main

    enc = _tiny_encoder(tmp_path / "enc")
    out = tmp_path / "model"
    metrics = main(LearnedTrainConfig(out_dir=str(out), design=design, encoder=str(enc), n_single=150, n_multi=150,
                                      max_steps=6, eval_examples=8, d_ff=64, bf16=False, warmup_steps=2,
                                      target=target, frozen_layers=1, encoder_lr=1e-2, silver_lines=0,
                                      storage=storage))
    assert metrics["train_steps"] == 6 and (out / "metrics.json").exists() and (out / "decoder.safetensors").exists()
    assert (out / "adapter.safetensors").exists() == (design == "minilm-lora")
    saved = json.loads((out / "learned_config.json").read_text())
    assert saved["target"] == target and saved["number_hints"] is True
    if design == "minilm-top":  # only the trained layer is stored, and loading puts it over the packaged one
        from extraction import weight_files

        assert load_file(str(out / "encoder.safetensors"))["encoder.layer.1.output.dense.weight"].dtype == torch.int8
        stored = weight_files.load(out / "encoder.safetensors")
        assert stored and all(k.startswith("encoder.layer.1.") for k in stored)
        key = next(iter(stored))
        loaded = LearnedExtractor.load(str(out), bf16=False).model.encoder.state_dict()
        from transformers import BertModel

        base = BertModel.from_pretrained(str(enc), add_pooling_layer=False).state_dict()
        assert not base[key].equal(stored[key]) and loaded[key].equal(stored[key])
        assert loaded["encoder.layer.0.attention.self.query.weight"].equal(base["encoder.layer.0.attention.self.query.weight"])
    a = LearnedExtractor.load(str(out), bf16=False)
    b = LearnedExtractor.load(str(out), bf16=False)
    assert a.number_hints  # serving reads numbers as the model was trained to
    texts = ["a cheap samsung phone under $300", "only black ones"]
    states = [None, Filters(brand=["Samsung"])]
    assert a.generate_texts(texts) == b.generate_texts(texts)  # loading is deterministic
    results = a.extract_batch(texts, states)
    assert len(results) == 2 and all(isinstance(r.filters, Filters) for r in results)
    single = a.extract(texts[0])
    assert single.filters == results[0].filters  # a batch of one is the same code path
    assert all(r.confidence is not None and 0.0 < r.confidence <= 1.0 for r in results)
    assert single.confidence == pytest.approx(results[0].confidence, abs=1e-5)
    half = LearnedExtractor.load(str(out), bf16=True)  # bf16 encoder weights (the default on native-bf16 CPUs)
    assert next(half.model.encoder.parameters()).dtype == torch.bfloat16
    assert next(a.model.encoder.parameters()).dtype == torch.float32
    assert all(isinstance(r.filters, Filters) for r in half.extract_batch(texts, states))


def test_greedy_decoder_chooses_what_the_teacher_forced_decoder_would_and_scores_it():
    """Serving decodes with `extraction.greedy` (transposed weights, preallocated caches); it must be the
    decoder's own math: each chosen token is the argmax of the teacher-forced logits over the tokens before
    it, and the confidence is the lowest probability of a chosen token."""
    import torch

    from extraction.greedy import GreedyDecoder
    from extraction.learned import DecoderConfig, SmallDecoder

    torch.manual_seed(0)
    dec = SmallDecoder(DecoderConfig(vocab_size=12, d_model=32, n_layers=2, n_heads=2, d_ff=64, max_len=10,
                                     enc_dim=32)).eval()
    for p in dec.parameters():  # larger weights than the init, so the argmax differs from step to step
        torch.nn.init.normal_(p, std=0.5)
    enc = torch.randn(3, 5, 32)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]])
    bos, eos = 1, 2
    ids, lowest = GreedyDecoder(dec).run(enc, mask, bos, eos, max_new_tokens=8)
    assert len({tuple(r) for r in ids}) > 1 and len(set(ids[0])) > 1  # not a constant output
    with torch.no_grad():
        for row, (out, low) in enumerate(zip(ids, lowest, strict=True)):
            n = out.index(eos) + 1 if eos in out else len(out)
            x = torch.tensor([[bos] + out[:n - 1]])
            probs = torch.softmax(dec(x, enc[row:row + 1, :int(mask[row].sum())], mask[row:row + 1, :int(mask[row].sum())].bool()), -1)[0]
            assert probs.argmax(-1).tolist() == out[:n]
            assert low == pytest.approx(float(probs.max(-1).values.min()), abs=1e-5)
            assert all(t == eos for t in out[n:])  # a finished row is padded with EOS


def test_training_flags_reach_the_config_and_an_explicit_zero_counts():
    import argparse

    from sift.commands.extraction import register
    from training.train_learned import LearnedTrainConfig, config_from_args

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["train", "extractor", "--design", "minilm-top", "--out", "x", "--silver-lines", "0",
                              "--frozen-layers", "0", "--target", "state", "--threads", "2"])
    cfg = config_from_args(args)
    assert (cfg.silver_lines, cfg.frozen_layers, cfg.target, cfg.threads) == (0, 0, "state", 2)
    default = config_from_args(parser.parse_args(["train", "extractor", "--design", "minilm-top", "--out", "x"]))
    assert default.silver_lines == LearnedTrainConfig.silver_lines > 0 and default.frozen_layers == 2
    assert default.number_hints is True
    bare = config_from_args(parser.parse_args(["train", "extractor", "--design", "minilm-top", "--out", "x",
                                               "--no-number-hints", "--storage", "int8", "--n-single", "7",
                                               "--n-multi", "9"]))
    assert bare.number_hints is False and bare.storage == "int8" and default.storage == "fp16"
    assert (bare.n_single, bare.n_multi) == (7, 9) and default.n_single == LearnedTrainConfig.n_single


def test_a_folder_written_before_number_hints_loads_without_them():
    from extraction.learned import LearnedConfig

    old = LearnedConfig.from_json(json.dumps({"design": "minilm-top", "target": "edits"}))
    assert old.number_hints is False
    assert LearnedConfig.from_json(LearnedConfig(number_hints=True).to_json()).number_hints is True


def _fake_learned(folder, model_em, rules_em):
    folder.mkdir(parents=True)
    (folder / "learned_config.json").write_text("{}")
    report = {"single_turn": {"seq2seq": {"exact_match": 0.99}, "rules": {"exact_match": 0.9}},
              "real_phrasing_dev": {"seq2seq": {"exact_match": model_em}, "rules": {"exact_match": rules_em},
                                    "disagreements": [{"id": "w001"}]}}
    (folder / "eval_extraction.json").write_text(json.dumps(report))


def test_auto_picks_the_learned_model_only_when_it_beats_the_rules_on_real_phrasing_dev(tmp_path, monkeypatch):
    _fake_learned(tmp_path / "models" / "extractor", model_em=0.80, rules_em=0.70)
    d = decide(Settings(models_dir=tmp_path / "models"))
    assert d.kind == "seq2seq" and "real-phrasing dev" in d.reason and "1 disagreements" in d.reason
    _fake_learned(tmp_path / "m2" / "extractor", model_em=0.70, rules_em=0.70)  # a tie is not a win
    assert decide(Settings(models_dir=tmp_path / "m2")).kind == "rules"


def test_auto_keeps_the_rules_when_the_models_dev_win_is_within_chance(tmp_path):
    from sift.extractor_choice import sign_test

    def report(folder, won, lost):
        folder.mkdir(parents=True)
        (folder / "learned_config.json").write_text("{}")
        gold = {"color": ["red"]}
        items = ([{"id": f"m{i}", "model": gold, "rules": {}, "gold": gold} for i in range(won)]
                 + [{"id": f"r{i}", "model": {}, "rules": gold, "gold": gold} for i in range(lost)])
        (folder / "eval_extraction.json").write_text(json.dumps({"real_phrasing_dev": {
            "seq2seq": {"exact_match": 0.6 + won / 100}, "rules": {"exact_match": 0.6 + lost / 100},
            "disagreements": items}}))

    report(tmp_path / "a" / "extractor", won=9, lost=7)  # round 3's best model against the rules on dev
    d = decide(Settings(models_dir=tmp_path / "a"))
    assert d.kind == "rules" and "within chance" in d.reason and "model 9, rules 7" in d.reason
    report(tmp_path / "b" / "extractor", won=12, lost=2)
    assert decide(Settings(models_dir=tmp_path / "b")).kind == "seq2seq"
    assert round(sign_test(9, 7), 3) == 0.402 and sign_test(12, 2) < 0.01 and sign_test(0, 0) == 1.0


def test_auto_judges_the_cascade_when_the_report_has_one_and_serves_with_its_threshold(tmp_path, monkeypatch):
    """The model alone loses on dev, the model with the grammar serving its unsure turns wins: the served pair is
    what auto judges, and the threshold chosen on dev is the one serving uses."""
    from extraction.vocabulary import Vocabulary
    from sift.extractor_choice import choose_extractor

    folder = tmp_path / "models" / "extractor"
    folder.mkdir(parents=True)
    (folder / "learned_config.json").write_text("{}")
    gold = {"color": ["red"]}
    won = [{"id": f"m{i}", "model": gold, "rules": {}, "gold": gold} for i in range(12)]
    (folder / "eval_extraction.json").write_text(json.dumps({
        "cascade": {"min_confidence": 0.75},
        "real_phrasing_dev": {"seq2seq": {"exact_match": 0.6}, "rules": {"exact_match": 0.7},
                              "cascade": {"exact_match": 0.82}, "disagreements": [],
                              "cascade_disagreements": won}}))
    d = decide(Settings(models_dir=tmp_path / "models"))
    assert d.kind == "seq2seq" and d.min_confidence == 0.75
    assert "grammar serving under confidence 0.75" in d.reason and "scored 0.820" in d.reason
    monkeypatch.setattr("extraction.learned.LearnedExtractor.load",
                        classmethod(lambda cls, path, vocab=None, **kw: "learned"))
    shadowed = choose_extractor(Settings(models_dir=tmp_path / "models"), Vocabulary.default()).extractor
    assert shadowed.primary == "learned" and shadowed.min_confidence == 0.75
    forced = choose_extractor(Settings(models_dir=tmp_path / "models", extractor="seq2seq"), Vocabulary.default())
    assert forced.extractor.min_confidence == 0.75  # forcing the model keeps the threshold its evaluation chose


def test_choose_extractor_loads_a_learned_folder_with_the_learned_class(tmp_path, monkeypatch):
    from extraction.vocabulary import Vocabulary
    from sift.extractor_choice import choose_extractor

    _fake_learned(tmp_path / "models" / "extractor", model_em=0.9, rules_em=0.7)
    loaded = []
    monkeypatch.setattr("extraction.learned.LearnedExtractor.load",
                        classmethod(lambda cls, path, vocab=None, **kw: loaded.append(path) or "learned"))
    choice = choose_extractor(Settings(models_dir=tmp_path / "models"), Vocabulary.default())
    assert choice.extractor.primary == "learned" and loaded == [str(tmp_path / "models" / "extractor")]


def test_real_phrasing_set_loads_is_split_and_scores():
    dev, test = real_phrasing.load("dev"), real_phrasing.load("test")
    assert len(dev) + len(test) >= 300 and not {i.id for i in dev} & {i.id for i in test}
    assert {i.source for i in dev + test} == {"webshop", "followup"}
    # the blind dev-only sets: their own ids, and no turn (text and state before it) of the test split, since
    # they are tuned on; counted, so that a failure prints no test item
    extra = [i for split in real_phrasing.EXTRA_DEV for i in real_phrasing.load(split)]
    assert len(extra) == 830 and len({i.id for i in extra}) == 830 and not {i.id for i in extra} & {i.id for i in test}
    turns = {(i.text.lower().strip(), str(i.state)) for i in test}
    assert sum((i.text.lower().strip(), str(i.state)) in turns for i in extra) == 0
    held = real_phrasing.load("holdout")  # the round-11 check set: no test turn either
    assert len(held) == 150 and sum((i.text.lower().strip(), str(i.state)) in turns for i in held) == 0

    class Oracle:
        def extract_batch(self, texts, states):
            by_text = {(i.text, str(i.state)): i.gold for i in dev}
            return [type("R", (), {"filters": by_text[(t, str(s))]}) for t, s in zip(texts, states, strict=True)]

    report = real_phrasing.evaluate(Oracle(), dev)
    assert report["exact_match"] == 1.0 and report["n"] == len(dev)
    # unscored fields (category, screen size...) are projected away on both sides
    assert real_phrasing.project(Filters(category="Electronics", color=["red", "black"])) == {"color": ["black", "red"]}


def test_real_phrasing_loader_says_what_is_wrong(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "hi", "gold": {"colour": ["red"]}}\n')
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        real_phrasing.load("dev", bad)
