"""Index cache faults: every damaged, missing or unwritable piece is rebuilt once or named in a clear error.

"Rebuilt once" is checked by counting embeddings: the open after the repair must reuse the repaired
cache (no rebuild loop). A clear error is a `CatalogError` or `IndexCacheError` (a RuntimeError) whose
message names the command to run, never a raw FAISS, numpy, pickle or OS error.
"""

from __future__ import annotations

import errno
import json
import logging
import os

import pytest

from retrieval.catalog import CatalogError
from retrieval.filters import Filters
from retrieval.store import BuildOptions, IndexCacheError, cache_folder, open_engine
from tests.fakes import HashingEmbedder

N = 30


def _rows(n: int) -> list[dict]:
    return [{"parent_asin": f"P{i}", "title": f"phone model {i} {'black' if i % 3 else 'blue'}", "price": 100.0 + i,
             "average_rating": 4.0, "rating_number": 10 * i, "store": "Samsung" if i % 2 else "Google",
             "categories": ["Cell Phones & Accessories", "Cell Phones"], "details": {}} for i in range(n)]


@pytest.fixture()
def setup(tmp_path):
    """A built cache for a 30-product catalog; returns (catalog, cache_dir, folder, embedder, options)."""
    catalog = tmp_path / "cat.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in _rows(N)) + "\n")
    emb = HashingEmbedder()
    opts = BuildOptions(model=emb.name, show_progress=False)
    cache = tmp_path / "cache"
    open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 1
    return catalog, cache, cache_folder(cache, catalog, emb.name), emb, opts


def _reference_ids(engine) -> list[str]:
    return [h.product.id for h in engine.search("phone model 7", Filters(brand=["Samsung"]), k=5).hits]


def _damage(folder, how: str) -> None:
    index = folder / "index.faiss"
    if how == "index_truncated":
        index.write_bytes(index.read_bytes()[: index.stat().st_size // 3])
    elif how == "index_random_bytes":
        index.write_bytes(os.urandom(index.stat().st_size))
    elif how == "index_body_random":  # a valid FAISS header over rotten vectors: loads, but is wrong
        data = index.read_bytes()
        index.write_bytes(data[:64] + os.urandom(len(data) - 64))
    elif how == "index_deleted":
        index.unlink()
    elif how == "index_empty":
        index.write_bytes(b"")
    elif how == "index_meta_garbage":
        (folder / "index.json").write_text("{{{")
    elif how == "products_garbage":
        (folder / "products.pkl").write_bytes(os.urandom(256))
    elif how == "products_deleted":
        (folder / "products.pkl").unlink()
    elif how == "manifest_garbage":
        (folder / "manifest.json").write_text("\x00not json at all")
    elif how == "manifest_missing":
        (folder / "manifest.json").unlink()
    elif how == "manifest_not_an_object":
        (folder / "manifest.json").write_text("[1, 2, 3]")
    elif how == "manifest_catalog_not_an_object":
        m = json.loads((folder / "manifest.json").read_text())
        m["catalog"] = "cat.jsonl"
        (folder / "manifest.json").write_text(json.dumps(m))
    elif how == "manifest_wrong_version":
        m = json.loads((folder / "manifest.json").read_text())
        m["version"] = 999
        (folder / "manifest.json").write_text(json.dumps(m))
    elif how == "manifest_wrong_count":  # files intact but the manifest lies about them
        m = json.loads((folder / "manifest.json").read_text())
        m["files"]["index.faiss"]["size"] += 1
        (folder / "manifest.json").write_text(json.dumps(m))
    elif how == "folder_is_a_file":
        import shutil

        shutil.rmtree(folder)
        folder.write_text("not a folder")
    else:  # pragma: no cover
        raise AssertionError(how)


FAULTS = ["index_truncated", "index_random_bytes", "index_body_random", "index_deleted", "index_empty",
          "index_meta_garbage", "products_garbage", "products_deleted", "manifest_garbage", "manifest_missing",
          "manifest_not_an_object", "manifest_catalog_not_an_object", "manifest_wrong_version",
          "manifest_wrong_count", "folder_is_a_file"]


@pytest.mark.parametrize("how", FAULTS)
def test_damaged_cache_is_rebuilt_once_and_then_reused(setup, how, caplog):
    catalog, cache, folder, emb, opts = setup
    expected = _reference_ids(open_engine(catalog, cache, opts, embedder=emb))
    assert emb.calls == 1
    _damage(folder, how)
    with caplog.at_level(logging.WARNING, logger="retrieval.store"):
        engine = open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 2, "a damaged cache must be rebuilt"
    assert engine.size == N and _reference_ids(engine) == expected
    assert any("building index" in r.getMessage() for r in caplog.records), "the rebuild must be logged"
    # The repaired cache is whole: the next two opens reuse it (no rebuild loop).
    again = open_engine(catalog, cache, opts, embedder=emb)
    open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 2 and again.size == N and _reference_ids(again) == expected
    assert folder.is_dir() and not [p for p in folder.parent.iterdir() if ".tmp-" in p.name]


def test_manifest_records_a_checksum_of_every_cache_file(setup):
    _, _, folder, _, _ = setup
    files = json.loads((folder / "manifest.json").read_text())["files"]
    assert {"index.faiss", "index.json", "products.pkl"} <= set(files)
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in files.values())


def test_touched_catalog_with_same_content_is_not_rebuilt(setup):
    catalog, cache, _, emb, opts = setup
    st = catalog.stat()
    os.utime(catalog, (st.st_atime + 100, st.st_mtime + 100))
    open_engine(catalog, cache, opts, embedder=emb)
    open_engine(catalog, cache, opts, embedder=emb)
    assert emb.calls == 1


def test_missing_catalog_is_a_clear_error_naming_the_setting_and_command(tmp_path):
    emb = HashingEmbedder()
    with pytest.raises(CatalogError) as err:
        open_engine(tmp_path / "nope.jsonl.gz", tmp_path / "cache", BuildOptions(model=emb.name), embedder=emb)
    msg = str(err.value)
    assert "nope.jsonl.gz" in msg and "SIFT_CATALOG" in msg and "sift index build" in msg
    assert emb.calls == 0


def test_missing_catalog_with_a_cache_still_fails_clearly(setup):
    catalog, cache, _, emb, opts = setup
    catalog.unlink()
    with pytest.raises(CatalogError, match="SIFT_CATALOG"):
        open_engine(catalog, cache, opts, embedder=emb)


def test_catalog_folder_instead_of_file_is_a_clear_error(tmp_path):
    emb = HashingEmbedder()
    (tmp_path / "dir.jsonl").mkdir()
    with pytest.raises(CatalogError, match="sift index build"):
        open_engine(tmp_path / "dir.jsonl", tmp_path / "cache", BuildOptions(model=emb.name), embedder=emb)


def test_wiring_names_sift_catalog_when_the_configured_file_is_gone(tmp_path, monkeypatch):
    from sift.settings import Settings
    from sift.wiring import build_engine

    monkeypatch.setenv("SIFT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SIFT_CATALOG", str(tmp_path / "gone.jsonl"))
    with pytest.raises(CatalogError, match="SIFT_CATALOG.*sift index build"):
        build_engine(Settings(), show_progress=False)


def test_cache_dir_that_is_a_file_is_a_clear_error(tmp_path):
    """Running as root, chmod cannot forbid writing; a file where the cache folder belongs can."""
    catalog = tmp_path / "cat.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in _rows(5)) + "\n")
    (tmp_path / "cache").write_text("I am a file")
    emb = HashingEmbedder()
    with pytest.raises(IndexCacheError) as err:
        open_engine(catalog, tmp_path / "cache", BuildOptions(model=emb.name, show_progress=False), embedder=emb)
    assert isinstance(err.value, RuntimeError)
    assert "sift index build" in str(err.value) and "SIFT_HOME" in str(err.value)
    assert str(tmp_path / "cache") in str(err.value)


def test_disk_full_while_writing_is_a_clear_error_and_leaves_no_partial_cache(tmp_path, monkeypatch):
    import retrieval.store as store

    catalog = tmp_path / "cat.jsonl"
    catalog.write_text("\n".join(json.dumps(r) for r in _rows(8)) + "\n")
    emb = HashingEmbedder()
    opts = BuildOptions(model=emb.name, show_progress=False)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.pickle, "dump", full)
    with pytest.raises(IndexCacheError, match="No space left"):
        open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    folder = cache_folder(tmp_path / "cache", catalog, emb.name)
    assert not folder.exists() and not [p for p in folder.parent.iterdir() if ".tmp" in p.name]
    monkeypatch.undo()  # space again: the next open builds and the one after reuses
    assert open_engine(catalog, tmp_path / "cache", opts, embedder=emb).size == 8
    open_engine(catalog, tmp_path / "cache", opts, embedder=emb)
    assert emb.calls == 2


def test_stale_temporary_from_a_crashed_build_does_not_block_the_next(setup):
    catalog, cache, folder, emb, opts = setup
    (folder.with_name(folder.name + ".tmp")).write_text("left by a crash")  # the old fixed tmp name, as a file
    (folder / "index.faiss").unlink()
    assert open_engine(catalog, cache, opts, embedder=emb).size == N and emb.calls == 2


def test_read_only_manifest_update_does_not_fail_the_open(setup, monkeypatch):
    """Catalog touched (mtime changes) but the manifest cannot be rewritten: serve from the cache anyway."""
    import retrieval.store as store

    catalog, cache, _, emb, opts = setup
    st = catalog.stat()
    os.utime(catalog, (st.st_atime + 50, st.st_mtime + 50))

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store, "_write_manifest", refuse)
    assert open_engine(catalog, cache, opts, embedder=emb).size == N and emb.calls == 1


def test_embedder_with_another_dimension_rebuilds_instead_of_crashing(setup):
    catalog, cache, _, _, opts = setup
    wider = HashingEmbedder(dim=32)  # same name, different dim: the cached vectors do not fit
    engine = open_engine(catalog, cache, opts, embedder=wider)
    assert wider.calls == 1 and engine.index.dim == 32
    open_engine(catalog, cache, opts, embedder=wider)
    assert wider.calls == 1
