"""Levels per category (retrieval/levels.py): "cheap" is cheap for a TV and cheap for a cable in one query."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES, Filters
from retrieval.levels import DEFAULT_LEVELS, INF, LevelRanges, LevelTable

TV_PATH = ["Electronics", "TV"]
CABLE_PATH = ["Electronics", "Cables"]


def _catalog() -> list[Product]:
    """40 TVs ($150-$930) and 40 TV remotes ($3-$42) in one category, 40 cables ($2-$41), 6 projectors (too few
    for their own tertiles), 4 phones."""
    tvs = [Product(id=f"tv{i}", title=f"Acme {32 + i} inch 4K Smart LED TV", price=150.0 + 20 * i,
                   rating_number=10 * i, categories=TV_PATH, subcategory="TV",
                   specs={"screen_in": 32.0 + i}) for i in range(40)]
    remotes = [Product(id=f"r{i}", title="Replacement Remote Control for Acme Smart TV", price=3.0 + i,
                       categories=TV_PATH, subcategory="TV") for i in range(40)]
    cables = [Product(id=f"c{i}", title="Acme USB Type C Charging Cable 1m", price=2.0 + i, rating_number=1000 + i,
                      categories=CABLE_PATH, subcategory="Cables") for i in range(40)]
    projectors = [Product(id=f"pr{i}", title="Acme Mini Projector", price=60.0 * (i + 1),
                          categories=["Electronics", "Projectors"], subcategory="Projectors") for i in range(6)]
    phones = [Product(id=f"ph{i}", title=f"Acme Phone {i} (4GB RAM, 64GB Storage)", price=50.0 * (i + 1),
                      categories=["Cell Phones & Accessories", "Cell Phones"], subcategory=PHONES,
                      specs={"ram_gb": 4.0}) for i in range(4)]
    return tvs + remotes + cables + projectors + phones


@pytest.fixture(scope="module")
def table() -> AttributeTable:
    return AttributeTable.from_products(_catalog())


def _ids(table: AttributeTable, f: Filters) -> set[str]:
    products = _catalog()
    return {products[i].id for i in table.allowed_ids(f)}


def _key(table: AttributeTable, attribute: str, product_id: str) -> str | None:
    codes, keys = table.level_keys[attribute]
    return keys[codes[[p.id for p in _catalog()].index(product_id)]]


def test_cheap_means_cheap_for_each_category(table):
    cheap = _ids(table, Filters(price_max="low"))
    assert _key(table, "price", "tv0") == "type:tv" and _key(table, "price", "r0") == "type:remote"
    tv_low = table.levels.bound("price_max", "low", "type:tv")
    cable_low = table.levels.bound("price_max", "low", _key(table, "price", "c0"))
    assert 300 < tv_low < 450 and 10 < cable_low < 18
    assert {"tv0", "tv5"} <= cheap and "tv20" not in cheap  # the cheap TVs, not the mid-priced ones
    assert {"c0", "c5"} <= cheap and "c20" not in cheap and "c39" not in cheap  # cheap cables, not mid-priced ones
    # One number for every product would have admitted all cables or no TV; one per category (TVs and their
    # remotes together) would have called only remote-priced TVs cheap.
    assert {"r0", "r5"} <= cheap and "r39" not in cheap


def test_premium_and_lots_of_reviews_per_category(table):
    premium = _ids(table, Filters(price_min="high"))
    assert "tv39" in premium and "c39" in premium and "tv0" not in premium and "c0" not in premium
    reviewed = _ids(table, Filters(review_count_min="high"))
    assert "tv39" in reviewed and "tv5" not in reviewed and "c39" in reviewed and "c0" not in reviewed
    # the paper's shape: a "medium" number of reviews is "at least some", unbounded above
    assert table.levels.ranges("review_count", "type:tv").medium[1] == INF


def test_small_type_and_category_fall_back_up_the_path(table):
    assert {_key(table, "price", f"pr{i}") for i in range(6)} == {"Electronics"}
    electronics_low = table.levels.bound("price_max", "low", "Electronics")
    assert table.levels.bound("price_max", "low", "type:tv") != electronics_low
    assert _key(table, "price", "c0") == "type:cable"  # a type with 30 priced products beats its category


def test_the_papers_table_stays_for_phones(table):
    codes, keys = table.level_keys["price"]
    phone_rows = [i for i, p in enumerate(_catalog()) if p.id.startswith("ph")]
    assert {keys[codes[i]] for i in phone_rows} == {PHONES}
    assert table.levels.bound("price_max", "low", PHONES) == 100.0
    assert _ids(table, Filters(price_max="low")) >= {"ph0", "ph1"} and "ph2" not in _ids(table, Filters(price_max="low"))
    assert table.levels.bound("price_max", "low", ACCESSORIES) == 15.0


def test_levels_of_attributes_with_units(table):
    big = _ids(table, Filters(screen_in_min="high"))
    assert "tv39" in big and "tv0" not in big and not any(i.startswith("c") for i in big)  # unknown never matches
    assert table.levels.bound("screen_in_min", "high", "type:tv") == pytest.approx(58.0, abs=0.5)


def test_paper_tables_only_when_asked():
    paper = AttributeTable.from_products(_catalog(), LevelTable(min_group=None))
    assert paper.level_keys == {}
    cheap = {p.id for p, ok in zip(_catalog(), paper.mask(Filters(price_max="low")), strict=True) if ok}
    # every non-phone product falls back to the paper's phone table: under $100
    assert "c39" in cheap and "tv0" not in cheap and "pr0" in cheap and "pr1" not in cheap and "r39" in cheap


def test_a_small_catalog_keeps_the_old_behaviour():
    products = _catalog()[:10] + _catalog()[-4:]  # 10 TVs: no type or category with 30 priced products
    small = AttributeTable.from_products(products)
    assert small.levels.groups["price"] == {}
    assert small.levels.bound("price_max", "low", "TV") == DEFAULT_LEVELS.bound("price_max", "low", "TV") == 100.0


def test_level_table_api():
    t = LevelTable(groups={"price": {"A > B": LevelRanges((0, 10), (10, 20), (20, INF))}})
    assert t.bound("price_max", "low", "A > B") == 10 and t.bound("price_min", "high", "A > B") == 20
    assert t.bound("price_max", "low", "Cell Phones") == 100.0
    assert t.bound("ram_gb_min", "high", "nowhere") == 0.0 and math.isinf(t.bound("ram_gb_max", "low", None))
    assert t.keeps_fixed("price", PHONES) and not t.keeps_fixed("price", "TV") and t.keeps_fixed("rating", None)
    assert not t.keeps_fixed("ram_gb", PHONES)


def test_qdrant_resolves_levels_and_new_fields_like_the_table(table):
    pytest.importorskip("qdrant_client")
    from retrieval.qdrant_backend import QdrantBackend

    products = _catalog()
    vectors = np.random.default_rng(0).standard_normal((len(products), 8)).astype(np.float32)
    backend = QdrantBackend.build(vectors, products, table, location=":memory:")
    for f in (Filters(price_max="low"), Filters(review_count_min="high"), Filters(screen_in_min="high"),
              Filters(product_type="tv", price_min="medium"), Filters(screen_in_min=50, screen_in_max=60),
              Filters(ram_gb_min=4)):
        out = backend.search(vectors[:1], len(products), filters=f)
        got = set(out.ids[0][out.ids[0] >= 0].tolist())
        assert got == set(table.allowed_ids(f).tolist()), f.active()
