"""SearchEngine over the demo catalog: hits always satisfy the filters; matched/exhaustive are right.

The whole module runs once per vector backend: FAISS (in-process, ids pushed down) and Qdrant
(qdrant-client local mode; the filters travel as a payload filter evaluated inside the engine).
"""

import numpy as np
import pytest

from retrieval.filters import ACCESSORIES, PHONES, Filters
from retrieval.search import SearchEngine


@pytest.fixture(scope="module", params=["faiss", "qdrant"])
def engine(request, demo_engine):
    if request.param == "faiss":
        return demo_engine
    from retrieval.qdrant_backend import QdrantBackend

    vectors = np.asarray(demo_engine.index.vectors)
    backend = QdrantBackend.build(vectors, demo_engine.products, demo_engine.table, location=":memory:")
    return SearchEngine(demo_engine.products, demo_engine.table, backend, demo_engine.embedder)


@pytest.mark.parametrize("filters", [
    Filters(brand=["Samsung"], price_max=300),
    Filters(subcategory=PHONES, price_max="low"),
    Filters(subcategory=ACCESSORIES, price_max="low", average_rating_min="high"),
    Filters(color=["black"], storage_gb_min=128, condition="new"),
    Filters(brand_exclude=["Samsung", "Apple"], subcategory=PHONES, review_count_min="high"),
    Filters(carrier=["Unlocked"], price_min=200, price_max=600),
])
def test_hits_satisfy_filters_and_matched_is_exact(engine, filters):
    result = engine.search("phone with a great camera", filters, k=10)
    mask = engine.table.mask(filters)
    assert result.matched == int(mask.sum())
    assert len(result.hits) == min(10, result.matched)
    assert all(mask[h.row] for h in result.hits)
    assert result.exhaustive


def test_levels_resolve_per_product_subcategory(engine):
    table = engine.table
    rows = table.allowed_ids(Filters(price_max="low"))
    for r in rows:
        p = engine.products[r]
        assert p.price <= (15 if p.subcategory == ACCESSORIES else 100)
    assert len(rows) > 0


def test_brand_match_is_case_insensitive_and_tolerates_store_names(engine):
    a = engine.table.count(Filters(brand=["samsung"]))
    b = engine.table.count(Filters(brand=["SAMSUNG ELECTRONICS"]))
    assert a == b > 0


def test_missing_attribute_never_satisfies_a_constraint(engine):
    no_price = [i for i, p in enumerate(engine.products) if p.price is None]
    assert no_price, "demo catalog should include products without a price"
    allowed = set(engine.table.allowed_ids(Filters(price_max=100000)).tolist())
    assert not allowed & set(no_price)


def test_empty_query_ranks_by_popularity_within_filters(engine):
    r = engine.search("", Filters(subcategory=PHONES), k=5)
    counts = [h.product.rating_number or 0 for h in r.hits]
    assert len(r.hits) == 5 and all(h.product.subcategory == PHONES for h in r.hits)
    assert counts[0] >= np.median([p.rating_number or 0 for p in engine.products])


def test_paging_and_batch(engine):
    f = Filters(subcategory=PHONES)
    first = engine.search("samsung galaxy", f, k=5)
    second = engine.search("samsung galaxy", f, k=5, offset=5)
    ten = engine.search("samsung galaxy", f, k=10)
    assert [h.row for h in first.hits + second.hits] == [h.row for h in ten.hits]
    batch = engine.search_batch(["samsung galaxy", "usb c cable"], [f, Filters()], k=5)
    assert [h.row for h in batch[0].hits] == [h.row for h in first.hits]


def test_impossible_filter_returns_nothing(engine):
    r = engine.search("phone", Filters(price_min=500, price_max=100), k=10)
    assert r.matched == 0 and r.hits == [] and r.exhaustive


def test_facet_counts_exclude_own_facet(engine):
    f = Filters(brand=["Samsung"], subcategory=PHONES)
    facets = engine.table.facet_counts(f)
    assert facets["brand"]["Samsung"] == engine.table.count(f)
    assert len(facets["brand"]) > 1  # other brands are counted as alternatives
    assert sum(facets["condition"].values()) == engine.table.count(f)


@pytest.mark.parametrize("filters", [
    Filters(brand=["Samsung"], price_max=300),
    Filters(subcategory=PHONES, price_max="low", review_count_min="medium"),
    Filters(subcategory=ACCESSORIES, price_min="high"),
    Filters(color=["blue", "green"], brand_exclude=["Apple"]),
    Filters(carrier=["AT&T"], condition="renewed"),
    Filters(storage_gb_min=256, average_rating_max=4.4),
    Filters(),
])
@pytest.mark.parametrize("query", [
    "phone with long battery life",
    "wireless earbuds -case -\"neck band\"",  # ruled-out words: Qdrant is sent the rows they leave out
    "samsung galaxy a14 case",                # a named model: its listings join the candidates on every backend
])
def test_backend_parity_with_exact_faiss(engine, demo_engine, filters, query):
    """Same ranking as exact filtered search with FAISS (both backends are exact at this size).

    Equal scores may come back in either order, so ids are compared per score group (the last group may
    be cut differently at k)."""
    got = engine.search(query, filters, k=10)
    ref = demo_engine.search(query, filters, k=10)
    assert got.matched == ref.matched
    np.testing.assert_allclose([h.score for h in got.hits], [h.score for h in ref.hits], atol=1e-5)

    def groups(hits):
        out: dict[float, set[str]] = {}
        for h in hits:
            out.setdefault(round(h.score, 4), set()).add(h.product.id)
        return out

    g_got, g_ref = groups(got.hits), groups(ref.hits)
    last = min(g_ref) if g_ref else None
    assert {k: v for k, v in g_got.items() if k != last} == {k: v for k, v in g_ref.items() if k != last}


def test_ruled_out_words_and_named_models_take_effect_on_every_backend(engine):
    """The checks the parity test relies on: the minus term removes listings, the model is found."""
    plain = engine.search("wireless earbuds", Filters(), k=20)
    without = engine.search("wireless earbuds -case", Filters(), k=20)
    assert any("case" in h.product.title.lower() for h in plain.hits)
    assert not any("case" in h.product.title.lower() for h in without.hits) and without.matched < plain.matched
    named = engine.search("galaxy a14", Filters(), k=5)
    assert named.hits and "a14" in named.hits[0].product.title.lower() and named.hits[0].model_match


def test_filter_admitting_three_products_returns_exactly_them(engine):
    table = engine.table
    three = next(f for b in table.vocabulary()["brand"] for c in table.vocabulary()["color"]
                 for f in [Filters(brand=[b], color=[c])] if table.count(f) == 3)
    expected = {engine.products[r].id for r in table.allowed_ids(three)}
    r = engine.search("a phone case", three, k=10)
    assert {h.product.id for h in r.hits} == expected
    assert r.matched == 3 and r.exhaustive
