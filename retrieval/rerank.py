"""Second-stage reranking of search hits (the paper's future work: cross-encoder reranking).

One interface, `Reranker.rerank(query, hits) -> hits`; the engine's first stage (embedder + FAISS with
filters) is unchanged, so a reranker can only reorder products that already satisfy the filters.

`CrossEncoderReranker` wraps `sentence_transformers.CrossEncoder` (any hub id or local path, e.g.
`cross-encoder/ms-marco-MiniLM-L6-v2` on a machine that can download it). `train_cross_encoder`
initialises one from a bi-encoder's transformer weights (MiniLM here) and trains it briefly on
synthetic (query, product) pairs with random negatives.

    >>> rr = CrossEncoderReranker("cross-encoder/ms-marco-MiniLM-L6-v2")       # doctest: +SKIP
    >>> result.hits = rr.rerank("slim case for pixel 4a", result.hits)         # doctest: +SKIP
"""

from __future__ import annotations

import logging
import random
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .embedder import product_text, resolve_model_path
from .search import Hit
from .text import normalise_for_model

log = logging.getLogger(__name__)


class Reranker(ABC):
    """Reorders hits for a query. Must return the same hits (scores may change), never drop or add."""

    @abstractmethod
    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        """One relevance score per text, higher is better."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        if len(hits) < 2:
            return list(hits)
        s = self.scores(query, [product_text(h.product) for h in hits])
        order = sorted(range(len(hits)), key=lambda i: (-s[i], i))
        return [replace(hits[i], score=float(s[i])) for i in order]

    def rerank_rows(self, query: str, rows: Sequence[int], texts: Sequence[str]) -> list[int]:
        """The same reordering over bare row ids with their texts (for evaluation loops)."""
        if len(rows) < 2:
            return list(rows)
        s = self.scores(query, texts)
        return [rows[i] for i in sorted(range(len(rows)), key=lambda i: (-s[i], i))]


class CrossEncoderReranker(Reranker):
    """A cross-encoder scores (query, product text) pairs jointly; slower than a bi-encoder, sharper."""

    def __init__(self, model_name_or_path: str, max_length: int = 256, batch_size: int = 32,
                 device: str | None = None, model: Any = None):
        if model is None:
            # lazy: sentence-transformers takes ~3.5 s to import; tests pass a scripted model instead
            from sentence_transformers import CrossEncoder

            model = CrossEncoder(resolve_model_path(model_name_or_path), max_length=max_length, device=device or "cpu")
        self.model = model
        self.name = model_name_or_path
        self.batch_size = batch_size

    def scores(self, query: str, texts: Sequence[str]) -> list[float]:
        q = normalise_for_model(query)
        out = self.model.predict([(q, t) for t in texts], batch_size=self.batch_size, show_progress_bar=False,
                                 convert_to_numpy=True)
        return [float(x) for x in out.reshape(-1)]


def train_cross_encoder(base_model: str, queries: Sequence[str], positives: Sequence[str], output_dir: str | Path,
                        negatives_per_query: int = 1, epochs: float = 1.0, batch_size: int = 32,
                        max_length: int = 128, max_steps: int = -1, learning_rate: float = 5e-5,
                        seed: int = 13) -> Path:
    """Train a binary cross-encoder from `base_model`'s transformer weights on (query, positive) pairs.

    Negatives are other queries' positives (random, seeded). Returns the saved model folder.
    """
    # lazy: torch, datasets and sentence-transformers' trainer (~4 s) only when a reranker is trained
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    torch.set_flush_denormal(True)
    rng = random.Random(seed)
    q_col, t_col, labels = [], [], []
    n = len(positives)
    for q, pos in zip(queries, positives, strict=True):
        q_col.append(q)
        t_col.append(pos)
        labels.append(1.0)
        for _ in range(negatives_per_query):
            neg = positives[rng.randrange(n)]
            if neg != pos:
                q_col.append(q)
                t_col.append(neg)
                labels.append(0.0)
    data = Dataset.from_dict({"query": q_col, "text": t_col, "label": labels})
    model = CrossEncoder(resolve_model_path(base_model), num_labels=1, max_length=max_length, device="cpu")
    out = Path(output_dir)
    args = CrossEncoderTrainingArguments(
        output_dir=str(out / "checkpoints"), num_train_epochs=epochs, max_steps=max_steps,
        per_device_train_batch_size=batch_size, learning_rate=learning_rate, warmup_steps=0.1,
        save_strategy="no", report_to="none", seed=seed, use_cpu=True, logging_steps=10,
    )
    trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=data,
                                  loss=BinaryCrossEntropyLoss(model, pos_weight=torch.tensor(float(negatives_per_query))))
    trainer.train()
    model.save(str(out))
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    return out
