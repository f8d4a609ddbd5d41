"""SearchEngine over the demo catalog: hits always satisfy the filters; matched/exhaustive are right."""

import numpy as np
import pytest

from retrieval.filters import ACCESSORIES, PHONES, Filters


@pytest.mark.parametrize("filters", [
    Filters(brand=["Samsung"], price_max=300),
    Filters(subcategory=PHONES, price_max="low"),
    Filters(subcategory=ACCESSORIES, price_max="low", average_rating_min="high"),
    Filters(color=["black"], storage_gb_min=128, condition="new"),
    Filters(brand_exclude=["Samsung", "Apple"], subcategory=PHONES, review_count_min="high"),
    Filters(carrier=["Unlocked"], price_min=200, price_max=600),
])
def test_hits_satisfy_filters_and_matched_is_exact(demo_engine, filters):
    result = demo_engine.search("phone with a great camera", filters, k=10)
    mask = demo_engine.table.mask(filters)
    assert result.matched == int(mask.sum())
    assert len(result.hits) == min(10, result.matched)
    assert all(mask[h.row] for h in result.hits)
    assert result.exhaustive


def test_levels_resolve_per_product_subcategory(demo_engine):
    table = demo_engine.table
    rows = table.allowed_ids(Filters(price_max="low"))
    for r in rows:
        p = demo_engine.products[r]
        assert p.price <= (15 if p.subcategory == ACCESSORIES else 100)
    assert len(rows) > 0


def test_brand_match_is_case_insensitive_and_tolerates_store_names(demo_engine):
    a = demo_engine.table.count(Filters(brand=["samsung"]))
    b = demo_engine.table.count(Filters(brand=["SAMSUNG ELECTRONICS"]))
    assert a == b > 0


def test_missing_attribute_never_satisfies_a_constraint(demo_engine):
    no_price = [i for i, p in enumerate(demo_engine.products) if p.price is None]
    assert no_price, "demo catalog should include products without a price"
    allowed = set(demo_engine.table.allowed_ids(Filters(price_max=100000)).tolist())
    assert not allowed & set(no_price)


def test_empty_query_ranks_by_popularity_within_filters(demo_engine):
    r = demo_engine.search("", Filters(subcategory=PHONES), k=5)
    counts = [h.product.rating_number or 0 for h in r.hits]
    assert len(r.hits) == 5 and all(h.product.subcategory == PHONES for h in r.hits)
    assert counts[0] >= np.median([p.rating_number or 0 for p in demo_engine.products])


def test_paging_and_batch(demo_engine):
    f = Filters(subcategory=PHONES)
    first = demo_engine.search("samsung galaxy", f, k=5)
    second = demo_engine.search("samsung galaxy", f, k=5, offset=5)
    ten = demo_engine.search("samsung galaxy", f, k=10)
    assert [h.row for h in first.hits + second.hits] == [h.row for h in ten.hits]
    batch = demo_engine.search_batch(["samsung galaxy", "usb c cable"], [f, Filters()], k=5)
    assert [h.row for h in batch[0].hits] == [h.row for h in first.hits]


def test_impossible_filter_returns_nothing(demo_engine):
    r = demo_engine.search("phone", Filters(price_min=500, price_max=100), k=10)
    assert r.matched == 0 and r.hits == [] and r.exhaustive


def test_facet_counts_exclude_own_facet(demo_engine):
    f = Filters(brand=["Samsung"], subcategory=PHONES)
    facets = demo_engine.table.facet_counts(f)
    assert facets["brand"]["Samsung"] == demo_engine.table.count(f)
    assert len(facets["brand"]) > 1  # other brands are counted as alternatives
    assert sum(facets["condition"].values()) == demo_engine.table.count(f)
