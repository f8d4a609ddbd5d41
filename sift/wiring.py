"""Wiring: settings in, ready components out. The only module that knows how the parts fit together."""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.search import SearchEngine
from retrieval.store import BuildOptions, open_engine

from .settings import Settings

log = logging.getLogger(__name__)


def demo_catalog_path(settings: Settings) -> Path:
    """The embedded default catalog, generated once (deterministically) into the data folder."""
    from retrieval.demo_catalog import write_demo_catalog

    path = settings.data_dir / f"demo_catalog_{settings.demo_size}.jsonl.gz"
    if not path.exists():
        log.info("generating the demo catalog (%d products) at %s", settings.demo_size, path)
        write_demo_catalog(path, n_products=settings.demo_size)
    return path


def catalog_path(settings: Settings, catalog: str | Path | None = None) -> Path:
    chosen = catalog or settings.catalog
    return Path(chosen) if chosen else demo_catalog_path(settings)


def build_engine(settings: Settings, catalog: str | Path | None = None, rebuild: bool = False,
                 show_progress: bool = True) -> SearchEngine:
    options = BuildOptions(model=settings.embedder, dtype=settings.embed_dtype, show_progress=show_progress)
    return open_engine(catalog_path(settings, catalog), settings.cache_dir, options, rebuild=rebuild)
