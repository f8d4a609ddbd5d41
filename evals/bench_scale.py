"""The retrieval benchmark at catalog sizes no real catalog here has (up to 1M products): random unit vectors
and a synthetic attribute table, the filtered-search planner's path per selectivity, and the ID-selector
ablation (bitmap against batch).
"""

from __future__ import annotations

import gc
import time
from typing import Any

import faiss
import numpy as np

from retrieval.attributes import AttributeTable
from retrieval.filters import Filters
from retrieval.index import IndexConfig, VectorIndex

from .bench_common import BenchConfig, K, memory_bytes, percentiles, recall_at_k, timed_search
from .bench_report import SELECTIVITIES


def random_unit_vectors(n: int, d: int, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
    out = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, chunk):
        block = rng.standard_normal((min(chunk, n - s), d), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[s:s + block.shape[0]] = block
    return out


def synthetic_table(n: int, rng: np.random.Generator) -> AttributeTable:
    """An attribute table with a random price column (no Product objects: 1M of those is ~1 GB of Python)."""
    price = np.round(rng.lognormal(mean=3.5, sigma=1.2, size=n), 2)
    nan = np.full(n, np.nan)
    return AttributeTable(price=price, rating=nan.copy(), review_count=nan.copy(), storage_gb=nan.copy(),
                          subcategory_codes=np.zeros(n, dtype=np.int32), subcategories=[None],
                          condition=np.zeros(n, dtype=bool), postings={"brand": {}, "color": {}, "carrier": {}},
                          display={"brand": {}, "color": {}, "carrier": {}})


def bench_scale(n: int, d: int, n_queries: int, config: BenchConfig) -> dict[str, Any]:
    rng = np.random.default_rng(config.seed + n)
    t0 = time.perf_counter()
    vectors = random_unit_vectors(n, d, rng)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = VectorIndex.build(vectors, IndexConfig())
    build_s = time.perf_counter() - t0
    table = synthetic_table(n, rng)
    queries = random_unit_vectors(n_queries, d, rng)
    levels = []
    for target in (*SELECTIVITIES, None):
        f = None if target is None else Filters(price_max=round(float(np.quantile(table.price, target)), 2))
        mask = None if f is None else table.mask(f)
        allowed_ref = None if mask is None else np.flatnonzero(mask).astype(np.int64)
        # Exact reference in one matrix product per selectivity.
        sub = vectors if allowed_ref is None else vectors[allowed_ref]
        exact_scores = []
        for s in range(0, n_queries, 50):
            sims = queries[s:s + 50] @ sub.T
            part = -np.partition(-sims, min(K, sims.shape[1]) - 1, axis=1)[:, :K]
            exact_scores.extend(np.sort(part, axis=1)[:, ::-1])
            del sims
        del sub
        total, filt, search, recall, exhaustive, nprobe = [], [], [], [], [], []
        for i in range(n_queries):
            q = queries[i]
            out, filter_ms, search_ms, total_ms = timed_search(index, table, f, q)
            filt.append(filter_ms)
            search.append(search_ms)
            total.append(total_ms)
            exhaustive.append(out.exhaustive)
            recall.append(recall_at_k(out.ids[0], vectors, q, mask, exact_scores[i]))
        if index.kind == "ivf" and _path(index, None if allowed_ref is None else int(allowed_ref.size)).startswith("faiss"):
            params = index._params(None, None if allowed_ref is None else allowed_ref.size, K)
            nprobe.append(int(params.nprobe))
        matched = n if allowed_ref is None else int(allowed_ref.size)
        level = {"target": target, "actual": round(matched / n, 4), "matched": matched,
                 "filters": None if f is None else f.active(),
                 "path": _path(index, None if allowed_ref is None else matched),
                 "nprobe": nprobe[0] if nprobe else None,
                 "sift": {**percentiles(total), "filter_p50_ms": percentiles(filt)["p50_ms"],
                          "search_p50_ms": percentiles(search)["p50_ms"],
                          "search_p95_ms": percentiles(search)["p95_ms"],
                          "recall_at_10": round(float(np.mean(recall)), 4),
                          "exhaustive_share": round(float(np.mean(exhaustive)), 4)}}
        if allowed_ref is not None and matched >= 1000:
            # FAISS path only (the planner answers sets <= exact_subset_max exactly, without FAISS).
            level["selector_ablation"] = selector_ablation(index, allowed_ref, mask, queries[: min(50, n_queries)])
        levels.append(level)
    result = {"n": n, "d": d, "data": "random unit vectors (uniform on the sphere: worst case for IVF)",
              "index_kind": index.kind, "nlist": index.nlist, "default_nprobe": index.config.nprobe,
              "flat_threshold": index.config.flat_threshold, "generate_s": round(gen_s, 2),
              "build_s": round(build_s, 2), "memory": memory_bytes(index, table), "selectivities": levels}
    del index, vectors
    gc.collect()
    return result


def _path(index: VectorIndex, matched: int | None) -> str:
    if matched is None:
        return f"faiss {index.kind} (no filter)"
    if matched <= K or matched <= min(index.config.exact_subset_max, index.size // 4):
        return "exact subset (numpy)"
    return f"faiss {index.kind} + IDSelector{index.config.selector.capitalize()}"


def selector_ablation(index: VectorIndex, allowed: np.ndarray, mask: np.ndarray, queries: np.ndarray
                      ) -> dict[str, Any]:
    """Same FAISS search and parameters with `IDSelectorBatch` (current) vs `IDSelectorBitmap`, per query,
    selector construction included (VectorIndex builds one per call)."""
    out: dict[str, Any] = {}
    bits = None
    for name in ("IDSelectorBatch", "IDSelectorBitmap"):
        times, ids_all = [], []
        for q in queries:
            t0 = time.perf_counter()
            if name == "IDSelectorBatch":
                sel = faiss.IDSelectorBatch(allowed.size, faiss.swig_ptr(allowed))
            else:
                bits = np.packbits(mask, bitorder="little")
                sel = faiss.IDSelectorBitmap(mask.size, faiss.swig_ptr(bits))
            if index.kind == "ivf":
                params = index._params(sel, int(allowed.size), K)
            else:
                params = faiss.SearchParameters(sel=sel)
            _, ids = index.faiss_index.search(q[None, :], K, params=params)
            times.append((time.perf_counter() - t0) * 1e3)
            ids_all.append(ids[0])
        out[name] = {**percentiles(times)}
        out[name + "_ids"] = ids_all
    same = all(np.array_equal(a, b) for a, b in zip(out.pop("IDSelectorBatch_ids"), out.pop("IDSelectorBitmap_ids"),
                                                     strict=True))
    out["same_results"] = bool(same)
    out["speedup"] = round(out["IDSelectorBatch"]["p50_ms"] / max(out["IDSelectorBitmap"]["p50_ms"], 1e-9), 2)
    return out


# ------------------------------------------------------------------------------------------ plot
