"""Availability, category hierarchy and currency as filters (issue 14), on an engine over the Merchant
Center fixture with the hashing embedder. Runs once per vector backend (FAISS, Qdrant local mode), which
must agree with the attribute table."""

from pathlib import Path

import numpy as np
import pytest

from retrieval.filters import MAX_VALUE_CHARS, Filters, fit_limits
from retrieval.search import SearchEngine
from retrieval.store import BuildOptions, open_engine

FEED = Path(__file__).resolve().parents[1] / "data" / "feeds" / "merchant_center.tsv"
SOLD_OUT = "SGA54-REF"


@pytest.fixture(scope="module")
def feed_engine(hashing_embedder, tmp_path_factory):
    return open_engine(FEED, tmp_path_factory.mktemp("feed-cache"),
                       BuildOptions(model=hashing_embedder.name, show_progress=False), embedder=hashing_embedder)


@pytest.fixture(scope="module", params=["faiss", "qdrant"])
def engine(request, feed_engine):
    if request.param == "faiss":
        return feed_engine
    from retrieval.qdrant_backend import QdrantBackend

    backend = QdrantBackend.build(np.asarray(feed_engine.index.vectors), feed_engine.products, feed_engine.table,
                                  location=":memory:")
    return SearchEngine(feed_engine.products, feed_engine.table, backend, feed_engine.embedder)


def _ids(result):
    return [h.product.id for h in result.hits]


# ------------------------------------------------------------------------------------------------ availability
@pytest.mark.parametrize("query", ["samsung galaxy a54 refurbished", ""])
def test_out_of_stock_is_never_shown_by_default(engine, query):
    result = engine.search(query, Filters(), k=50)
    assert SOLD_OUT not in _ids(result) and result.matched == engine.size - 1
    assert SOLD_OUT not in _ids(engine.search(query, Filters(brand=["Samsung"]), k=50))
    assert SOLD_OUT not in _ids(engine.search(query, Filters(), k=50, sort="price_asc"))
    # preorder and backorder can be bought: they stay
    assert {"TF-A12", "TV-55"} <= set(_ids(engine.search(query, Filters(), k=50)))


@pytest.mark.parametrize("query", ["samsung galaxy a54 refurbished", ""])
def test_out_of_stock_is_shown_when_asked(engine, query):
    asked = Filters(include_out_of_stock=True)
    result = engine.search(query, asked, k=50)
    assert SOLD_OUT in _ids(result) and result.matched == engine.size
    assert SOLD_OUT in _ids(engine.search(query, asked.merged(brand=["Samsung"]), k=50))


def test_include_out_of_stock_false_is_the_default_not_a_constraint():
    assert Filters(include_out_of_stock=False) == Filters() and Filters().active() == {}
    assert Filters(include_out_of_stock="yes").active() == {"include_out_of_stock": True}


# ------------------------------------------------------------------------------------------------ category
@pytest.mark.parametrize("value,want", [
    ("Electronics", {"GP8-128-BLK", "GP8-256-BLU", "SGS23", "TF-A12", "CHG-30W", "TV-55", "BUDS-1"}),
    (["Electronics", "Communications"], {"GP8-128-BLK", "GP8-256-BLU", "SGS23", "TF-A12"}),
    ("electronics >  communications > TELEPHONY > Mobile Phones", {"GP8-128-BLK", "GP8-256-BLU", "SGS23", "TF-A12"}),
    ("Mobile Phones", {"GP8-128-BLK", "GP8-256-BLU", "SGS23", "TF-A12"}),  # a node named without its parents
    ("Video > Televisions", {"TV-55"}),
    ("Phones > Cases", {"CASE-P8", "CASE-EU"}),
    ("Televisions > Phones", set()),  # no such path: nothing, as an unknown brand
])
def test_category_filter_is_a_path_prefix_at_any_depth(engine, value, want):
    filters = Filters(category=value)
    assert set(_ids(engine.search("", filters, k=50))) == want
    assert set(_ids(engine.search("phone", filters, k=50))) == want
    assert engine.table.count(filters) == len(want)


def test_category_counts_per_level(feed_engine):
    table = feed_engine.table
    assert table.category_counts(Filters()) == {"Electronics": 7, "Phones": 2}  # sold-out A54 hidden
    assert table.category_counts(Filters(include_out_of_stock=True))["Electronics"] == 8
    assert table.category_counts(Filters(category="Electronics")) == {
        "Electronics > Communications": 4, "Electronics > Audio": 1, "Electronics > Electronics Accessories": 1,
        "Electronics > Video": 1}
    assert table.category_counts(Filters(), depth=4) == {
        "Electronics > Communications > Telephony > Mobile Phones": 4,
        "Electronics > Electronics Accessories > Power > Power Adapters & Chargers": 1}
    assert table.category_counts(Filters(brand=["Google"]), depth=2) == {"Electronics > Communications": 2}
    assert table.categories.paths()[:2] == ["Electronics", "Phones"]


def test_a_long_category_path_survives_the_lenient_limits():
    deep = " > ".join(["Vehicles & Parts", "Vehicle Parts & Accessories", "Motor Vehicle Electronics",
                       "Motor Vehicle Audio & Video Components", "Motor Vehicle Video Monitor Mounts"])
    assert len(deep) > MAX_VALUE_CHARS
    data, warnings = fit_limits({"category": deep})
    assert Filters(**data).category == deep and warnings == []
    with pytest.raises(ValueError):
        Filters(category="x" * 400)


# ------------------------------------------------------------------------------------------------ currency
def test_prices_are_never_compared_across_currencies(engine):
    table = engine.table
    assert table.currency == "USD"
    eur = engine.products[engine.row_of["CASE-EU"]]
    assert (eur.price, eur.currency) == (15.99, "EUR")  # kept for display ...
    for filters in (Filters(price_max=20), Filters(price_min=1), Filters(price_max="low")):
        assert "CASE-EU" not in _ids(engine.search("case for pixel", filters, k=50))  # ... never in USD filters
    assert "CASE-EU" in _ids(engine.search("case for pixel", Filters(), k=50))
    assert _ids(engine.search("", Filters(), k=50, sort="price_asc"))[-1] == "CASE-EU"  # unknown price sorts last
