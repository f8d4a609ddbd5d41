"""A learned second opinion on the subcategory: is the wanted item a phone or a phone accessory at all?

On real shopper text the subcategory is where both readers of a turn go wrong together. The model reads the
grammar's delexicalised input and the grammar's accessory words check its output, so "a makeup case", "a
16 inch case cover with touch bar", "a battery storage case" or "a curio cabinet with tempered glass" all
become "Cell Phone Accessories" on both sides: the words are accessory words, the things are not. What
decides it is what the thing *is*, which a sentence encoder knows and a word list does not.

The judge is a linear head over the packaged all-MiniLM-L6-v2 sentence embedding of the whole utterance,
with three classes (phones, phone accessories, neither), trained on real catalog titles labelled by their
category path and on real shopper instructions about other goods (`training/train_subcategory_judge.py`;
the folder's `config.json` has the command, seed and data, `metrics.json` what it scored). It only ever
*vetoes*: where a turn newly sets "Cell Phone Accessories" or "Cell Phones" and the judge's probability for
"neither" is at least `threshold`, the subcategory goes back to the one before the turn, with a warning. It reads the
grammar's topic of the turn (constraint words out, as in training), and stays out where the grammar found
no product words or an accessory for a phone named ("a case for my s21").
It never adds a subcategory, so it cannot invent a constraint, and it leaves alone catalogs whose
subcategories are not the paper's two (its classes are those two).

    >>> judged = Judged(Shadowed(model, rules), SubcategoryJudge.load("models/subcategory_judge"))  # doctest: +SKIP
    >>> judged.extract("a transparent makeup case").filters.subcategory is None                     # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters

from .base import ExtractionResult, Extractor

log = logging.getLogger(__name__)

CONFIG = "config.json"
WEIGHTS = "head.safetensors"
NEITHER = "neither"
CLASSES: tuple[str, ...] = (PHONES, ACCESSORIES, NEITHER)
VETOED = "the message reads as something other than a phone or a phone accessory; subcategory {was!r} not set"

Encode = Callable[[Sequence[str]], np.ndarray]


def is_judge_folder(path: str | Path | None) -> bool:
    return path is not None and (Path(path) / CONFIG).exists() and (Path(path) / WEIGHTS).exists()


@dataclass
class SubcategoryJudge:
    """Softmax(W e + b) over `CLASSES` for an utterance's L2-normalised sentence embedding e."""

    weight: np.ndarray  # (len(CLASSES), dim)
    bias: np.ndarray  # (len(CLASSES),)
    threshold: float = 0.5
    encoder: str = "packaged:all-MiniLM-L6-v2"
    encode: Encode | None = field(default=None, repr=False)  # loaded on first use

    @classmethod
    def load(cls, folder: str | Path, encode: Encode | None = None) -> SubcategoryJudge:
        """The judge in `folder` (written by `sift train subcategory-judge`). `encode` maps texts to normalised
        embeddings of the encoder the judge was trained on; by default that encoder is loaded on first use."""
        from safetensors.numpy import load_file  # lazy: only where a judge is loaded

        folder = Path(folder)
        if not is_judge_folder(folder):
            raise FileNotFoundError(f"{folder} has no {CONFIG} + {WEIGHTS}; train one with "
                                    f"`sift train subcategory-judge --out {folder}`")
        cfg = json.loads((folder / CONFIG).read_text())
        if tuple(cfg.get("classes", ())) != CLASSES:
            raise ValueError(f"{folder / CONFIG}: classes {cfg.get('classes')} are not {list(CLASSES)}; retrain it")
        tensors = load_file(str(folder / WEIGHTS))
        return cls(tensors["weight"].astype(np.float32), tensors["bias"].astype(np.float32),
                   float(cfg.get("threshold", 0.5)), str(cfg.get("encoder", cls.encoder)), encode)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), len(CLASSES)) class probabilities."""
        if not texts:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        if self.encode is None:
            from retrieval.embedder import Embedder  # lazy: the encoder loads on the first judged turn

            self.encode = Embedder.load(self.encoder).encode_queries
        return self.of_embeddings(np.asarray(self.encode(list(texts)), dtype=np.float32))

    def of_embeddings(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, len(CLASSES)) class probabilities of already encoded texts (training reuses its embeddings)."""
        logits = embeddings @ self.weight.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def neither(self, texts: Sequence[str]) -> list[float]:
        """The probability that each text asks for neither a phone nor a phone accessory."""
        return [float(x) for x in self.probabilities(texts)[:, CLASSES.index(NEITHER)]]


class Judged(Extractor):
    """`inner`'s reading, with a new phone subcategory vetoed where `judge` reads the request as neither."""

    def __init__(self, inner: Extractor, judge: SubcategoryJudge, grammar: Extractor | None = None) -> None:
        self.inner, self.judge = inner, judge
        # The judge reads a turn's topic (the grammar's: constraint words taken out), as it was trained to
        self.grammar = grammar
        self.name = getattr(inner, "name", "extractor")
        self.vetoes = 0  # since start, for a status line or a test

    def extract(self, utterance: str, state: Filters | None = None,
                shown: Sequence[Product] = ()) -> ExtractionResult:
        return self._veto([utterance], [state], [self.inner.extract(utterance, state, shown)])[0]

    def extract_batch(self, utterances: Sequence[str], states: Sequence[Filters | None] | None = None,
                      shown: Sequence[Sequence[Product]] | None = None) -> list[ExtractionResult]:
        states = list(states) if states is not None else [None] * len(utterances)
        return self._veto(list(utterances), states, self.inner.extract_batch(utterances, states, shown))

    def _veto(self, utterances: list[str], states: list[Filters | None],
              results: list[ExtractionResult]) -> list[ExtractionResult]:
        asked = [i for i, (before, r) in enumerate(zip(states, results, strict=True)) if newly_judged(before, r.filters)]
        topics = {i: self.topic_for(utterances[i], states[i]) for i in asked}
        asked = [i for i in asked if topics[i]]
        if not asked:
            return results
        for i, p in zip(asked, self.judge.neither([topics[i] for i in asked]), strict=True):
            if p < self.judge.threshold:
                continue
            self.vetoes += 1
            r, before = results[i], states[i]
            was = r.filters.subcategory
            r.filters = r.filters.merged(subcategory=before.subcategory if before is not None else None)
            r.spans.pop("subcategory", None)
            r.warnings.append(VETOED.format(was=was))
            log.info("subcategory judge: %r reads as neither phone nor accessory (p=%.2f); dropped %s",
                     utterances[i][:300], p, was)
        return results


    def topic_for(self, utterance: str, before: Filters | None) -> str | None:
        """What the turn asks for, constraint words out (the grammar's topic); None where there is nothing to
        judge: no product words ("a black oneplus"), or an accessory for a phone named ("a case for the s21")."""
        if self.grammar is None:
            return utterance
        return judge_topic(self.grammar.extract(utterance, before), before)


def judge_topic(reading: ExtractionResult, before: Filters | None = None) -> str | None:
    """What a grammar reading leaves for the judge: the topic, or None where there is nothing to judge (no product
    words, an accessory for a phone named, or a brand of the shop's named in this turn)."""
    if reading.compatible or _names_a_shop_brand(reading, before):
        return None
    return reading.topic


def _names_a_shop_brand(reading: ExtractionResult, before: Filters | None) -> bool:
    # A shopper who names one of the shop's makers ("a mophie tempered glass", "accessories except ugreen") asks
    # within the shop: "accessories" or "case" there means the shop's. The grammar only snaps brands the
    # vocabulary knows, so "a case for my canon" or "a bag by coach" still goes to the judge.
    for name in ("brand", "brand_exclude"):
        had = set(getattr(before, name) or []) if before is not None else set()
        if set(getattr(reading.filters, name) or []) - had:
            return True
    return False


def newly_judged(before: Filters | None, reading: Filters) -> bool:
    """Whether `reading` newly sets one of the judge's subcategories (phones or accessories) over `before`.

    Accessory words ("case", "band", "tempered glass", "adapter") are the most ambiguous, but phone words misfire
    too on real shopper lines ("a spotting scope for iphone 12", "an am/fm radio that plays from the
    smartphone", "nail polish brushes in galaxy mix"). A phone read from a catalog model name ("nord", "razr")
    comes with its maker, and a turn naming one of the shop's makers is never judged (`judge_topic`).
    """
    now = reading.subcategory
    return now in (PHONES, ACCESSORIES) and now != (before.subcategory if before is not None else None)


def judged(extractor: Extractor, folder: str | Path | None, grammar: Extractor | None = None,
           embedder: Any = None, **kwargs: Any) -> Extractor:
    """`extractor` behind the judge in `folder`, or `extractor` itself where there is none. `embedder`: an
    already loaded `retrieval.embedder.Embedder` (the search index's); used when it is the judge's encoder."""
    if not is_judge_folder(folder):
        return extractor
    judge = SubcategoryJudge.load(folder, **kwargs)
    if judge.encode is None and embedder is not None and getattr(embedder, "name", None) == judge.encoder:
        judge.encode = embedder.encode_queries  # one MiniLM in memory, already warm, for search and judge
    return Judged(extractor, judge, grammar)
