"""Silver labels for the learned extractor: the grammar's reading of real lines, behind the subcategory judge
and its hand labels (so that the model does not learn "makeup case" -> phone accessories)."""

from __future__ import annotations

import gzip
import json

import numpy as np
from safetensors.numpy import save_file

from extraction.subcategory_judge import CLASSES
from extraction.vocabulary import Vocabulary
from retrieval.filters import ACCESSORIES, PHONES
from training.train_learned import silver_examples
from training.train_subcategory_judge import line_key

LINES = ("i need a gold storage case", "i want noise cancelling earbuds",
         "a samsung galaxy phone under 300 dollars")


def _always_neither_judge(folder):
    # A head with no weights and a strong bias: every text reads as "neither", so every new accessory is vetoed.
    folder.mkdir()
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    bias[CLASSES.index("neither")] = 10.0
    save_file({"weight": np.zeros((len(CLASSES), 384), dtype=np.float32), "bias": bias},
              str(folder / "head.safetensors"))
    (folder / "config.json").write_text(json.dumps({"classes": list(CLASSES), "threshold": 0.7}))
    return str(folder)


def test_silver_labels_go_through_the_judge_and_hand_labels_win(tmp_path):
    web = tmp_path / "webshop.txt.gz"
    with gzip.open(web, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(LINES) + "\n")
    labels = tmp_path / "labels.tsv"
    labels.write_text(f"{line_key('i want noise cancelling earbuds')}\taccessory\n")
    vocab = Vocabulary.default()

    grammar = {e.utterance: e.target_state for e in silver_examples(str(web), 10, vocab, 0)}
    assert grammar[LINES[0]].subcategory == ACCESSORIES  # what the grammar alone teaches: the misreading
    assert grammar[LINES[1]].subcategory == ACCESSORIES

    judged = {e.utterance: e.target_state for e in
              silver_examples(str(web), 10, vocab, 0, _always_neither_judge(tmp_path / "j"), str(labels))}
    assert judged[LINES[0]].subcategory is None and judged[LINES[0]].color == ["gold"]  # only the topic goes
    assert judged[LINES[1]].subcategory == ACCESSORIES  # vetoed by the judge, restored by the hand label
    assert judged[LINES[2]].subcategory == PHONES and judged[LINES[2]].price_max == 300  # the judge vetoes no phone
    assert judged[LINES[2]].brand == ["Samsung"]
