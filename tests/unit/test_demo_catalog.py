"""Tests for the offline demo catalog generator (retrieval.demo_catalog)."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from retrieval.demo_catalog import (
    CORPORATE_STORES,
    DEMO_CATALOG_SIZE,
    LEAVES,
    MAIN_CATEGORY,
    ROW_KEYS,
    generate_demo_catalog,
    main,
    write_demo_catalog,
)

PHONE_DETAIL_KEYS = {"Brand", "Color", "Memory Storage Capacity", "Wireless Carrier", "Operating System",
                     "Screen Size", "RAM", "Model Name", "Cellular Technology", "Year"}


@pytest.fixture(scope="module")
def catalog() -> list[dict[str, Any]]:
    return generate_demo_catalog()


def _is_phone(row: dict[str, Any]) -> bool:
    return row["categories"] == [MAIN_CATEGORY, "Cell Phones"]


def test_same_seed_same_rows_other_seed_differs() -> None:
    assert generate_demo_catalog(300, seed=7) == generate_demo_catalog(300, seed=7)
    assert generate_demo_catalog(300, seed=7) != generate_demo_catalog(300, seed=8)


def test_global_random_state_untouched() -> None:
    random.seed(123)
    before = random.getstate()
    generate_demo_catalog(100)
    assert random.getstate() == before


def test_sizes(catalog: list[dict[str, Any]]) -> None:
    assert len(catalog) == DEMO_CATALOG_SIZE == 3000
    assert len(generate_demo_catalog(0)) == 0
    assert len(generate_demo_catalog(7, seed=3)) == 7
    with pytest.raises(ValueError):
        generate_demo_catalog(-1)


def test_row_schema_and_types(catalog: list[dict[str, Any]]) -> None:
    for row in catalog:
        assert tuple(row) == ROW_KEYS
        assert row["main_category"] == MAIN_CATEGORY
        assert isinstance(row["title"], str) and row["title"].strip()
        assert row["average_rating"] is None or isinstance(row["average_rating"], float)
        assert row["rating_number"] is None or isinstance(row["rating_number"], int)
        assert isinstance(row["features"], list) and all(isinstance(f, str) and f for f in row["features"])
        assert 3 <= len(row["features"]) <= 6
        assert len(set(row["features"])) == len(row["features"])
        assert isinstance(row["description"], list) and row["description"] and all(isinstance(d, str) for d in row["description"])
        assert row["price"] is None or isinstance(row["price"], float)
        assert row["images"] == [] and row["videos"] == []
        assert isinstance(row["store"], str) and row["store"]
        assert row["bought_together"] is None
        assert isinstance(row["details"], dict) and row["details"]["Brand"]
        assert row["title"].isascii()  # the embedding cleaner drops non-ASCII
        if _is_phone(row):
            assert PHONE_DETAIL_KEYS <= set(row["details"])
            assert re.fullmatch(r"\d+ (GB|TB)", row["details"]["Memory Storage Capacity"])
            assert row["details"]["Cellular Technology"] in ("5G", "4G LTE")
        else:
            assert row["categories"][:2] == [MAIN_CATEGORY, "Accessories"] and len(row["categories"]) == 3
            assert row["categories"][2] in LEAVES


def test_phone_accessory_mix(catalog: list[dict[str, Any]]) -> None:
    phones = sum(map(_is_phone, catalog))
    assert 0.35 <= phones / len(catalog) <= 0.45
    leaves = {row["categories"][-1] for row in catalog if not _is_phone(row)}
    assert leaves == set(LEAVES)
    assert len({row["details"]["Brand"] for row in catalog if _is_phone(row)}) >= 10


def test_prices_plausible(catalog: list[dict[str, Any]]) -> None:
    phone_prices = [r["price"] for r in catalog if _is_phone(r) and r["price"] is not None]
    acc_prices = [r["price"] for r in catalog if not _is_phone(r) and r["price"] is not None]
    assert min(phone_prices) >= 30 and max(phone_prices) <= 2000
    assert min(acc_prices) >= 5 and max(acc_prices) <= 500
    assert sum(p <= 80 for p in acc_prices) / len(acc_prices) > 0.85  # watches and premium earbuds cost more
    assert all(round(p, 2) == p for p in phone_prices + acc_prices)
    renewed = [r["price"] for r in catalog if "(Renewed)" in r["title"] and r["price"] is not None]
    new = [r["price"] for r in catalog if _is_phone(r) and "(Renewed)" not in r["title"] and r["price"] is not None]
    assert sum(renewed) / len(renewed) < sum(new) / len(new)


def test_ratings_plausible(catalog: list[dict[str, Any]]) -> None:
    ratings = [r["average_rating"] for r in catalog if r["average_rating"] is not None]
    assert all(1.0 <= a <= 5.0 and round(a, 1) == a for a in ratings)
    assert sum(3.8 <= a <= 4.8 for a in ratings) / len(ratings) > 0.7
    assert sum(a < 3.5 for a in ratings) > 30  # some bad products to filter out
    counts = [r["rating_number"] for r in catalog if r["rating_number"] is not None]
    assert all(0 <= n <= 50_000 for n in counts)
    assert sum(n <= 20 for n in counts) > 50 and sum(n >= 10_000 for n in counts) > 10
    assert any(r["average_rating"] is None for r in catalog)


def test_unique_parent_asins(catalog: list[dict[str, Any]]) -> None:
    asins = [r["parent_asin"] for r in catalog]
    assert len(set(asins)) == len(asins)
    assert all(re.fullmatch(r"SIFTD\d{5}", a) for a in asins)
    assert asins[0] == "SIFTD00001"


def test_realistic_flavour(catalog: list[dict[str, Any]]) -> None:
    phones = [r for r in catalog if _is_phone(r)]
    renewed = sum("(Renewed)" in r["title"] for r in phones) / len(phones)
    assert 0.1 <= renewed <= 0.3
    corporate = [r for r in catalog if r["store"] != r["details"]["Brand"]]
    assert len(corporate) > 50
    assert all(CORPORATE_STORES[r["details"]["Brand"]] == r["store"] for r in corporate)
    null_prices = sum(r["price"] is None for r in catalog)
    assert 0.01 <= null_prices / len(catalog) <= 0.06
    carriers = {r["details"]["Wireless Carrier"] for r in phones}
    assert "Unlocked" in carriers and any("," in c for c in carriers)


def test_tricky_items_present(catalog: list[dict[str, Any]]) -> None:
    titles = {r["title"]: r for r in catalog}
    s6 = titles["Spigen Thin Fit Case for Galaxy S6/S6 Edge - Black"]
    assert s6["details"]["Compatible Phone Models"] == "Samsung Galaxy S6, Galaxy S6 Edge"
    assert any(r["price"] is None and "Galaxy S6 Edge" in r["title"] for r in catalog)
    assert any(r["rating_number"] == 1 for r in catalog) and any(r["rating_number"] == 3 for r in catalog)


def test_bullets_and_descriptions_vary(catalog: list[dict[str, Any]]) -> None:
    assert len({tuple(r["features"]) for r in catalog}) / len(catalog) > 0.7
    # The same phone model gets differently worded bullets across listings.
    s23 = [r for r in catalog if _is_phone(r) and r["details"]["Model Name"] == "Galaxy S23"]
    assert len(s23) > 5 and len({r["features"][0] for r in s23}) > 2
    assert len({r["description"][0] for r in s23}) > 2
    text = " ".join(" ".join(r["features"] + r["description"]) for r in catalog).lower()
    for phrase in ("mah", "mp", "hz", "water", "magsafe", "fast charging", "rugged", "long lasting"):
        assert phrase in text


@pytest.mark.parametrize("name", ["demo.jsonl", "nested/dir/demo.jsonl.gz"])
def test_write_round_trip(tmp_path: Path, name: str) -> None:
    rows = generate_demo_catalog(120, seed=5)
    path = write_demo_catalog(tmp_path / name, n_products=120, seed=5)
    assert path == tmp_path / name and path.exists()
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        assert [json.loads(line) for line in fh] == rows
    again = write_demo_catalog(tmp_path / ("again_" + Path(name).name), n_products=120, seed=5)
    assert again.read_bytes() == path.read_bytes()  # byte-identical, gzip header included


def test_cli_writes_file(tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl.gz"
    assert main([str(out), "--n", "30", "--seed", "2"]) == 0
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        assert [json.loads(line) for line in fh] == generate_demo_catalog(30, seed=2)
