"""Building, caching and reopening a catalog's index.

One cache folder per (catalog file, embedder model). Its `manifest.json` records what built it
(model and weights fingerprint, max_seq_length, dtype, dim, count, catalog size/mtime/sha256, what was
embedded and reused, library versions, size and sha256 of every cache file).

* Catalog unchanged: the cached index is opened as is.
* Catalog changed (a new export, a price update): the catalog is re-read and the index rebuilt
  incrementally. Products whose text is unchanged keep their cached vectors; only new or changed texts
  are embedded (`retrieval.embedding_cache`), so a price- or stock-only change embeds nothing. The FAISS
  index, attribute table and product table are rebuilt from the vectors (seconds).
* Model, weights or max_seq_length changed, or `rebuild=True`: every product is embedded again.
* A file in the folder missing, unreadable or differing from its recorded checksum: rebuilt from scratch
  with a warning, so a damaged cache never becomes a crash loop; the next open reuses the rebuilt cache.

What cannot be repaired here raises an error that says what to do: a missing catalog (`CatalogError`)
or a cache folder that cannot be written (`IndexCacheError`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .attributes import AttributeTable
from .catalog import CatalogError, LoadReport, Product, file_sha256, load_catalog
from .embedder import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_SEQ_LENGTH,
    DEFAULT_MODEL,
    Embedder,
    model_fingerprint,
    product_text,
)
from .embedding_cache import KEYS_FILE, CachedVectors, assemble, load_keys, save_keys
from .filters import LevelTable
from .index import IndexConfig, VectorIndex
from .search import SearchEngine
from .specs import refresh_specs, specs_fingerprint

log = logging.getLogger(__name__)
MANIFEST_VERSION = 4  # 2: products carry url, currency, availability, category path; brands folded. 3: text_keys.npy
# 4: a local-currency price in details ("Price (INR)") is the price. Vectors of 3 are still valid (same texts).
_VECTORS_VALID_SINCE = 3
CACHE_FILES = ("index.faiss", "index.json", "vectors.npy", "products.pkl", KEYS_FILE)  # checksummed when present
BUILD_COMMAND = "sift index build --catalog CATALOG"


class IndexCacheError(RuntimeError):
    """The index cache folder cannot be written; the message names the folder and what to do."""


@dataclass
class BuildOptions:
    model: str = DEFAULT_MODEL
    dtype: str = "auto"  # auto: bf16 where the hardware runs it natively (see retrieval.embedder.resolve_dtype)
    batch_size: int = DEFAULT_BATCH_SIZE
    max_seq_length: int = DEFAULT_MAX_SEQ_LENGTH  # word pieces of product text the encoder reads (cache key)
    index: IndexConfig | None = None
    show_progress: bool = True


def cache_folder(cache_dir: str | Path, catalog: str | Path, model: str) -> Path:
    catalog = Path(catalog).resolve()
    stem = catalog.name.split(".")[0][:40]
    where = hashlib.sha1(str(catalog).encode()).hexdigest()[:8]
    model_slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)[-60:]
    return Path(cache_dir) / f"{stem}-{where}" / model_slug


# Library versions recorded in the manifest, read from package metadata: importing torch and
# sentence-transformers only to ask costs ~3 s, which a price-only update would otherwise pay.
_DISTRIBUTIONS = {"faiss": ("faiss-cpu", "faiss-gpu", "faiss"), "numpy": ("numpy",), "torch": ("torch",),
                  "transformers": ("transformers",), "sentence_transformers": ("sentence-transformers",)}


def _versions() -> dict[str, str]:
    out = {}
    for name, dists in _DISTRIBUTIONS.items():
        for dist in dists:
            try:
                out[name] = version(dist)
                break
            except PackageNotFoundError:
                continue
        else:
            out[name] = "not installed"
    return {**out, "python": platform.python_version()}


def _catalog_fingerprint(catalog: Path, previous: dict[str, Any] | None) -> dict[str, Any]:
    """size + mtime, and sha256 unless size and mtime match the previous build (hashing 4 GB takes ~10 s)."""
    st = catalog.stat()
    fp = {"path": str(catalog.resolve()), "size": st.st_size, "mtime": st.st_mtime}
    if previous and previous.get("size") == st.st_size and previous.get("mtime") == st.st_mtime:
        fp["sha256"] = previous.get("sha256")
    else:
        fp["sha256"] = file_sha256(catalog)
    return fp


def embedding_key(options: BuildOptions) -> dict[str, Any]:
    """What a cached vector depends on besides its text; vectors are reused only when all of it matches."""
    return {"model": options.model, "weights": model_fingerprint(options.model),
            "max_seq_length": options.max_seq_length}


def open_engine(
    catalog: str | Path,
    cache_dir: str | Path,
    options: BuildOptions | None = None,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    levels: LevelTable | None = None,
    for_queries: bool = True,
) -> SearchEngine:
    """Open the engine for `catalog`, building or updating its cached index when needed.

    `engine.manifest["opened"]` says what this call did: "reused" the cache, "updated" it (some vectors
    reused) or "built" it (every product embedded), and why. `for_queries=False` (index maintenance,
    `sift index update`) loads the model only when a text must be embedded, so a price-only update never
    pays its start-up; the engine may then have no embedder.
    """
    t0 = time.perf_counter()
    options = options or BuildOptions()
    catalog = Path(catalog)
    if not catalog.is_file():
        raise CatalogError(f"catalog file {catalog} not found. Set SIFT_CATALOG to an existing catalog file (or "
                           f"leave it unset for the demo catalog), then run `{BUILD_COMMAND}`.")
    folder = cache_folder(cache_dir, catalog, options.model)
    manifest = _read_manifest(folder)
    fp = _catalog_fingerprint(catalog, manifest.get("catalog") if manifest else None)
    key = embedding_key(options)
    reason = _stale_reason(manifest, fp, key, rebuild)
    if reason is None:
        try:
            if embedder is None and for_queries:
                embedder = _load_embedder(options)
            engine = _load(folder, manifest, options, embedder, levels)
        except Exception as exc:  # corrupt or partial cache: rebuild rather than crash
            reason = f"cached index unreadable ({type(exc).__name__}: {str(exc)[:300]})"
        else:
            if manifest["catalog"].get("mtime") != fp["mtime"]:  # touched, same content: remember new mtime
                manifest["catalog"] = fp
                try:
                    _write_manifest(folder, manifest)
                except OSError as exc:  # a read-only cache still serves; the check just hashes again
                    log.warning("could not update %s (%s)", folder / "manifest.json", exc)
            engine.manifest = {**manifest, "opened": {"action": "reused", "reason": "catalog unchanged",
                                                      "seconds": round(time.perf_counter() - t0, 3)}}
            return engine
    reusable = not rebuild and manifest and _VECTORS_VALID_SINCE <= int(manifest.get("version") or 0) <= MANIFEST_VERSION \
        and manifest.get("embedding") == key
    previous = _previous_vectors(folder, manifest, options) if reusable else None
    log.warning("building index for %s: %s%s", catalog, reason,
                "; reusing the vectors of unchanged texts" if previous is not None else "")
    engine = build_engine(catalog, folder, fp, options, embedder, levels, previous=previous, for_queries=for_queries)
    reused = engine.manifest["embeddings"]["reused"]
    engine.manifest = {**engine.manifest, "opened": {"action": "updated" if reused else "built",
                                                     "reason": reason, "seconds": round(time.perf_counter() - t0, 3)}}
    return engine


def _stale_reason(manifest: dict[str, Any] | None, fp: dict[str, Any], key: dict[str, Any],
                  rebuild: bool) -> str | None:
    """Why the cached index cannot be opened as is, or None when it can."""
    if rebuild:
        return "rebuild requested"
    if not manifest:
        return "no index built yet"
    if manifest.get("version") != MANIFEST_VERSION:
        return "index format changed"
    old = manifest.get("embedding") or {}
    if old.get("model") != key["model"]:
        return "model changed"
    if old.get("weights") != key["weights"]:
        return "model weights changed"
    if old.get("max_seq_length") != key["max_seq_length"]:
        return f"max_seq_length changed ({old.get('max_seq_length')} -> {key['max_seq_length']})"
    if manifest.get("catalog", {}).get("sha256") != fp["sha256"]:
        return "catalog changed"
    return None


def _previous_vectors(folder: Path, manifest: dict[str, Any], options: BuildOptions) -> CachedVectors | None:
    """The last build's vectors and text keys when every cache file is intact, else None (embed all)."""
    try:
        _verify(folder, manifest)
        index = VectorIndex.load(folder, options.index)
        return CachedVectors(load_keys(folder), index.vectors, owner=index)
    except Exception as exc:  # a damaged cache is rebuilt from scratch, never patched
        log.warning("cached vectors in %s unusable (%s: %s); embedding every product", folder,
                    type(exc).__name__, str(exc)[:200])
        return None


@contextlib.contextmanager
def _all_cores():
    """Embed a whole catalog with every core, then go back to the serving setting (one thread per query).

    Serving uses one torch thread (a query is tiny work and a second thread spin-waits for a busy core);
    a catalog build is big batched work that the second core speeds up.
    """
    try:
        import torch  # lazy: torch takes seconds to import; only model code needs it
    except ImportError:  # a fake embedder in tests
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(max(before, os.cpu_count() or 1))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def build_engine(catalog: Path, folder: Path, fingerprint: dict[str, Any], options: BuildOptions,
                 embedder: Embedder | None = None, levels: LevelTable | None = None,
                 previous: CachedVectors | None = None, for_queries: bool = True) -> SearchEngine:
    """Read the catalog, embed what `previous` does not hold, build and save the index.

    Without `embedder` and with `for_queries=False` the model is loaded only if a text is missing from
    `previous`."""
    report = LoadReport()
    t0 = time.perf_counter()
    products = load_catalog(catalog, report=report)
    if report.skipped:
        log.warning("%s", report.summary())
    t1 = time.perf_counter()
    if embedder is None and (for_queries or previous is None):
        embedder = _load_embedder(options)
    t2 = time.perf_counter()
    if previous is not None and embedder is not None and previous.dim != embedder.dim:
        log.warning("cached vectors have dim %d, the embedder %d; embedding every product", previous.dim,
                    embedder.dim)
        previous = None
    model_s = t2 - t1

    def embed(rows: list[int], label: str):
        nonlocal embedder, model_s
        if embedder is None:  # same model and weights as the cached vectors (embedding_key), so same dim
            t = time.perf_counter()
            embedder = _load_embedder(options)
            model_s += time.perf_counter() - t
        with _all_cores():
            return embedder.encode_products([products[i] for i in rows], show_progress=options.show_progress,
                                            desc=label)

    dim = embedder.dim if embedder is not None else previous.dim
    vectors, keys, stats = assemble([product_text(p) for p in products], previous, embed, dim)
    del previous  # the old index's memory can go before the new one is built
    t3 = time.perf_counter()
    index = VectorIndex.build(vectors, options.index)
    t4 = time.perf_counter()
    manifest = {
        "version": MANIFEST_VERSION, "model": options.model, "embedding": embedding_key(options),
        "embedder_dtype": embedder.dtype if embedder else None,
        "dtype_reason": getattr(embedder, "dtype_reason", "requested") if embedder else "no text to embed",
        "max_seq_length": options.max_seq_length,
        "dim": index.dim, "count": index.size, "index_kind": index.kind, "nlist": index.nlist,
        "catalog": fingerprint, "skipped_rows": report.skipped, "embeddings": stats.to_json(),
        "versions": _versions(), "specs": specs_fingerprint(), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": {"load": round(t1 - t0, 3), "model": round(model_s, 3), "embed": round(t3 - t1 - model_s, 3),
                          "index": round(t4 - t3, 3)},
    }
    try:
        _save(folder, index, products, keys, manifest)
    except OSError as exc:
        raise IndexCacheError(
            f"cannot write the index cache in {folder.parent} ({type(exc).__name__}: {exc}). Make that folder "
            f"writable, or point SIFT_HOME at a writable folder, then run "
            f"`{BUILD_COMMAND.replace('CATALOG', str(catalog))}`.") from None
    log.info("indexed %d products in %.1fs (%s): %s", len(products), time.perf_counter() - t0, folder,
             stats.to_json())
    return SearchEngine(products, AttributeTable.from_products(products, levels), index, embedder, manifest)


def describe(manifest: dict[str, Any]) -> str:
    """One line for the command line: what opening the index did.

        >>> describe({"count": 3, "index_kind": "flat", "model": "m", "opened": {"action": "reused"}})
        'index current: 3 products (flat index, model m); nothing to embed'
    """
    opened = manifest.get("opened", {})
    head = f"{manifest.get('count', 0):,} products ({manifest.get('index_kind')} index, model {manifest.get('model')})"
    if opened.get("action") == "reused":
        return f"index current: {head}; nothing to embed"
    e = manifest.get("embeddings", {})
    secs = manifest.get("build_seconds", {})
    parts = ", ".join(f"{k} {v:.1f}" for k, v in secs.items())
    return (f"index {opened.get('action', 'built')} ({opened.get('reason', '')}): {head}; embedded "
            f"{e.get('embedded', 0):,} new or changed texts, reused {e.get('reused', 0):,} cached vectors, dropped "
            f"{e.get('dropped', 0):,}; {manifest.get('embedder_dtype')} ({manifest.get('dtype_reason')}), "
            f"max_seq_length {manifest.get('max_seq_length')}; {opened.get('seconds', 0):.1f} s ({parts})")


def _save(folder: Path, index: VectorIndex, products: list[Product], keys, manifest: dict[str, Any]) -> None:
    """Write into a fresh temporary sibling and swap it in, so a crash mid-build never leaves a half-written
    cache, and two processes building at once never write into the same folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".tmp-", dir=folder.parent))
    try:
        index.save(tmp)
        with (tmp / "products.pkl").open("wb") as fh:
            pickle.dump([p.to_dict() for p in products], fh, protocol=pickle.HIGHEST_PROTOCOL)
        save_keys(tmp, keys)
        manifest["files"] = {name: {"size": (tmp / name).stat().st_size, "sha256": file_sha256(tmp / name)}
                             for name in CACHE_FILES if (tmp / name).exists()}
        _write_manifest(tmp, manifest)
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        elif folder.exists() or folder.is_symlink():
            folder.unlink()  # a stray file where the folder belongs
        try:
            tmp.rename(folder)
        except OSError:
            if not (folder / "manifest.json").is_file():
                raise
            log.info("another process finished building %s first; keeping its copy", folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Raise when a cache file differs from what the build recorded (bytes can rot while the header stays valid).

    Manifests written before checksums were recorded carry no "files" and are trusted as before.
    """
    files = manifest.get("files")
    if not isinstance(files, dict):
        return
    for name, want in files.items():
        path = folder / str(name)
        if not isinstance(want, dict) or path.stat().st_size != want.get("size"):
            raise ValueError(f"{name} has the wrong size")
        if file_sha256(path) != want.get("sha256"):
            raise ValueError(f"{name} does not match its recorded checksum")


def _load(folder: Path, manifest: dict[str, Any], options: BuildOptions, embedder: Embedder | None,
          levels: LevelTable | None) -> SearchEngine:
    _verify(folder, manifest)
    index = VectorIndex.load(folder, options.index)
    with (folder / "products.pkl").open("rb") as fh:
        products = [Product.from_dict(d) for d in pickle.load(fh)]
    if len(products) != index.size:
        raise ValueError(f"products.pkl has {len(products)} products, index has {index.size}")
    if manifest.get("specs") != specs_fingerprint():  # stored by an older attribute reader: read them again
        log.info("re-reading product attributes in %s (built with another attribute reader)", folder)
        refresh_specs(products)
    if embedder is not None and embedder.dim != index.dim:
        raise ValueError(f"embedder dim {embedder.dim} != index dim {index.dim}")
    return SearchEngine(products, AttributeTable.from_products(products, levels), index, embedder, manifest)


def _load_embedder(options: BuildOptions) -> Embedder:
    return Embedder.load(options.model, dtype=options.dtype, batch_size=options.batch_size,
                         max_seq_length=options.max_seq_length)


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest, or None when missing, unreadable or not shaped like one (then the index is rebuilt)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("catalog"), dict):
        return None
    return manifest


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
