"""The `sift` command line: JSON contracts and clear errors."""

import json
from pathlib import Path

import pytest

from sift.cli import main
from tests.fakes import HashingEmbedder

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "catalogs"

HIT_KEYS = {"id", "title", "brand", "price", "average_rating", "rating_number", "subcategory", "score"}


@pytest.fixture
def fake_embedder(monkeypatch, tmp_path):
    monkeypatch.setenv("SIFT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SIFT_EMBEDDER", "test-hashing")
    emb = HashingEmbedder()
    monkeypatch.setattr("retrieval.embedder.Embedder.load", classmethod(lambda cls, *a, **k: emb))
    return emb


def test_search_json_contract(fake_embedder, demo_catalog_file, capsys):
    code = main(["search", "unlocked samsung phone", "--catalog", str(demo_catalog_file),
                 "--filter", "price_max=300", "--filter", "brand=Samsung", "--k", "5", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"query", "filters", "matched", "exhaustive", "hits", "timings_ms"}
    assert out["filters"] == {"price_max": 300.0, "brand": ["Samsung"]}
    assert 0 < len(out["hits"]) <= 5 and out["matched"] >= len(out["hits"])
    for hit in out["hits"]:
        assert set(hit) == HIT_KEYS and hit["price"] <= 300 and hit["brand"] == "Samsung"
        assert hit["id"].startswith("SIFT")  # the catalog's own id, not a row number


def test_search_bad_filter_is_a_clear_error(fake_embedder, demo_catalog_file, capsys):
    assert main(["search", "x", "--catalog", str(demo_catalog_file), "--filter", "colour=black"]) == 2
    err = capsys.readouterr().err
    assert "unknown filter field 'colour'" in err and "color" in err


def test_search_default_catalog_is_the_generated_demo(fake_embedder, capsys, monkeypatch):
    monkeypatch.setenv("SIFT_DEMO_SIZE", "120")
    assert main(["search", "phone case", "--k", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 3


def test_catalog_stats_reports_bad_lines(tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    path.write_text('{"parent_asin": "A", "title": "Pixel 7 phone", "price": "$499", "details": {"Color": "Obsidian"}}\n'
                    "not json\n"
                    '{"parent_asin": "B", "title": "USB C cable", "categories": ["Cell Phones & Accessories", "Cables"]}\n')
    assert main(["catalog", "stats", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["products"] == 2 and out["skipped"] == 1 and out["errors"][0]["line"] == 2
    assert out["coverage"]["price"] == 0.5 and out["facets"]["color"] == {"black": 1}
    assert main(["catalog", "stats", str(path)]) == 0
    assert "line 2: invalid JSON" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "amazon_us_phones.jsonl.gz").exists(), reason="needs ../shared/data")
def test_real_catalog_search_acceptance(tmp_path, monkeypatch, capsys):
    """Issue acceptance: real MiniLM on the real US phones catalog with price and rating filters."""
    monkeypatch.setenv("SIFT_HOME", str(tmp_path / "home"))
    code = main(["search", "unlocked samsung phone", "--catalog", str(SHARED / "amazon_us_phones.jsonl.gz"),
                 "--filter", "price_max=300", "--filter", "average_rating_min=4", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    hits = out["hits"]
    assert len(hits) == 10
    assert all(h["price"] <= 300 and h["average_rating"] >= 4 for h in hits)
    assert sum("samsung" in (h["brand"] or "").lower() or "samsung" in h["title"].lower() for h in hits) >= 7
