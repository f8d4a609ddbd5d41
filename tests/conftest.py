"""Shared fixtures: every test runs offline; tiny catalogs and models are built here, once per session."""

from __future__ import annotations

import os

import pytest

# No test may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session", autouse=True)
def _flush_denormal():
    import torch

    torch.set_flush_denormal(True)


@pytest.fixture(scope="session")
def demo_catalog_file(tmp_path_factory):
    """A 400-product demo catalog on disk (Amazon-2023 JSONL.gz)."""
    from retrieval.demo_catalog import write_demo_catalog

    return write_demo_catalog(tmp_path_factory.mktemp("catalog") / "demo.jsonl.gz", n_products=400, seed=7)


@pytest.fixture(scope="session")
def demo_products(demo_catalog_file):
    from retrieval.catalog import load_catalog

    return load_catalog(demo_catalog_file)


@pytest.fixture(scope="session")
def hashing_embedder():
    from tests.fakes import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(scope="session")
def demo_engine(demo_catalog_file, hashing_embedder, tmp_path_factory):
    """Search engine over the 400-product demo catalog with the hashing embedder (built once)."""
    from retrieval.store import BuildOptions, open_engine

    return open_engine(demo_catalog_file, tmp_path_factory.mktemp("cache"),
                       BuildOptions(model=hashing_embedder.name, show_progress=False), embedder=hashing_embedder)
