"""The retrieval benchmark end to end in quick mode, with a hashing embedder instead of MiniLM."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from evals import bench_retrieval as br
from retrieval.attributes import AttributeTable
from retrieval.filters import Filters
from sift.commands.bench import register
from tests.fakes import HashingEmbedder


@pytest.fixture(scope="module")
def quick_result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    config = br.BenchConfig(quick=True, out=tmp / "bench.json", plot=tmp / "latency.png", cache_dir=None,
                            n_queries=24, scale_sizes=(20_000,))
    result = br.run_benchmark(config, embedder=HashingEmbedder(), bf16_embedder=HashingEmbedder(dtype="bfloat16"))
    return result, tmp


def test_quick_run_writes_every_section(quick_result):
    result, tmp = quick_result
    on_disk = json.loads((tmp / "bench.json").read_text())
    for section in ("meta", "build", "query_embedding", "catalog_search", "scale", "targets"):
        assert section in on_disk, section
    b = on_disk["build"]
    assert b["float32"]["products_per_s"] > 0 and b["bfloat16"]["products_per_s"] > 0
    # bf16 rounding moves vectors a little, never to another direction.
    assert 0.99 < b["cosine_fp32_bf16"]["min"] < 1.0 + 1e-6
    assert on_disk["query_embedding"]["float32"]["n"] == 24
    mem = on_disk["catalog_search"]["memory"]
    assert 64 * 4 <= mem["bytes_per_product"] < 2 * 64 * 4  # one copy: flat vectors view FAISS storage
    assert (tmp / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sift_recall_is_exact_on_flat_index_at_every_selectivity(quick_result):
    result, _ = quick_result
    cat = result["catalog_search"]
    assert cat["index_kind"] == "flat"
    targets = [lv["target"] for lv in cat["selectivities"]]
    assert targets == [0.01, 0.10, 0.50, None]
    for lv in cat["selectivities"]:
        assert lv["sift"]["recall_at_10"] == 1.0, lv
        assert lv["sift"]["min_recall_at_10"] == 1.0
        assert lv["sift"]["n"] == 24
        assert 0 < lv["actual"] <= 1
    # The picked filters land near their target selectivity on a 300-product catalog.
    ten = cat["selectivities"][1]
    assert 0.05 <= ten["actual"] <= 0.2
    # The LangChain baseline ran on the same filters; post-filtering top-20 can only lose results.
    for lv in cat["selectivities"][:3]:
        for key in ("langchain_fetch20", "langchain_fetch100"):
            assert 0.0 <= lv[key]["recall_at_10"] <= 1.0
        assert lv["langchain_fetch100"]["recall_at_10"] >= lv["langchain_fetch20"]["recall_at_10"]
    # With 1% of 300 products allowed, 20 unfiltered neighbours rarely contain all of them.
    assert cat["selectivities"][0]["langchain_fetch20"]["recall_at_10"] < 1.0
    assert cat["selectivities"][3]["langchain"]["recall_at_10"] == 1.0


def test_scale_section_measures_recall_and_paths(quick_result):
    result, _ = quick_result
    (scale,) = result["scale"]
    assert scale["n"] == 20_000 and scale["index_kind"] == "flat"
    sels = {lv["target"]: lv for lv in scale["selectivities"]}
    assert set(sels) == {0.01, 0.10, 0.50, None}
    for target, lv in sels.items():
        assert lv["sift"]["recall_at_10"] == 1.0
        if target is not None:
            assert abs(lv["actual"] - target) < 0.02
    assert sels[0.01]["path"].startswith("exact subset")
    # Flat index with FAISS selector and the bitmap alternative return the same rows.
    assert sels[0.50]["selector_ablation"]["same_results"] is True


def test_targets_and_markdown(quick_result):
    result, _ = quick_result
    names = [t["target"] for t in result["targets"]]
    assert any("bf16" in n for n in names) and any("recall@10" in n for n in names)
    assert all(isinstance(t["met"], bool) for t in result["targets"])
    md = br.markdown(result)
    assert "| filter | matched |" in md and "LangChain fetch_k=20" in md and "### Targets" in md


def test_recall_counts_misses_and_forbidden_rows():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((50, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q = v[3]
    allowed = np.arange(0, 50, 2, dtype=np.int64)
    mask = np.zeros(50, dtype=bool)
    mask[allowed] = True
    rows, scores = br.exact_topk(v, q, allowed, k=5)
    assert set(rows) <= set(allowed.tolist())
    assert br.recall_at_k(rows, v, q, mask, scores, k=5) == 1.0
    assert br.recall_at_k(rows[:3], v, q, mask, scores, k=5) == pytest.approx(0.6)
    forbidden = [r for r in range(50) if not mask[r]][:5]
    assert br.recall_at_k(forbidden, v, q, mask, scores, k=5) == 0.0


def test_langchain_filter_matches_attribute_table(tmp_path):
    from retrieval.catalog import load_catalog
    from retrieval.demo_catalog import write_demo_catalog

    products = load_catalog(write_demo_catalog(tmp_path / "c.jsonl.gz", n_products=120, seed=3))
    table = AttributeTable.from_products(products)
    metas = [br.product_metadata(i, p) for i, p in enumerate(products)]
    from langchain_community.vectorstores import FAISS

    f = Filters(price_max=50.0, average_rating_min=4.0)
    func = FAISS._create_filter_func(br.langchain_filter(f))
    lc = np.array([func(m) for m in metas])
    assert lc.any() and np.array_equal(lc, table.mask(f))
    with pytest.raises(ValueError):
        br.langchain_filter(Filters(color=["black"]))


def test_cli_registers_bench_retrieval(tmp_path):
    parser = argparse.ArgumentParser(prog="sift")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "retrieval", "--quick", "--json", "--out", str(tmp_path / "x.json")])
    assert args.quick and args.json and args.out == Path(tmp_path / "x.json") and callable(args.func)
    bad = parser.parse_args(["bench", "retrieval", "--catalog", str(tmp_path / "missing.jsonl")])
    assert bad.func(bad) == 2
