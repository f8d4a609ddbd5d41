"""Test doubles shared by the test suite."""

from __future__ import annotations

from retrieval.hashing_embedder import HashingEmbedder as _Hashing


class HashingEmbedder(_Hashing):
    """The model-free hashing embedder, small and named for tests."""

    def __init__(self, dim: int = 64, name: str = "test-hashing", dtype: str = "float32"):
        super().__init__(dim=dim, name=name, dtype=dtype)
