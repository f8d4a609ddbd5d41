"""Embedding reuse: a product keeps its vector for as long as its text stays the same.

Every index cache folder stores, beside the vectors it already holds (row i = product i), `text_keys.npy`:
the sha256 of the exact text row i was embedded from (`retrieval.embedder.product_text`). When the catalog
changes, the new catalog's texts are hashed and looked up in the previous build's keys; a hit copies the
old vector, a miss is embedded. So a price or stock change embeds nothing (neither is in the text), an
edited description embeds that one product, a removed product's vector is simply not carried over, and
identical texts (colour variants sharing one listing text) are embedded once.

What else decides whether a vector can be reused is the same for every row of a folder and is checked
once, in the manifest: the model and the fingerprint of its weights, and `max_seq_length` (a vector of
the first 128 word pieces differs from one of the first 256). The dtype is not part of the key: bf16 and
fp32 vectors of the same text agree to cosine >= 0.9999 (README, "Indexing speed"), far below ranking
noise, and a cache copied to a machine that picks the other dtype should not re-embed a whole catalog.

Why not a general key-value store (diskcache, sqlite, LMDB): the vectors must end up in one contiguous
float32 matrix in product order for FAISS anyway, and the index folder already stores exactly that
matrix; a second store would hold every vector twice, need its own garbage collection for removed
products, and cost a lookup per row (diskcache: tens of microseconds each, half a minute at 1M
products) where one dict over 32-byte digests costs about a second. Keeping the keys in the same folder
also makes them part of the same atomic swap and the same checksums as the index.

    >>> keys = text_keys(["usb c cable", "black case"])
    >>> keys.shape, keys.dtype
    ((2, 32), dtype('uint8'))
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

KEYS_FILE = "text_keys.npy"
DIGEST_BYTES = 32


@dataclass
class CachedVectors:
    """The previous build's vectors and the text keys they were embedded from (row-aligned)."""

    keys: np.ndarray  # (m, 32) uint8
    vectors: np.ndarray  # (m, d) float32
    owner: object = field(default=None, repr=False)  # what `vectors` is a view of (a FAISS index): kept alive

    def __post_init__(self) -> None:
        if self.keys.ndim != 2 or self.keys.shape[1] != DIGEST_BYTES or self.keys.shape[0] != self.vectors.shape[0]:
            raise ValueError(f"{KEYS_FILE} holds {self.keys.shape} keys for {self.vectors.shape[0]} vectors")

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


@dataclass
class EmbedStats:
    """What one build did: `embedded` texts went through the model, `reused` rows copied a cached vector,
    `duplicates` rows shared a text embedded in this build, `dropped` cached texts are in no product any more
    (removed products, and the old texts of changed ones)."""

    products: int = 0
    embedded: int = 0
    reused: int = 0
    duplicates: int = 0
    dropped: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def text_keys(texts: Sequence[str]) -> np.ndarray:
    """sha256 of each text's UTF-8 bytes, (n, 32) uint8."""
    joined = b"".join(hashlib.sha256(t.encode("utf-8")).digest() for t in texts)
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(texts), DIGEST_BYTES).copy()


def save_keys(folder: str | Path, keys: np.ndarray) -> None:
    np.save(Path(folder) / KEYS_FILE, keys, allow_pickle=False)


def load_keys(folder: str | Path) -> np.ndarray:
    """The saved keys; raises OSError/ValueError when missing or malformed."""
    keys = np.load(Path(folder) / KEYS_FILE, allow_pickle=False)
    if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != DIGEST_BYTES:
        raise ValueError(f"{KEYS_FILE} is not an (n, {DIGEST_BYTES}) uint8 array")
    return keys


def progress_label(reused: int, to_embed: int) -> str:
    """What the progress bar says.

        >>> progress_label(0, 3000)
        'Embedding 3,000 products'
        >>> progress_label(2970, 30)
        'Reusing 2,970 cached embeddings, embedding 30 new or changed products'
    """
    if not reused:
        return f"Embedding {to_embed:,} products"
    return f"Reusing {reused:,} cached embeddings, embedding {to_embed:,} new or changed products"


def assemble(
    texts: Sequence[str],
    previous: CachedVectors | None,
    embed: Callable[[list[int], str], np.ndarray],
    dim: int,
) -> tuple[np.ndarray, np.ndarray, EmbedStats]:
    """Vectors for `texts` (row-aligned), their keys, and what was done.

    `embed(rows, label)` embeds the texts at those row numbers (each distinct missing text once, at its
    first row) and returns their vectors in that order; it is not called when nothing is missing.
    """
    keys = text_keys(texts)
    digests = [k.tobytes() for k in keys]
    cached = {} if previous is None else {k.tobytes(): i for i, k in enumerate(previous.keys)}
    source = np.full(len(texts), -1, dtype=np.int64)  # row in `previous`, or -1
    first_row: dict[bytes, int] = {}  # missing text -> the row that embeds it
    for row, d in enumerate(digests):
        hit = cached.get(d)
        if hit is not None:
            source[row] = hit
        elif d not in first_row:
            first_row[d] = row
    hits = source >= 0
    stats = EmbedStats(products=len(texts), embedded=len(first_row), reused=int(hits.sum()),
                       duplicates=int((~hits).sum()) - len(first_row))
    if previous is not None:
        stats.dropped = len(cached.keys() - set(digests))
    vectors = np.empty((len(texts), dim), dtype=np.float32)
    if stats.reused:
        vectors[hits] = previous.vectors[source[hits]]
    if first_row:
        rows = list(first_row.values())
        fresh = np.asarray(embed(rows, progress_label(stats.reused, len(rows))), dtype=np.float32)
        if fresh.shape != (len(rows), dim):
            raise ValueError(f"the embedder returned {fresh.shape} vectors for {len(rows)} texts of dim {dim}")
        slot = {d: i for i, d in enumerate(first_row)}
        missing = np.flatnonzero(~hits)
        vectors[missing] = fresh[[slot[digests[r]] for r in missing]]
    return vectors, keys, stats
