"""The embedder's dtype choice, batching order and progress bar (a stand-in model: no weights loaded)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from retrieval.embedder import Embedder, cpu_bf16_flags, resolve_dtype

SAPPHIRE_RAPIDS = "processor : 0\nflags : fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
EPYC_AVX2 = "processor : 0\nflags : fpu sse2 avx2 fma\n"


def test_auto_dtype_is_bf16_only_with_native_bf16():
    assert cpu_bf16_flags(SAPPHIRE_RAPIDS) == ["avx512_bf16", "amx_bf16"]
    assert cpu_bf16_flags(EPYC_AVX2) == []
    dtype, why = resolve_dtype("auto", "cpu", cpuinfo=SAPPHIRE_RAPIDS)
    assert dtype == "bfloat16" and "avx512_bf16" in why
    dtype, why = resolve_dtype("auto", "cpu", cpuinfo=EPYC_AVX2)
    assert dtype == "float32" and "no native bf16" in why


def test_explicit_dtype_wins_and_unknown_is_a_clear_error():
    assert resolve_dtype("float32", "cpu", cpuinfo=SAPPHIRE_RAPIDS) == ("float32", "requested")
    assert resolve_dtype("bfloat16", "cpu", cpuinfo=EPYC_AVX2) == ("bfloat16", "requested")
    with pytest.raises(ValueError, match="SIFT_EMBED_DTYPE"):
        resolve_dtype("fp8", "cpu")


def test_auto_on_a_gpu_uses_half_precision(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert resolve_dtype("auto", "cuda")[0] == "bfloat16"
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert resolve_dtype("auto", "cuda")[0] == "float16"


class _LengthModel:
    """Embeds a text as a one-hot of its length; records each batch it was given."""

    def __init__(self, dim: int = 64):
        self.dim, self.batches = dim, []

    def get_sentence_embedding_dimension(self) -> int:
        return self.dim

    def encode(self, texts, batch_size, **kwargs):
        self.batches.append(list(texts))
        out = torch.zeros(len(texts), self.dim)
        out[torch.arange(len(texts)), torch.tensor([len(t) % self.dim for t in texts])] = 1.0
        return out


def test_batches_go_longest_first_and_rows_keep_their_order():
    model = _LengthModel()
    emb = Embedder(model=model, name="len", batch_size=4)
    texts = ["x" * n for n in (3, 10, 1, 7, 5, 9, 2, 8, 4, 6)]
    vecs = emb.encode(texts)
    assert [len(b) for b in model.batches] == [4, 4, 2]
    assert [len(t) for t in model.batches[0]] == [10, 9, 8, 7]
    np.testing.assert_array_equal(vecs.argmax(axis=1), [len(t) for t in texts])
    assert emb.encode([]).shape == (0, 64)


def test_progress_bar_counts_products(monkeypatch):
    import tqdm

    bars = []

    class Recorder(tqdm.tqdm):
        def __init__(self, *args, **kwargs):
            bars.append(kwargs)
            super().__init__(*args, **{**kwargs, "disable": True})

        def update(self, n=1):
            bars[-1].setdefault("updates", []).append(n)

    monkeypatch.setattr(tqdm, "tqdm", Recorder)
    emb = Embedder(model=_LengthModel(), name="len", batch_size=4)
    emb.encode(["a"] * 10, show_progress=True, desc="Embedding 10 products")
    assert bars[0]["desc"] == "Embedding 10 products" and bars[0]["total"] == 10
    assert bars[0]["unit"] == " products" and bars[0]["updates"] == [4, 4, 2]
