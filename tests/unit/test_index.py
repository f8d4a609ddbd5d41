"""Filtered top-k must equal numpy brute force over the filtered subset, on flat and IVF indexes."""

import numpy as np
import pytest

from retrieval.index import IndexConfig, VectorIndex, ivf_cells


def _unit(rng, n, d):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute(vectors, q, allowed, k):
    sims = vectors[allowed] @ q
    order = np.argsort(-sims, kind="stable")[:k]
    return allowed[order]


@pytest.fixture(scope="module")
def data():
    # Clustered like real embeddings (uniform random vectors have no structure for IVF to exploit).
    rng = np.random.default_rng(0)
    centers = _unit(rng, 40, 32)
    x = centers[rng.integers(0, 40, 6000)] + 0.06 * rng.standard_normal((6000, 32)).astype(np.float32)
    q = centers[rng.integers(0, 40, 20)] + 0.06 * rng.standard_normal((20, 32)).astype(np.float32)
    norm = lambda a: (a / np.linalg.norm(a, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    return norm(x), norm(q), rng


@pytest.mark.parametrize("selector", ["bitmap", "batch"])
@pytest.mark.parametrize("kind", ["flat", "ivf"])
@pytest.mark.parametrize("fraction", [0.0005, 0.02, 0.3, 0.9])
def test_filtered_topk_equals_brute_force(data, kind, fraction, selector):
    vectors, queries, rng = data
    config = IndexConfig(flat_threshold=10**9 if kind == "flat" else 1000, exact_subset_max=200, nprobe=4,
                         selector=selector)
    index = VectorIndex.build(vectors, config)
    assert index.kind == kind
    allowed = np.sort(rng.choice(len(vectors), size=max(3, int(fraction * len(vectors))), replace=False))
    out = index.search(queries, 10, allowed)
    overlap = []
    for qi, q in enumerate(queries):
        expected = _brute(vectors, q, allowed, 10)
        got = out.ids[qi][out.ids[qi] >= 0]
        assert len(got) == min(10, len(allowed)) and set(got.tolist()) <= set(allowed.tolist())
        if out.exhaustive:
            assert list(got) == list(expected)
        overlap.append(len(set(got.tolist()) & set(expected.tolist())) / len(expected))
    # IVF over a broad filter is approximate (never short, never outside the filter); exact otherwise.
    assert np.mean(overlap) >= (0.85 if not out.exhaustive else 1.0)
    assert out.exhaustive == (kind == "flat" or len(allowed) <= config.exact_subset_max)


def test_flat_vectors_are_a_view_of_faiss_storage(data):
    vectors, _, _ = data
    index = VectorIndex.build(vectors)
    assert index.kind == "flat" and not index.vectors.flags["OWNDATA"]
    np.testing.assert_array_equal(index.vectors, vectors)


def test_filter_admitting_three_returns_exactly_those(data):
    vectors, queries, _ = data
    for config in (IndexConfig(), IndexConfig(flat_threshold=1000, exact_subset_max=0)):
        index = VectorIndex.build(vectors, config)
        allowed = np.array([5, 77, 4001], dtype=np.int64)
        out = index.search(queries[:1], 10, allowed)
        assert sorted(out.ids[0][:3].tolist()) == [5, 77, 4001]
        assert (out.ids[0][3:] == -1).all() and out.exhaustive


def test_empty_filter_and_no_filter(data):
    vectors, queries, _ = data
    index = VectorIndex.build(vectors)
    out = index.search(queries[:2], 5, np.array([], dtype=np.int64))
    assert (out.ids == -1).all()
    out = index.search(queries[:2], 5)
    assert out.exhaustive and (out.ids >= 0).all()
    assert list(out.ids[0]) == list(_brute(vectors, queries[0], np.arange(len(vectors)), 5))


def test_save_load_round_trip_identical(data, tmp_path):
    vectors, queries, rng = data
    for config in (IndexConfig(), IndexConfig(flat_threshold=1000, exact_subset_max=100)):
        index = VectorIndex.build(vectors, config)
        allowed = np.sort(rng.choice(len(vectors), 2500, replace=False))
        before = index.search(queries, 10, allowed), index.search(queries, 10)
        index.save(tmp_path / index.kind)
        loaded = VectorIndex.load(tmp_path / index.kind)
        after = loaded.search(queries, 10, allowed), loaded.search(queries, 10)
        assert loaded.kind == index.kind
        for b, a in zip(before, after, strict=True):
            np.testing.assert_array_equal(b.ids, a.ids)
            np.testing.assert_allclose(b.scores, a.scores, rtol=1e-6)


def test_ivf_cells_rule():
    assert ivf_cells(1_000_000) == 4000
    assert ivf_cells(10_000) == 256  # >= 39 points per cell caps 400 to 256
