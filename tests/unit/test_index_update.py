"""Incremental index updates: a changed catalog re-embeds only new or changed product texts.

Counted with the hashing embedder, which records every text it embeds: unchanged texts are never embedded
again, a price change embeds nothing, an edited product embeds exactly that product, removed products
vanish, a damaged cache is rebuilt from scratch, and the updated index answers exactly as a full rebuild.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from retrieval.embedder import product_text
from retrieval.embedding_cache import KEYS_FILE, CachedVectors, assemble, progress_label, text_keys
from retrieval.filters import Filters
from retrieval.store import BuildOptions, cache_folder, describe, open_engine
from tests.fakes import HashingEmbedder

N = 40
QUERIES = [("phone model 7 black", Filters()), ("blue phone", Filters(brand=["Samsung"])),
           ("model 12", Filters(price_max=130)), ("google phone 30", Filters(average_rating_min=4))]


def _rows(n: int = N) -> list[dict]:
    return [{"parent_asin": f"P{i}", "title": f"phone model {i} {'black' if i % 3 else 'blue'}", "price": 100.0 + i,
             "average_rating": 4.0 + (i % 2) / 2, "rating_number": 10 * i, "store": "Samsung" if i % 2 else "Google",
             "features": [f"feature {i % 5}"], "categories": ["Cell Phones & Accessories", "Cell Phones"],
             "details": {}} for i in range(n)]


def _write(path, rows) -> None:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")


@pytest.fixture()
def built(tmp_path):
    """A 40-product catalog with its index built; returns (catalog, cache_dir, embedder, options, rows)."""
    catalog = tmp_path / "cat.jsonl"
    rows = _rows()
    _write(catalog, rows)
    emb = HashingEmbedder()
    opts = BuildOptions(model=emb.name, show_progress=False)
    engine = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert emb.calls == 1 and len(emb.embedded) == N and engine.manifest["opened"]["action"] == "built"
    emb.embedded.clear()
    return catalog, tmp_path / "cache", emb, opts, rows


def _answers(engine) -> list[tuple[list[str], list[float]]]:
    out = []
    for q, f in QUERIES:
        hits = engine.search(q, f, k=8).hits
        out.append(([h.product.id for h in hits], [h.score for h in hits]))
    return out


def _assert_same_as_full_rebuild(engine, catalog, tmp_path) -> None:
    fresh = HashingEmbedder()
    full = open_engine(catalog, tmp_path / "fresh-cache", BuildOptions(model=fresh.name, show_progress=False),
                       embedder=fresh, rebuild=True)
    assert [p.id for p in engine.products] == [p.id for p in full.products]
    np.testing.assert_array_equal(np.asarray(engine.index.vectors), np.asarray(full.index.vectors))
    for (ids, scores), (ids_full, scores_full) in zip(_answers(engine), _answers(full), strict=True):
        assert ids == ids_full
        np.testing.assert_allclose(scores, scores_full, rtol=1e-6)


def test_price_and_stock_change_embeds_nothing(built, tmp_path):
    catalog, cache, emb, opts, rows = built
    for r in rows[::4]:
        r["price"] = r["price"] * 0.5
        r["rating_number"] += 7
    _write(catalog, rows)
    engine = open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 1 and emb.embedded == []
    m = engine.manifest
    assert m["opened"]["action"] == "updated" and m["opened"]["reason"] == "catalog changed"
    assert m["embeddings"] == {"products": N, "embedded": 0, "reused": N, "duplicates": 0, "dropped": 0}
    assert engine.product("P4").price == pytest.approx(52.0)  # the new attributes are served
    assert {h.product.id for h in engine.search("phone", Filters(price_max=70), k=40).hits} == \
        {f"P{i}" for i in range(0, N, 4)}
    _assert_same_as_full_rebuild(engine, catalog, tmp_path)


def test_changed_text_embeds_exactly_that_product(built, tmp_path):
    catalog, cache, emb, opts, rows = built
    rows[7]["title"] = "phone model 7 now in a shiny purple edition"
    _write(catalog, rows)
    engine = open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 2 and emb.embedded == [product_text(engine.product("P7"))]
    assert engine.manifest["embeddings"] == {"products": N, "embedded": 1, "reused": N - 1, "duplicates": 0,
                                             "dropped": 1}
    assert engine.search("shiny purple edition", k=1).hits[0].product.id == "P7"
    _assert_same_as_full_rebuild(engine, catalog, tmp_path)
    open_engine(catalog, cache, opts, embedder=emb)  # the updated cache is current: nothing more embedded
    assert emb.calls == 2


def test_removed_products_vanish_and_new_ones_are_embedded(built, tmp_path):
    catalog, cache, emb, opts, rows = built
    kept = [r for r in rows if r["parent_asin"] not in {"P3", "P10", "P11"}]
    added = [dict(rows[0], parent_asin="NEW1", title="rugged outdoor phone with a huge battery")]
    _write(catalog, added + kept)  # the rows move too: vectors follow their text, not their row
    engine = open_engine(catalog, cache, opts, embedder=emb)
    assert emb.embedded == ["rugged outdoor phone with a huge battery feature 0"]
    assert engine.size == N - 2 and engine.manifest["embeddings"]["dropped"] == 3
    for gone in ("P3", "P10", "P11"):
        assert engine.product(gone) is None
    seen = {h.product.id for q, f in QUERIES for h in engine.search(q, f, k=N).hits}
    assert seen and not seen & {"P3", "P10", "P11"}
    assert engine.search("rugged outdoor battery", k=1).hits[0].product.id == "NEW1"
    _assert_same_as_full_rebuild(engine, catalog, tmp_path)


def test_identical_texts_are_embedded_once(tmp_path):
    catalog = tmp_path / "cat.jsonl"
    rows = _rows(6) + [dict(r, parent_asin=r["parent_asin"] + "-v2", price=r["price"] + 1) for r in _rows(6)]
    _write(catalog, rows)
    emb = HashingEmbedder()
    engine = open_engine(catalog, tmp_path / "cache", BuildOptions(model=emb.name, show_progress=False), embedder=emb)
    assert len(emb.embedded) == 6 and engine.manifest["embeddings"]["duplicates"] == 6
    np.testing.assert_array_equal(engine.index.vectors[:6], engine.index.vectors[6:])


def test_damaged_keys_file_rebuilds_from_scratch_then_updates_again(built):
    catalog, cache, emb, opts, rows = built
    folder = cache_folder(cache, catalog, emb.name)
    (folder / KEYS_FILE).write_bytes(b"garbage")
    rows[0]["price"] = 1.0
    _write(catalog, rows)
    engine = open_engine(catalog, cache, opts, embedder=emb)
    assert len(emb.embedded) == N and engine.manifest["opened"]["action"] == "built"
    rows[1]["price"] = 2.0
    _write(catalog, rows)
    emb.embedded.clear()
    assert open_engine(catalog, cache, opts, embedder=emb).manifest["opened"]["action"] == "updated"
    assert emb.embedded == []


@pytest.mark.parametrize("change", ["rebuild", "max_seq_length", "dimension", "format"])
def test_what_invalidates_every_vector(built, change):
    catalog, cache, emb, opts, rows = built
    rows[0]["price"] = 1.0
    _write(catalog, rows)
    embedder, rebuild = emb, False
    if change == "rebuild":
        rebuild = True
    elif change == "max_seq_length":
        opts = BuildOptions(model=emb.name, show_progress=False, max_seq_length=opts.max_seq_length // 2)
    elif change == "dimension":
        embedder = HashingEmbedder(dim=32)
    else:
        folder = cache_folder(cache, catalog, emb.name)
        m = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps(dict(m, version=1)))
    engine = open_engine(catalog, cache, opts, embedder=embedder, rebuild=rebuild)
    assert len(embedder.embedded) == N and engine.manifest["embeddings"]["reused"] == 0


def test_retrained_weights_in_the_same_folder_are_a_new_model(tmp_path):
    model_dir = tmp_path / "my-model"
    model_dir.mkdir()
    (model_dir / "model.safetensors").write_bytes(b"weights v1")
    catalog = tmp_path / "cat.jsonl"
    _write(catalog, _rows(10))
    emb = HashingEmbedder()
    opts = BuildOptions(model=str(model_dir), show_progress=False)
    open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert open_engine(catalog, tmp_path / "cache", opts, embedder=emb).manifest["opened"]["action"] == "reused"
    (model_dir / "model.safetensors").write_bytes(b"weights v2, retrained")
    engine = open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert engine.manifest["opened"] == {**engine.manifest["opened"], "action": "built",
                                         "reason": "model weights changed"}
    assert len(emb.embedded) == 20


def test_describe_says_what_was_embedded_and_reused(built):
    catalog, cache, emb, opts, rows = built
    rows[5]["title"] = "a different phone"
    _write(catalog, rows)
    line = describe(open_engine(catalog, cache, opts, embedder=emb).manifest)
    assert line.startswith("index updated (catalog changed): 40 products")
    assert "embedded 1 new or changed texts, reused 39 cached vectors, dropped 1" in line
    assert describe(open_engine(catalog, cache, opts, embedder=emb).manifest).startswith("index current")


def test_progress_label_counts_products():
    assert progress_label(0, 3000) == "Embedding 3,000 products"
    assert progress_label(2970, 30) == "Reusing 2,970 cached embeddings, embedding 30 new or changed products"


def test_assemble_embeds_misses_once_and_copies_hits():
    texts = ["a", "b", "c", "b", "d"]
    prev = CachedVectors(text_keys(["b", "x", "d"]), np.eye(3, dtype=np.float32))
    asked: list[tuple[list[int], str]] = []

    def embed(rows, label):
        asked.append((rows, label))
        return np.full((len(rows), 3), 0.5, dtype=np.float32) + np.arange(len(rows))[:, None]

    vectors, keys, stats = assemble(texts, prev, embed, dim=3)
    assert asked == [([0, 2], "Reusing 3 cached embeddings, embedding 2 new or changed products")]
    np.testing.assert_array_equal(vectors[[1, 3, 4]], np.eye(3, dtype=np.float32)[[0, 0, 2]])
    np.testing.assert_array_equal(vectors[[0, 2], 0], [0.5, 1.5])
    np.testing.assert_array_equal(keys, text_keys(texts))
    assert stats.to_json() == {"products": 5, "embedded": 2, "reused": 3, "duplicates": 0, "dropped": 1}
    _, _, none = assemble(["b", "d"], prev, lambda rows, label: pytest.fail("nothing to embed"), dim=3)
    assert none.embedded == 0 and none.reused == 2


def test_index_maintenance_loads_the_model_only_when_a_text_changed(built, monkeypatch):
    import retrieval.store as store

    catalog, cache, emb, opts, rows = built
    loads = []
    monkeypatch.setattr(store, "_load_embedder", lambda options: loads.append(options.model) or emb)
    rows[0]["price"] = 1.0
    _write(catalog, rows)
    engine = open_engine(catalog, cache, opts, for_queries=False)  # price only: no model
    assert loads == [] and engine.embedder is None and engine.manifest["embeddings"]["embedded"] == 0
    assert open_engine(catalog, cache, opts, for_queries=False).manifest["opened"]["action"] == "reused"
    assert loads == []
    rows[0]["title"] = "a new title"
    _write(catalog, rows)
    engine = open_engine(catalog, cache, opts, for_queries=False)  # a changed text: the model loads once
    assert loads == [emb.name] and emb.embedded == ["a new title feature 0"]
    open_engine(catalog, cache, opts)  # serving always has an embedder for queries
    assert loads == [emb.name, emb.name]


def test_sift_index_update_command_says_what_it_embedded(tmp_path, monkeypatch, capsys):
    from sift.cli import main

    monkeypatch.setenv("SIFT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SIFT_EMBEDDER", "test-hashing")
    emb = HashingEmbedder()
    monkeypatch.setattr("retrieval.embedder.Embedder.load", classmethod(lambda cls, *a, **k: emb))
    catalog = tmp_path / "cat.jsonl"
    rows = _rows()
    _write(catalog, rows)
    assert main(["index", "build", "--catalog", str(catalog)]) == 0
    rows[2]["title"], rows[3]["price"] = "phone model 2 in gold", 1.0
    _write(catalog, rows)
    capsys.readouterr()
    assert main(["index", "update", "--catalog", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "index updated (catalog changed): 40 products" in out
    assert "embedded 1 new or changed texts, reused 39 cached vectors" in out
    assert main(["index", "update", "--catalog", str(catalog)]) == 0
    assert capsys.readouterr().out.startswith("index current: 40 products")
