"""Index persistence: reuse when current, rebuild on catalog change, recover from a damaged cache."""

import json

import numpy as np

from retrieval.filters import Filters
from retrieval.store import BuildOptions, cache_folder, open_engine
from tests.fakes import HashingEmbedder


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def _rows(n, extra=""):
    return [{"parent_asin": f"P{i}", "title": f"phone model {i} {extra} black", "price": 100 + i,
             "average_rating": 4.0, "rating_number": i, "store": "Samsung" if i % 2 else "Google",
             "categories": ["Cell Phones & Accessories", "Cell Phones"], "details": {}} for i in range(n)]


def test_reuse_rebuild_and_recover(tmp_path):
    catalog = tmp_path / "cat.jsonl"
    _write(catalog, _rows(30))
    emb = HashingEmbedder()
    opts = BuildOptions(model=emb.name, show_progress=False)
    e1 = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert e1.size == 30 and emb.calls == 1
    r1 = e1.search("model 7 phone", Filters(brand=["samsung"]), k=5)

    e2 = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)  # reused: nothing re-embedded
    assert emb.calls == 1
    r2 = e2.search("model 7 phone", Filters(brand=["samsung"]), k=5)
    assert [h.product.id for h in r1.hits] == [h.product.id for h in r2.hits]
    np.testing.assert_allclose([h.score for h in r1.hits], [h.score for h in r2.hits], rtol=1e-6)

    _write(catalog, _rows(35, extra="new"))  # catalog content changed -> rebuilt
    e3 = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert e3.size == 35 and emb.calls == 2 and e3.manifest["count"] == 35

    folder = cache_folder(tmp_path / "cache", catalog, emb.name)
    (folder / "index.faiss").write_bytes(b"corrupt")  # damaged cache -> rebuilt, not a crash
    e4 = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert e4.size == 35 and emb.calls == 3
    (folder / "products.pkl").unlink()  # missing file -> rebuilt
    assert open_engine(catalog, tmp_path / "cache", opts, embedder=emb).size == 35 and emb.calls == 4

    other = BuildOptions(model="another-model", show_progress=False)  # model change -> its own index
    open_engine(catalog, tmp_path / "cache", other, embedder=emb)
    assert emb.calls == 5


def test_manifest_records_build(tmp_path):
    catalog = tmp_path / "cat.jsonl"
    _write(catalog, _rows(12))
    emb = HashingEmbedder()
    engine = open_engine(catalog, tmp_path / "cache", BuildOptions(model=emb.name, show_progress=False), embedder=emb)
    m = engine.manifest
    assert m["model"] == emb.name and m["dim"] == emb.dim and m["count"] == 12 and m["index_kind"] == "flat"
    assert len(m["catalog"]["sha256"]) == 64 and {"faiss", "torch", "numpy"} <= set(m["versions"])
