"""Result shaping (retrieval/ranking.py + search_products): quality prior, one card per model, close matches."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import numpy as np
import pytest

from evals.conversation_eval import rule_extractor
from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.index import SearchOutput
from retrieval.ranking import RankingOptions, bayesian_quality, group
from retrieval.search import SearchEngine
from tools.catalog_tools import make_tools

PHONES = "Cell Phones"


class FixedIndex:
    """Similarities fixed per row, whatever the query: the ranking code is what is under test."""

    def __init__(self, sims: list[float]):
        self.sims = np.array(sims, dtype=np.float32)

    def search(self, vec, k, allowed=None, filters=None):
        rows = np.arange(self.sims.size) if allowed is None else np.asarray(allowed)
        order = rows[np.argsort(-self.sims[rows], kind="stable")][:k]
        return SearchOutput(self.sims[order][None, :], order.astype(np.int64)[None, :], True)


class ZeroEmbedder:
    name = "zero"

    def encode_queries(self, texts):
        return np.zeros((len(texts), 4), dtype=np.float32)


def engine_of(rows: list[tuple[Product, float]], **options) -> SearchEngine:
    products = [p for p, _ in rows]
    return SearchEngine(products, AttributeTable.from_products(products), FixedIndex([s for _, s in rows]),
                        ZeroEmbedder(), ranking=RankingOptions(**options))  # type: ignore[arg-type]


def phone(pid: str, title: str, rating: float | None, reviews: int | None, **kw) -> Product:
    return Product(id=pid, title=title, brand=title.split()[0], subcategory=PHONES, price=kw.pop("price", 200.0),
                   average_rating=rating, rating_number=reviews, **kw)


def test_bayesian_quality_trusts_many_ratings_over_a_few_perfect_ones():
    q = bayesian_quality(np.array([5.0, 4.6, np.nan, 2.5]), np.array([3, 2000, 0, 4]), mean=4.0, m=20)
    assert q[1] > q[0]  # 4.6 stars from 2,000 beats 5.0 from 3
    assert q[2] == pytest.approx(0.75)  # unrated: the catalog mean (4 stars)
    assert q[3] < q[2] and 0.0 <= q.min() and q.max() <= 1.0


def test_quality_prior_breaks_near_ties_but_not_clear_relevance():
    rows = [(phone("locked", "Acme Locked 2", 2.5, 4), 0.60), (phone("good", "Zed Fine 3", 4.6, 1500), 0.58),
            (phone("far", "Zed Other 9", 4.9, 3000), 0.30)]
    ids = lambda e: [h.product.id for h in e.search("phone for my mom", k=3).hits]  # noqa: E731
    assert ids(engine_of(rows, quality_weight=0.0, poor_penalty=0.0)) == ["locked", "good", "far"]
    with_prior = engine_of(rows, quality_weight=0.05)
    assert ids(with_prior) == ["good", "locked", "far"]  # a 0.3 similarity gap is not closed by ratings
    hit = with_prior.search("phone for my mom", k=1).hits[0]
    assert hit.similarity == pytest.approx(0.58) and hit.score > hit.similarity


def test_group_keeps_one_per_model_or_at_most_two():
    hits = list("aabacaad")
    assert group(hits, str, RankingOptions(group_variants=True)) == ["a", "b", "c", "d"]
    assert group(hits, str, RankingOptions(group_variants=False, max_per_model=2)) == list("aabcdaaa")


COLORS = ["Black", "Blue", "White", "Red", "Green"]


def shop(**options) -> tuple[SearchEngine, dict]:
    rows = [(phone(f"p{i}", f"Apple iPhone 12, {64 * (1 + i % 2)}GB, {c} - Unlocked", 4.5, 900, color=c, colors=[c.lower()],
                   storage_gb=64 * (1 + i % 2)), 0.70 - 0.001 * i) for i, c in enumerate(COLORS)]
    rows += [(phone(f"o{i}", f"Brand{i} Model{i} 64GB Black", 4.4, 500, color="Black", colors=["black"]), 0.66 - 0.01 * i)
             for i in range(8)]
    engine = engine_of(rows, **options)
    return engine, {t.name: t for t in make_tools(engine, rule_extractor(engine))}


def search(tools, state, **args):
    cmd = tools["search_products"].func(runtime=SimpleNamespace(state=state, tool_call_id="c"), **args)
    return dict(cmd.update), json.loads(cmd.update["messages"][0].content)


def test_variants_become_one_card_with_a_label_and_show_more_pages_through_models():
    engine, tools = shop()
    update, payload = search(tools, {"filters": {}, "topic": "iphone"})
    first = payload["results"][0]
    assert [r["id"] for r in payload["results"]] == ["p0", "o0", "o1", "o2", "o3"]
    assert first["variants"]["count"] == 5 and first["variants"]["storage"] == ["64 GB", "128 GB"]
    assert first["variants_label"] == "also in: 5 colors, 64/128 GB"
    state = {"filters": {}, "topic": "iphone", **{k: update[k] for k in ("shown", "page", "offset")}}
    update2, payload2 = search(tools, state, more=True)
    assert [r["id"] for r in payload2["results"]] == ["o4", "o5", "o6", "o7"]
    assert [r["pos"] for r in payload2["results"]] == [6, 7, 8, 9] and payload2["has_more"] is False


def test_filters_hold_and_variants_count_only_members_that_fit():
    engine, tools = shop()
    _, payload = search(tools, {"filters": {"color": ["blue", "white"]}, "topic": "iphone"})
    assert {r["color"] for r in payload["results"]} <= {"Blue", "White"}
    assert payload["results"][0]["variants"]["colors"] == ["blue", "white"]


def test_without_grouping_at_most_two_of_a_model():
    engine, tools = shop(group_variants=False)
    _, payload = search(tools, {"filters": {}, "topic": "iphone"})
    ids = [r["id"] for r in payload["results"]]
    assert ids == ["p0", "p1", "o0", "o1", "o2"] and "variants" not in payload["results"][0]


def test_first_page_stops_at_the_close_matches():
    rows = [(phone("a", "Acme One 64GB", 4.5, 100), 0.62), (phone("b", "Bolt Two 64GB", 4.5, 100), 0.55),
            (phone("c", "Cato Three 64GB", 4.5, 100), 0.21), (phone("d", "Dyn Four 64GB", 4.5, 100), 0.20)]
    engine = engine_of(rows, close_ratio=0.8, close_floor=0.35)
    tools = {t.name: t for t in make_tools(engine, rule_extractor(engine))}
    update, payload = search(tools, {"filters": {}, "topic": "acme phone"})
    assert [r["id"] for r in payload["results"]] == ["a", "b"]
    assert payload["close_matches"] == 2 and payload["has_more"] is True
    state = {"filters": {}, "topic": "acme phone", **{k: update[k] for k in ("shown", "page", "offset")}}
    _, more = search(tools, state, more=True)
    assert [r["id"] for r in more["results"]] == ["c", "d"]  # the looser ones, when asked for
    loose = dataclasses.replace(engine.ranking, close_floor=0.0, close_ratio=0.0)
    engine.ranking = loose
    _, payload = search(tools, {"filters": {}, "topic": "acme phone"})
    assert len(payload["results"]) == 4 and "close_matches" not in payload


def test_the_answer_says_how_many_are_close():
    from agent.answers import render_search

    results = [{"pos": i + 1, "id": f"x{i}", "title": f"Phone {i}", "price": 100.0, "rating": 4.5, "reviews": 10}
               for i in range(2)]
    text, _ = render_search({"matched": 40, "results": results, "close_matches": 2, "filters": {}}, None)
    assert "Only 2 are a close match" in text
    text, _ = render_search({"matched": 40, "results": results, "filters": {}}, None)
    assert "close match" not in text


def test_the_window_summary_says_how_many_are_close_without_listing_them():
    from agent.answers import render_search_summary

    results = [{"pos": i + 1, "id": f"x{i}", "title": f"Phone {i}", "price": 100.0, "rating": 4.5, "reviews": 10}
               for i in range(2)]
    text = render_search_summary({"matched": 40, "results": results, "close_matches": 1, "filters": {}}, None)
    assert "Only 1 is a close match" in text and "Phone 0" not in text  # the cards show the products
    assert "close match" not in render_search_summary({"matched": 40, "results": results, "filters": {}}, None)
