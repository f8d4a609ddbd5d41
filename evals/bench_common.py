"""What the retrieval benchmarks share: their configuration, exact top-k and recall against it, latency
percentiles, one timed search the way SearchEngine runs it, and the memory an index and attribute table take.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.attributes import AttributeTable
from retrieval.filters import Filters
from retrieval.index import SearchOutput, VectorIndex

K = 10
REAL_CATALOG = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catalogs" / \
    "amazon_in_electronics.jsonl.gz"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "bench_retrieval.json"
DEFAULT_PLOT = Path(__file__).resolve().parents[1] / "docs" / "img" / "latency_vs_size.png"


# ------------------------------------------------------------------------------------------ config
@dataclass
class BenchConfig:
    """What to run. `quick=True` shrinks everything (300 demo products, 20k synthetic vectors)."""

    catalog: Path | None = None  # None: the real catalog when present, else the demo catalog
    quick: bool = False
    out: Path | None = DEFAULT_OUT
    plot: Path | None = DEFAULT_PLOT
    cache_dir: Path | None = field(default_factory=lambda: Path.home() / ".cache" / "sift")
    n_queries: int | None = None  # per selectivity; default 200 (quick: 40)
    throughput_n: int | None = None  # products embedded by both embedders; default 96 (quick: 40)
    bf16_query_n: int | None = None  # bf16 query embeddings timed; default 50 (quick: 10)
    scale_sizes: tuple[int, ...] | None = None  # default (100_000, 1_000_000) (quick: (20_000,))
    demo_products: int = 300
    seed: int = 1234

    def resolved(self) -> BenchConfig:
        c = BenchConfig(**asdict(self))
        c.n_queries = c.n_queries or (40 if c.quick else 200)
        c.throughput_n = c.throughput_n or (40 if c.quick else 96)
        c.bf16_query_n = c.bf16_query_n or (10 if c.quick else 50)
        c.scale_sizes = c.scale_sizes or ((20_000,) if c.quick else (100_000, 1_000_000))
        return c


# ------------------------------------------------------------------------------------------ stats
def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    a = np.asarray(samples_ms, dtype=np.float64)
    if a.size == 0:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "n": 0}
    return {"p50_ms": round(float(np.percentile(a, 50)), 4), "p95_ms": round(float(np.percentile(a, 95)), 4),
            "n": int(a.size)}


def exact_topk(vectors: np.ndarray, query: np.ndarray, allowed: np.ndarray | None, k: int = K
               ) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force filtered top-k (rows, scores): the reference every recall figure is measured against."""
    sub = vectors if allowed is None else vectors[allowed]
    sims = sub @ query
    kk = min(k, sims.size)
    if kk == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    top = np.argpartition(-sims, kk - 1)[:kk]
    top = top[np.argsort(-sims[top], kind="stable")]
    rows = top if allowed is None else allowed[top]
    return rows.astype(np.int64), sims[top]


def recall_at_k(returned: Sequence[int], vectors: np.ndarray, query: np.ndarray, allowed_mask: np.ndarray | None,
                exact_scores: np.ndarray, k: int = K) -> float:
    """Share of the exact top-k that `returned` recovers, tie-aware.

    A returned row counts when it satisfies the filter and its true score is at least the exact k-th
    score (minus float noise), so duplicate products with equal scores do not count as misses.
    """
    want = min(k, exact_scores.size)
    if want == 0:
        return 1.0
    kth = float(exact_scores[want - 1]) - 1e-5
    rows = [int(r) for r in returned[:k] if int(r) >= 0]
    good = 0
    for r in dict.fromkeys(rows):
        if allowed_mask is not None and not allowed_mask[r]:
            continue
        if float(vectors[r] @ query) >= kth:
            good += 1
    return min(good, want) / want


# ------------------------------------------------------------------------------------------ catalog
def memory_bytes(index: VectorIndex, table: AttributeTable | None) -> dict[str, Any]:
    # A flat VectorIndex views FAISS's own storage: the vectors are counted once, as FAISS bytes.
    shared = index.kind == "flat" and not index.vectors.flags["OWNDATA"] and index.vectors.base is not None
    vec = 0 if shared else int(index.vectors.nbytes)
    fi = index.faiss_index
    if index.kind == "flat":
        faiss_b = int(fi.ntotal) * index.dim * 4
    else:
        ivf = faiss.extract_index_ivf(fi)
        # IVF-Flat: each vector's code (d floats) + its 8-byte id, plus the centroids.
        faiss_b = int(ivf.ntotal) * (int(ivf.code_size) + 8) + int(ivf.nlist) * index.dim * 4
    attr = 0
    if table is not None:
        for arr in (table.price, table.rating, table.review_count, table.storage_gb, table.subcategory_codes,
                    table.condition):
            attr += int(arr.nbytes)
        attr += sum(int(a.nbytes) for d in table.postings.values() for a in d.values())
    n = max(1, index.size)
    return {"vectors_bytes": vec, "faiss_bytes": faiss_b, "attributes_bytes": attr,
            "total_bytes": vec + faiss_b + attr, "bytes_per_product": round((vec + faiss_b + attr) / n, 1),
            "note": "flat: the vectors are a view of FAISS's storage" if shared
            else "IVF: a float32 copy of the vectors (for the exact path) next to FAISS's inverted lists"}




def timed_search(index: VectorIndex, table: AttributeTable, f: Filters | None, q: np.ndarray,
                 ) -> tuple[SearchOutput, float, float, float]:
    """Sift's path for one query vector, timed: filters -> allowed ids -> index (what SearchEngine.search does
    after embedding). (output, filter ms, search ms, total ms)."""
    t0 = time.perf_counter()
    allowed = None if f is None else table.allowed_ids(f)
    t1 = time.perf_counter()
    out = index.search(q[None, :], K, allowed)
    t2 = time.perf_counter()
    return out, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - t0) * 1e3
