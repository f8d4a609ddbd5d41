"""Result order on request: "sort by price", "most expensive first", "what's the cheapest one?"."""

from __future__ import annotations

import math

import pytest

from agent.assistant import Assistant
from agent.intents import classify
from evals.conversation_eval import open_demo_engine, rule_extractor
from retrieval.filters import PHONES, Filters


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return open_demo_engine(tmp_path_factory.mktemp("sort"))


def _prices(hits):
    return [h.product.price for h in hits]


def test_sort_without_a_query_is_exact_over_every_match(engine):
    f = Filters(subcategory=PHONES, brand=["Samsung"])
    every = sorted(p.price for p in engine.products if p.subcategory == PHONES and p.brand == "Samsung"
                   and p.price is not None)
    r = engine.search("", f, k=5, sort="price_asc")
    assert r.matched == engine.table.count(f) and _prices(r.hits) == every[:5]
    assert _prices(engine.search("", f, k=5, offset=5, sort="price_asc").hits) == every[5:10]  # pages continue
    assert _prices(engine.search("", f, k=3, sort="price_desc").hits) == every[::-1][:3]
    ratings = [h.product.average_rating for h in engine.search("", f, k=10, sort="rating").hits]
    assert ratings == sorted(ratings, reverse=True)
    reviews = [h.product.rating_number or 0 for h in engine.search("", f, k=10, sort="reviews").hits]
    assert reviews == sorted(reviews, reverse=True)
    with pytest.raises(ValueError, match="unknown sort"):
        engine.search("", f, sort="alphabetical")


def test_products_without_a_price_come_last(engine):
    f = Filters(subcategory=PHONES)
    hits = engine.search("", f, k=engine.table.count(f), sort="price_asc").hits
    prices = _prices(hits)
    known = [p for p in prices if p is not None]
    assert known == sorted(known) and all(p is None for p in prices[len(known):])


def test_sort_with_a_query_reorders_the_relevant_matches(engine):
    f = Filters(subcategory="Cell Phone Accessories")
    relevant = {h.row for h in engine.search("wireless charger", f, k=100).hits}
    hits = engine.search("wireless charger", f, k=5, sort="price_asc").hits
    assert {h.row for h in hits} <= relevant
    prices = [p if p is not None else math.inf for p in _prices(hits)]
    assert prices == sorted(prices)


@pytest.mark.parametrize("text,kind,sort", [
    ("sort by price", "sort", "price_asc"), ("cheapest first please", "sort", "price_asc"),
    ("what's the cheapest one?", "sort", "price_asc"), ("most expensive first", "sort", "price_desc"),
    ("sort them by price, highest first", "sort", "price_desc"), ("price high to low", "sort", "price_desc"),
    ("best rated first", "sort", "rating"), ("sort by number of reviews", "sort", "reviews"),
    ("best match first", "sort", "relevance"),
    ("cheapest samsung phone", "search", "price_asc"),  # a filter to extract as well
    ("sort by price under 300", "search", "price_asc"),
    ("cheap phones", "search", None), ("the first one", "details", None),
    ("which is the cheapest of them", "details", None),  # a pick among the shown products
])
def test_sort_requests_are_recognised(text, kind, sort):
    intent = classify(text)
    assert (intent.kind, intent.sort) == (kind, sort)


def test_sort_is_kept_across_turns_until_changed_or_reset(engine):
    a = Assistant(engine, rule_extractor(engine))
    first = a.turn("s", "samsung phones")
    r = a.turn("s", "sort by price")
    assert r.filters == first.filters and "Sorted by price, lowest first" in r.answer
    shown = [engine.product(i).price for i in r.shown]
    assert shown == sorted(shown)
    r = a.turn("s", "only black ones")
    assert r.filters.color == ["black"] and "Sorted by price" in r.answer
    shown = [engine.product(i).price for i in r.shown]
    assert shown == sorted(shown)
    r = a.turn("s", "what's the cheapest one?")
    assert r.filters.price_max is None  # an order, not a "cheap" filter
    a.turn("s", "start over")
    assert "Sorted" not in a.turn("s", "phones under 300").answer
