"""The learned subcategory judge: what it vetoes, what it leaves alone, how it is trained, saved and chosen."""

from __future__ import annotations

import json

import numpy as np
import pytest

from extraction.base import ExtractionResult, Extractor
from extraction.rules import RuleExtractor
from extraction.subcategory_judge import CLASSES, Judged, SubcategoryJudge, is_judge_folder, judged
from extraction.vocabulary import Vocabulary
from retrieval.filters import ACCESSORIES, PHONES, Filters

# A two-dimensional "encoder": texts with a non-phone word point one way, everything else the other.
OTHER = ("makeup", "cabinet", "laptop", "brush")


def _encode(texts):
    return np.array([[1.0, 0.0] if any(w in t for w in OTHER) else [0.0, 1.0] for t in texts], dtype=np.float32)


def _judge(threshold=0.6) -> SubcategoryJudge:
    # class order (phones, accessories, neither): direction 0 is "neither", direction 1 "accessories"
    weight = np.array([[0.0, 0.0], [0.0, 4.0], [4.0, 0.0]], dtype=np.float32)
    return SubcategoryJudge(weight, np.zeros(3, dtype=np.float32), threshold, encode=_encode)


class _Fixed(Extractor):
    """Always reads the same new subcategory (the reading a judge sits behind)."""

    name = "fixed"

    def __init__(self, subcategory):
        self.subcategory = subcategory

    def extract(self, utterance, state=None, shown=()):
        before = state or Filters()
        return ExtractionResult(filters=before.merged(subcategory=self.subcategory, color=["black"]),
                                spans={"subcategory": "case"})


@pytest.fixture(scope="module")
def grammar():
    return RuleExtractor(Vocabulary.default())


def test_a_new_accessory_subcategory_for_something_else_is_vetoed_with_a_warning(grammar):
    j = Judged(_Fixed(ACCESSORIES), _judge(), grammar)
    r = j.extract("i need a transparent makeup case in black")
    assert r.filters.subcategory is None and r.filters.color == ["black"]  # only the subcategory goes
    assert "subcategory" not in r.spans and any("phone accessory" in w for w in r.warnings)
    assert j.vetoes == 1
    kept = j.extract("i need a slim case in black")
    assert kept.filters.subcategory == ACCESSORIES and not kept.warnings


def test_the_judge_only_vetoes_new_subcategories_with_product_words_and_no_phone_named(grammar):
    j = Judged(_Fixed(ACCESSORIES), _judge(), grammar)
    # already browsing accessories: the turn sets nothing new
    assert j.extract("a makeup case", Filters(subcategory=ACCESSORIES)).filters.subcategory == ACCESSORIES
    # an accessory for a phone named ("for my galaxy s21"): a phone accessory whatever else it says
    assert j.extract("a makeup brush case for my galaxy s21").filters.subcategory == ACCESSORIES
    # a maker the shop sells named in the turn: the shopper asks within the shop ("a mophie makeup case")
    assert j.extract("an anker makeup case").filters.subcategory == ACCESSORIES
    assert j.extract("a makeup case but not anker").filters.subcategory == ACCESSORIES
    # ... but not one named before this turn, nor a maker the shop does not know
    assert j.extract("a makeup case", Filters(brand=["Anker"])).filters.subcategory is None
    assert j.extract("a makeup case by chanel").filters.subcategory is None
    # a new phone subcategory is judged too ("a spotting scope for iphone 12" is no phone) ...
    phones = Judged(_Fixed(PHONES), _judge(), grammar)
    assert phones.extract("a rugged phone for my laptop bag").filters.subcategory is None
    assert phones.extract("a rugged phone for work").filters.subcategory == PHONES
    # ... but never where a maker is named ("a galaxy" is Samsung's) or it was phones already
    assert phones.extract("a samsung for my laptop bag").filters.subcategory == PHONES
    assert phones.extract("a laptop", Filters(subcategory=PHONES)).filters.subcategory == PHONES
    # batches agree with single turns, each judged on its own
    batch = j.extract_batch(["a makeup case", "a slim case"], [None, None])
    assert [r.filters.subcategory for r in batch] == [None, ACCESSORIES]


def test_the_threshold_is_the_judges_own(grammar):
    strict = Judged(_Fixed(ACCESSORIES), _judge(threshold=0.99999), grammar)
    assert strict.extract("a makeup case").filters.subcategory == ACCESSORIES


def test_saved_judges_load_and_bad_folders_say_what_to_do(tmp_path):
    from safetensors.numpy import save_file

    folder = tmp_path / "judge"
    assert not is_judge_folder(folder)
    with pytest.raises(FileNotFoundError, match="sift train subcategory-judge"):
        SubcategoryJudge.load(folder)
    folder.mkdir()
    j = _judge()
    save_file({"weight": j.weight, "bias": j.bias}, str(folder / "head.safetensors"))
    (folder / "config.json").write_text(json.dumps({"classes": list(CLASSES), "threshold": 0.7}))
    loaded = SubcategoryJudge.load(folder, encode=_encode)
    assert loaded.threshold == 0.7 and loaded.neither(["a makeup bag"])[0] > 0.95
    assert loaded.neither(["a case"])[0] < 0.05
    assert isinstance(judged(_Fixed(ACCESSORIES), folder, encode=_encode), Judged)
    assert isinstance(judged(_Fixed(ACCESSORIES), tmp_path / "none"), _Fixed)  # no judge: the extractor itself
    (folder / "config.json").write_text(json.dumps({"classes": ["a", "b"]}))
    with pytest.raises(ValueError, match="retrain"):
        SubcategoryJudge.load(folder)


def test_training_labels_catalog_rows_by_their_category_path():
    from training.train_subcategory_judge import ACCESSORIES as A
    from training.train_subcategory_judge import NEITHER as N
    from training.train_subcategory_judge import PHONES as P
    from training.train_subcategory_judge import _catalog_label

    assert _catalog_label("us_phones", []) == P
    assert _catalog_label("in_electronics", ["Cell Phones & Accessories", "Cell Phones"]) == P
    assert _catalog_label("in_electronics", ["Cell Phones & Accessories", "Accessories", "Cables"]) == A
    assert _catalog_label("in_electronics", ["Electronics", "Laptop"]) == N
    assert _catalog_label("in_electronics", ["Electronics"]) is None  # no category: not guessed
    assert _catalog_label("electronics_2013", ["Electronics", "inkjet printer ink"]) == N
    assert _catalog_label("electronics_2013", ["Electronics", "headphones"]) is None  # may be a phone accessory


def test_the_head_fits_separable_embeddings():
    from training.train_subcategory_judge import fit

    rng = np.random.default_rng(0)
    centres = np.eye(3, 8, dtype=np.float32) * 3
    y = np.repeat(np.arange(3), 40)
    x = (centres[y] + rng.normal(0, 0.3, (120, 8))).astype(np.float32)
    w, b = fit(x, y, c=1.0, seed=0)
    assert w.shape == (3, 8) and ((x @ w.T + b).argmax(axis=1) == y).mean() > 0.95


def test_the_sweep_picks_the_threshold_with_most_right_vetoes_net():
    from evals.judge_sweep import sweep

    rows = ([{"source": "real_dev", "text": f"r{i}", "p_neither": 0.65, "veto_right": True, "veto_wrong": False} for i in range(3)]
            + [{"source": "synthetic", "text": "s", "p_neither": 0.55, "veto_right": False, "veto_wrong": True}]
            + [{"source": "synthetic", "text": "t", "p_neither": 0.75, "veto_right": False, "veto_wrong": True}])
    out = sweep(rows, {"synthetic": 10, "real_dev": 10})
    assert out["threshold"] == 0.6 and out["wrong_vetoes_at_choice"] == ["t"]
    assert next(r for r in out["table"] if r["threshold"] == 0.5)["net"] == 1


def test_the_sweep_weighs_each_dev_set_by_its_rate_not_its_size():
    """One right real veto in 100 turns outweighs three wrong synthetic ones in 3,000: EM gain 0.01 - 0.001."""
    from evals.judge_sweep import sweep

    rows = ([{"source": "real_dev", "text": "r", "p_neither": 0.65, "veto_right": True, "veto_wrong": False}]
            + [{"source": "synthetic", "text": f"s{i}", "p_neither": 0.65, "veto_right": False, "veto_wrong": True} for i in range(3)])
    out = sweep(rows, {"synthetic": 3000, "real_dev": 100})
    assert out["threshold"] == 0.6
    assert sweep(rows, {"synthetic": 100, "real_dev": 100})["threshold"] == 0.95  # equal sizes: a net loss


def test_a_veto_that_leaves_a_turn_wrong_either_way_counts_for_nothing():
    """"a handset for my phone" read as a phone, gold an accessory: the veto leaves no subcategory, still wrong."""
    from evals.judge_sweep import sweep

    rows = [{"source": "real_dev", "text": "r", "p_neither": 0.65, "veto_right": False, "veto_wrong": False}]
    row = next(r for r in sweep(rows, {"synthetic": 10, "real_dev": 10})["table"] if r["threshold"] == 0.6)
    assert row["real_dev"] == {"right": 0, "wrong": 0} and row["net"] == 0


@pytest.mark.slow
def test_the_committed_judge_reads_what_a_thing_is():
    """The shipped head over the real packaged MiniLM: a phone case is one, a makeup case and a cabinet are not."""
    judge = SubcategoryJudge.load("models/subcategory_judge")
    others = ["transparent makeup case for nail art", "walnut curio cabinet", "laptop sleeve 16 inch",
              "pencil case for school"]
    phone_things = ["phone case", "case", "wireless earbuds", "screen protector", "car phone mount",
                    "usb c charging cable"]
    p = judge.neither(others + phone_things)
    assert min(p[:len(others)]) >= judge.threshold > max(p[len(others):])


def test_the_judge_shares_an_already_loaded_encoder_of_the_same_model(tmp_path):
    from safetensors.numpy import save_file

    folder = tmp_path / "judge"
    folder.mkdir()
    j = _judge()
    save_file({"weight": j.weight, "bias": j.bias}, str(folder / "head.safetensors"))
    (folder / "config.json").write_text(json.dumps({"classes": list(CLASSES), "encoder": "packaged:x"}))

    class _Embedder:
        def __init__(self, name):
            self.name = name

        def encode_queries(self, texts):
            return _encode(texts)

    same = judged(_Fixed(ACCESSORIES), folder, embedder=_Embedder("packaged:x"))
    assert same.judge.encode is not None and same.judge.neither(["a makeup case"])[0] > 0.9
    other = judged(_Fixed(ACCESSORIES), folder, embedder=_Embedder("some/other-model"))
    assert other.judge.encode is None  # a different model: the judge loads its own on first use


def test_serving_uses_the_judge_the_evaluation_named_and_says_when_it_is_missing(tmp_path, monkeypatch, caplog):
    from safetensors.numpy import save_file

    from sift.extractor_choice import choose_extractor
    from sift.settings import Settings

    folder = tmp_path / "models" / "extractor"
    folder.mkdir(parents=True)
    (folder / "learned_config.json").write_text("{}")
    report = {"cascade": {"min_confidence": 0.8, "judge": str(tmp_path / "judge")}}
    (folder / "eval_extraction.json").write_text(json.dumps(report))
    monkeypatch.setattr("extraction.learned.LearnedExtractor.load",
                        classmethod(lambda cls, path, vocab=None, **kw: _Fixed(ACCESSORIES)))
    settings = Settings(models_dir=tmp_path / "models", extractor="seq2seq")
    with caplog.at_level("WARNING"):
        missing = choose_extractor(settings, Vocabulary.default())
    assert not isinstance(missing.extractor, Judged) and "not there" in caplog.text
    (tmp_path / "judge").mkdir()
    j = _judge()
    save_file({"weight": j.weight, "bias": j.bias}, str(tmp_path / "judge" / "head.safetensors"))
    (tmp_path / "judge" / "config.json").write_text(json.dumps({"classes": list(CLASSES)}))
    served = choose_extractor(settings, Vocabulary.default())
    assert isinstance(served.extractor, Judged) and "subcategory judge" in served.reason
    assert served.extractor.inner.min_confidence == 0.8


def test_hand_labels_name_webshop_lines_by_hash_and_say_what_is_wrong(tmp_path):
    import gzip

    from training.train_subcategory_judge import ACCESSORIES as A
    from training.train_subcategory_judge import NEITHER as N
    from training.train_subcategory_judge import JudgeTrainConfig, hand_labelled, line_key

    web = tmp_path / "webshop.txt.gz"
    with gzip.open(web, "wt", encoding="utf-8") as fh:
        fh.write("i need a beauty case for lipstick\ni want noise cancelling earbuds\n")
    labels = tmp_path / "labels.tsv"
    labels.write_text(f"# comment\n{line_key('i want noise cancelling earbuds')}\taccessory\n"
                      f"{line_key('  i need a beauty case for lipstick ')}\tneither\n")
    texts, y = hand_labelled(JudgeTrainConfig(webshop=str(web), labels=str(labels)))
    assert texts == ["i want noise cancelling earbuds", "i need a beauty case for lipstick"] and y == [A, N]
    labels.write_text(f"{line_key('i want noise cancelling earbuds')}\tgadget\n")
    with pytest.raises(ValueError, match="labels.tsv:1: label 'gadget'"):
        hand_labelled(JudgeTrainConfig(webshop=str(web), labels=str(labels)))
    labels.write_text("0123456789abcdef\tneither\n")
    with pytest.raises(ValueError, match="not in"):
        hand_labelled(JudgeTrainConfig(webshop=str(web), labels=str(labels)))


def test_the_committed_hand_labels_are_well_formed():
    from training.train_subcategory_judge import LABELS

    rows = [r.split("\t") for r in LABELS.read_text().splitlines() if r and not r.startswith("#")]
    assert len(rows) > 500 and all(len(k) == 16 and v in ("phone", "accessory", "neither") for k, v in rows)
    assert len({k for k, _ in rows}) == len(rows)


def test_judge_training_takes_only_the_extractors_training_families():
    from training.synth import SynthConfig, generate_examples, split_by_family
    from training.train_subcategory_judge import JudgeTrainConfig, synthetic_turns

    cfg = JudgeTrainConfig(synthetic_turns=40)
    texts, y = synthetic_turns(cfg)
    assert len(texts) == 40 and set(y) <= {0, 1}
    n = 4 * cfg.synthetic_turns  # as synthetic_turns draws them
    splits = split_by_family(generate_examples(SynthConfig(n_single=n, n_multi=n, n_dialogues=0, seed=cfg.seed)),
                             seed=cfg.seed)
    held_out = {e.utterance for e in splits["dev"] + splits["test"]} - {e.utterance for e in splits["train"]}
    assert held_out and not held_out & set(texts)  # never a turn of the families the extractor is scored on
    assert synthetic_turns(JudgeTrainConfig(synthetic_turns=0)) == ([], [])
