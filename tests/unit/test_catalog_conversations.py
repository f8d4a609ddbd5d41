"""Catalog-scored conversation sets (evals/catalog_conversations.py) and the committed sets in evals/conversations."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from evals.catalog_conversations import (
    DEFAULT_SETS,
    header_of,
    load_set,
    resolve_catalog,
    run_sets,
    set_files,
)
from evals.conversation_eval import DEFAULT_DATA, load_conversations

ISSUE_13_CLASSES = ("question", "reference", "negation", "non_shopping", "ranking")


def _committed():
    return [load_set(f) for f in set_files(DEFAULT_SETS)]


def test_committed_sets_parse_and_are_large_enough():
    sets = {s.path.name: s for s in _committed()}
    assert len(sets["in_electronics.jsonl"].conversations) >= 30
    assert len(sets["electronics_2013.jsonl"].conversations) >= 4
    turns = [(t, c) for s in sets.values() for c in s.conversations for t in c["turns"]]
    per_class: dict[str, int] = {}
    for t, c in turns:
        cls = t.get("class") or c.get("class")
        per_class[cls] = per_class.get(cls, 0) + 1
    assert sum(per_class.get(c, 0) for c in ISSUE_13_CLASSES) >= 40
    assert all(per_class.get(c, 0) >= 3 for c in ISSUE_13_CLASSES), per_class
    # A dev/test split in every file, and every conversation of the multi-category sets has 2-5 turns.
    for s in sets.values():
        assert {c.get("split") for c in s.conversations} == {"dev", "test"}
    for name in ("in_electronics.jsonl", "electronics_2013.jsonl"):
        assert all(2 <= len(c["turns"]) <= 5 for c in sets[name].conversations)


def test_committed_sets_hold_no_catalog_text():
    # Only turns and checks: the data is not redistributable, so no titles or descriptions are copied.
    for f in set_files(DEFAULT_SETS):
        assert f.stat().st_size < 60_000


def test_scripted_loader_skips_catalog_sets(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "turns": [{"user": "hi", "expect": {}}]}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"catalog": "c.jsonl"}) + "\n")
    assert [c["id"] for c in load_conversations(tmp_path)] == ["x"]
    assert [f.name for f in set_files(tmp_path)] == ["b.jsonl"]
    assert set_files(DEFAULT_DATA) == []  # the scripted demo conversations are not catalog sets


def test_load_set_names_file_and_line_of_a_bad_turn(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(json.dumps({"catalog": "c.jsonl"}) + "\n" +
                 json.dumps({"id": "a", "split": "dev", "turns": [{"user": "x", "checks": ["colour~\"red\""]}]}) + "\n")
    with pytest.raises(ValueError, match=r"s\.jsonl:2: .*unknown field"):
        load_set(f)
    f.write_text(json.dumps({"catalog": "c.jsonl"}) + "\n" +
                 json.dumps({"id": "a", "split": "train", "turns": [{"user": "x", "checks": ["rating>=1"]}]}) + "\n")
    with pytest.raises(ValueError, match="split"):
        load_set(f)


def test_resolve_catalog_looks_for_shared_above_the_root(tmp_path):
    data = tmp_path / "shared" / "data" / "catalogs"
    data.mkdir(parents=True)
    (data / "x.jsonl.gz").write_bytes(b"")
    root = tmp_path / "wt" / "branch"  # a worktree two levels down still finds ../../shared
    root.mkdir(parents=True)
    assert resolve_catalog("../shared/data/catalogs/x.jsonl.gz", root) == (data / "x.jsonl.gz").resolve()
    assert resolve_catalog("../shared/data/catalogs/missing.jsonl.gz", root) is None


def test_missing_catalog_is_skipped_with_a_reason(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(json.dumps({"catalog": "../shared/nowhere.jsonl.gz"}) + "\n" +
                 json.dumps({"id": "a", "split": "dev", "turns": [{"user": "x", "checks": ["rating>=1"]}]}) + "\n")
    out = run_sets(f, lambda c: pytest.fail("no assistant for a missing catalog"), root=tmp_path, log=lambda m: None)
    assert out["skipped"][0]["file"] == "s.jsonl" and "not found" in out["skipped"][0]["reason"]
    assert out["overall"]["turns"] == 0


# ---------------------------------------------------------------------------------------------- end to end
PRODUCTS = [
    ("P1", "Samsung Galaxy A14 Smartphone 64GB Black", "Samsung", 199.0, 4.3, ["Cell Phones & Accessories", "Cell Phones"]),
    ("P2", "Samsung Galaxy S21 5G Smartphone 128GB Gray", "Samsung", 499.0, 4.5, ["Cell Phones & Accessories", "Cell Phones"]),
    ("P3", "Samsung Galaxy A54 5G Smartphone 128GB White", "Samsung", 349.0, 4.4, ["Cell Phones & Accessories", "Cell Phones"]),
    ("P4", "Motorola Moto G Power Smartphone 64GB Blue", "Motorola", 149.0, 4.1, ["Cell Phones & Accessories", "Cell Phones"]),
    ("P5", "Motorola Edge 5G Smartphone 256GB Black", "Motorola", 399.0, 2.2, ["Cell Phones & Accessories", "Cell Phones"]),
    ("P6", "Clear Case for Samsung Galaxy A14", "Spigen", 12.0, 4.6, ["Cell Phones & Accessories", "Cases"]),
    ("P7", "Rugged Case for Motorola Moto G Power", "OtterBox", 25.0, 4.2, ["Cell Phones & Accessories", "Cases"]),
    ("P8", "Google Pixel 7 Smartphone 128GB Black", "Google", 449.0, 4.6, ["Cell Phones & Accessories", "Cell Phones"]),
]


def _catalog(path: Path) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for pid, title, brand, price, rating, cats in PRODUCTS:
            fh.write(json.dumps({"parent_asin": pid, "title": title, "store": brand, "price": price,
                                 "average_rating": rating, "rating_number": 120, "features": [], "description": [],
                                 "categories": cats, "main_category": cats[0], "details": {"Brand": brand}}) + "\n")
    return path


@pytest.mark.slow
def test_end_to_end_on_a_hand_made_catalog(tmp_path):
    from agent.assistant import Assistant  # lazy: the agent loads LangChain, only for this slow test
    from evals.conversation_eval import rule_extractor
    from retrieval.attributes import AttributeTable
    from retrieval.catalog import load_catalog
    from retrieval.hashing_embedder import HashingEmbedder
    from retrieval.index import VectorIndex
    from retrieval.search import SearchEngine

    catalog = _catalog(tmp_path / "tiny.jsonl.gz")
    sets = tmp_path / "sets.jsonl"
    phone = 'not title~"(?i)case"'
    convs = [
        {"id": "samsung", "split": "dev", "class": "search", "turns": [
            {"user": "samsung phones", "checks": [phone, "brand in [samsung]"]},
            {"user": "thanks!", "class": "non_shopping", "expect_state_unchanged": True}]},
        # An impossible check: whatever is shown fails it, so the scorer must report precision 0.
        {"id": "impossible", "split": "test", "turns": [{"user": "motorola phones", "checks": ["price<0"]}]},
    ]
    sets.write_text("\n".join(json.dumps(x) for x in [{"catalog": str(catalog), "currency": "USD"}, *convs]) + "\n")
    assert header_of(sets)["currency"] == "USD"

    def open_assistant(path: Path):
        emb = HashingEmbedder()
        products = load_catalog(path)
        engine = SearchEngine(products, AttributeTable.from_products(products),
                              VectorIndex.build(emb.encode_products(products, show_progress=False)), emb, {})
        return Assistant(engine, rule_extractor(engine))

    out = run_sets(sets, open_assistant, log=lambda m: None)
    assert out["overall"]["turns"] == 3 and out["skipped"] == []
    first = out["files"]["sets.jsonl"]["dev"]
    assert first["scored_turns"] == 1 and first["mean_top5_precision"] == 1.0  # Samsung phones, no cases
    assert out["classes"]["non_shopping"]["dev"]["turns"] == 1
    miss = [f for f in out["failures"] if f["conversation"] == "impossible"]
    assert miss and miss[0]["precision"] == 0.0 and miss[0]["bad_products"]
    assert out["splits"]["test"]["turn_pass_rate"] == 0.0
