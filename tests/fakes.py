"""Test doubles shared by the test suite."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from retrieval.embedder import product_text
from retrieval.text import normalise_for_model


class HashingEmbedder:
    """Deterministic bag-of-words embedder with the `retrieval.embedder.Embedder` interface.

    Words hash into `dim` buckets (plus character trigrams, so "samsng" lands near "samsung"); vectors
    are L2-normalised. Good enough for ranking tests, and instant.
    """

    def __init__(self, dim: int = 64, name: str = "test-hashing"):
        self._dim = dim
        self.name = name
        self.dtype = "float32"
        self.calls = 0  # encode_products calls: how many times a catalog was embedded

    @property
    def dim(self) -> int:
        return self._dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for w in re.findall(r"[a-z0-9]+", text.lower()):
            grams = [w] + [w[i:i + 3] for i in range(max(1, len(w) - 2))]
            for j, g in enumerate(grams):
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                v[h % self._dim] += 1.0 if j == 0 else 0.3
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts])

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self.encode([normalise_for_model(q) for q in queries])

    def encode_products(self, products, show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        return self.encode([product_text(p) for p in products])
