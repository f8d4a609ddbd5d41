"""Retrieval evaluation: qrels parsing with bad rows, every configuration row, table, JSON and plot."""

from __future__ import annotations

import io
import json
import re
import zlib

import numpy as np
import pytest

from evals.retrieval_eval import (
    TABLE_COLUMNS,
    BM25Ranker,
    EvalConfig,
    evaluate,
    filters_as_text,
    markdown,
    parse_qrels,
    plot,
    rrf,
)
from retrieval.filters import Filters

QRELS = """query_id,product_id,query,filters
q1,A,black samsung phone,"{""brand"": [""Samsung""]}"
q1,B,black samsung phone,"{""brand"": [""Samsung""]}"
q2,C,case for pixel,
,D,missing id,
q3,E,bad filters,"{""price_max"": ""cheapish""}"
q4,F,not an object,"[1, 2]"
q1,G,another text for q1,
q5,H,ok,"{""nonsense_field"": 1}"
"""


def test_parse_qrels_groups_rows_and_reports_bad_lines():
    queries, errors = parse_qrels(io.StringIO(QRELS))
    by_id = {q.query_id: q for q in queries}
    assert set(by_id) == {"q1", "q2"}
    assert by_id["q1"].relevant == {"A", "B"}
    assert by_id["q1"].filters == Filters(brand=["Samsung"])
    assert by_id["q2"].filters is None
    assert [e.line for e in errors] == [5, 6, 7, 8, 9]
    assert "empty query_id" in errors[0].reason
    assert "bad filters" in errors[1].reason and "bad filters" in errors[2].reason
    assert "already has query text" in errors[3].reason


def test_parse_qrels_rejects_a_file_without_the_columns():
    with pytest.raises(ValueError, match="query_id, product_id, query"):
        parse_qrels(io.StringIO("id,text\n1,x\n"))


def test_filters_as_text_and_rrf():
    assert filters_as_text(Filters(price_max=300, brand=["Samsung", "Google"])) == \
        "price max 300. brand Samsung or Google"
    assert rrf([[1, 2, 3], [3, 1, 4]], k=3) == [1, 3, 2]


def test_bm25_ranker_masks_disallowed_products():
    bm = BM25Ranker(["samsung galaxy phone black", "iphone case clear", "samsung charger"])
    assert bm.rank("samsung phone", None, 2)[0] == 0
    mask = np.array([False, True, True])
    ranked = bm.rank("samsung phone", mask, 3)
    assert ranked[0] == 2 and 0 not in ranked
    assert bm.rank("samsung", np.zeros(3, dtype=bool), 3) == []


# ---------------------------------------------------------------------------------------------- end to end
class HashST:
    """A sentence-transformer stand-in: hashed bag of words (+ a per-model salt), L2-normalised."""

    def __init__(self, salt: int = 0, dim: int = 64):
        self.salt, self.dim = salt, dim

    def get_embedding_dimension(self):
        return self.dim

    def encode(self, texts, **kwargs):
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", t.lower()):
                out[i, (zlib.crc32(w.encode()) + self.salt) % self.dim] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return torch.from_numpy(out)


def fake_open(catalog, cache_dir, model, max_seq_length):
    from retrieval.attributes import AttributeTable
    from retrieval.catalog import load_catalog
    from retrieval.embedder import Embedder
    from retrieval.index import VectorIndex
    from retrieval.search import SearchEngine

    products = load_catalog(catalog)
    emb = Embedder(model=HashST(salt=0 if "pre" in model else 7), name=model)
    index = VectorIndex.build(emb.encode_products(products, show_progress=False))
    return SearchEngine(products, AttributeTable.from_products(products), index, emb)


@pytest.fixture(scope="module")
def devset(tmp_path_factory):
    from evals.devsets import build_devset, write_qrels
    from retrieval.catalog import load_catalog
    from retrieval.demo_catalog import write_demo_catalog

    d = tmp_path_factory.mktemp("eval")
    catalog = write_demo_catalog(d / "demo.jsonl.gz", n_products=200, seed=5)
    qs = build_devset(load_catalog(catalog), n=25, prefix="t")
    qrels = d / "qrels.csv"
    write_qrels(qrels, qs)
    with qrels.open("a") as fh:  # one bad row: it must be reported, not crash the run
        fh.write('t-9999,X,broken,"{not json"\n')
    return catalog, qrels, qs


def test_devset_relevance_by_construction(devset):
    from retrieval.catalog import load_catalog

    catalog, _, qs = devset
    products = {p.id: p for p in load_catalog(catalog)}
    assert 10 <= len(qs) <= 25
    for q in qs:
        assert q.source_id in q.relevant and 1 <= len(q.relevant) <= 8
        assert q.filters.subcategory in ("Cell Phones", "Cell Phone Accessories")
        assert all(products[pid].subcategory == q.filters.subcategory for pid in q.relevant)


@pytest.mark.parametrize("source", ["csv", "rules"])
def test_evaluate_produces_every_configuration(devset, tmp_path, source):
    catalog, qrels, qs = devset
    cfg = EvalConfig(catalog=str(catalog), qrels=str(qrels), cache_dir=str(tmp_path), pretrained="pre",
                     finetuned="tuned", filters_source=source)
    res = evaluate(cfg, open_fn=fake_open)
    names = [r["config"] for r in res["rows"]]
    for expected in ("BM25", "BM25 + filters", "pretrained", "pretrained + filters", "fine-tuned",
                     "fine-tuned + filters", "fine-tuned, filters as text (no pre-filter)",
                     "hybrid RRF (BM25 + fine-tuned) + filters"):
        assert expected in names
    assert ("fine-tuned + gold filters" in names) == (source == "rules")
    assert res["queries"] == len(qs)
    assert [e["line"] for e in res["skipped_rows"]] and "bad filters" in res["skipped_rows"][0]["reason"]
    rows = {r["config"]: r["metrics"] for r in res["rows"]}
    if source == "csv":
        # Gold filters pre-filter: every shown product satisfies the query's constraints.
        assert rows["BM25 + filters"]["CP@10"] == pytest.approx(1.0)
        assert rows["fine-tuned + filters"]["CP@10"] == pytest.approx(1.0)
        assert rows["BM25"]["CP@10"] < 1.0
    for m in rows.values():
        assert all(0.0 <= v <= 1.0 for v in m.values())
        assert m["R@1"] <= m["R@5"] <= m["R@10"]
    table = markdown(res)
    assert all(c in table for c in TABLE_COLUMNS)
    assert table.count("\n| ") == len(res["rows"]) + 1
    json.dumps(res)
    png = plot(res, tmp_path / "img" / "retrieval_test.png")
    assert png.exists() and png.stat().st_size > 5000


def test_cli_handler_runs_and_prints_json(devset, tmp_path, monkeypatch, capsys):
    import argparse

    import evals.retrieval_eval as re_mod
    from sift.commands.retrieval import add_eval_retrieval

    monkeypatch.setattr(re_mod, "_open", fake_open)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    add_eval_retrieval(sub)
    catalog, qrels, _ = devset
    args = parser.parse_args(["retrieval", "--catalog", str(catalog), "--qrels", str(qrels), "--filters", "csv",
                              "--pretrained", "pre", "--finetuned", "tuned", "--plots", str(tmp_path), "--json"])
    args.cache_dir, args.models_dir = tmp_path / "cache", tmp_path / "models"
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["datasets"][0]["rows"][0]["config"] == "BM25"
    assert (tmp_path / "retrieval_qrels.png").exists()
