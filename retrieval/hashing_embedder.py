"""A model-free embedder (feature hashing) with the `retrieval.embedder.Embedder` interface.

Words hash to signed buckets; vectors are L2-normalised. Microseconds per text and fully deterministic,
so it serves fast fixtures, conversation replays where the filter state (not ranking) is under test, and
benchmarks that must not wait for a transformer. Ranking quality is keyword-level.

    >>> emb = HashingEmbedder(dim=64)
    >>> emb.encode(["usb c cable"]).shape
    (1, 64)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from .catalog import Product
from .embedder import product_text
from .text import normalise_for_model


class HashingEmbedder:
    def __init__(self, dim: int = 256, name: str | None = None, dtype: str = "float32") -> None:
        self._dim = dim
        self.name = name or f"hashing-bow-{dim}"
        self.dtype = dtype  # "bfloat16" rounds the vectors to bf16 precision (a stand-in for a bf16 model)
        self.calls = 0  # encode_products calls: how many times (part of) a catalog was embedded
        self.embedded: list[str] = []  # every product text embedded, in order (what a test counts)

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
                out[i, h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
            if not out[i].any():
                out[i, 0] = 1.0  # no all-zero rows: every text has a direction
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        if self.dtype == "bfloat16":
            out = (out.view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self.encode([normalise_for_model(q) for q in queries])

    def encode_products(self, products: Sequence[Product], show_progress: bool = False,
                        desc: str | None = None) -> np.ndarray:
        self.calls += 1
        texts = [product_text(p) for p in products]
        self.embedded.extend(texts)
        return self.encode(texts)
