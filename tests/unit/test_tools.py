"""The agent's tools (tools/): state in, Command updates out, results that never break a constraint."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from evals.conversation_eval import open_demo_engine, rule_extractor
from retrieval.filters import ACCESSORIES, PHONES, Filters
from tools.catalog_tools import is_broad, make_tools
from tools.describe import constraint_labels, why_it_fits
from tools.relax import blockers, relaxations


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return open_demo_engine(tmp_path_factory.mktemp("tools"))


@pytest.fixture(scope="module")
def tools(engine):
    return {t.name: t for t in make_tools(engine, rule_extractor(engine))}


def call(tool, state, **args):
    """Run a tool's function with a stand-in runtime; returns (state update, JSON payload)."""
    runtime = SimpleNamespace(state=state, tool_call_id="call-1")
    cmd = tool.func(runtime=runtime, **args)
    update = dict(cmd.update)
    payload = json.loads(update["messages"][0].content)
    assert update["messages"][0].tool_call_id == "call-1"
    return update, payload


def test_three_tools_with_described_arguments(tools):
    assert set(tools) == {"extract_filters", "search_products", "product_details"}
    for tool in tools.values():
        schema = tool.tool_call_schema.model_json_schema()
        assert "runtime" not in schema.get("properties", {})  # injected, never shown to the model
        for name, prop in schema.get("properties", {}).items():
            assert len(prop.get("description", "")) > 20, f"{tool.name}.{name} needs a description for the LLM"


def test_extract_filters_builds_on_the_state(tools):
    update, payload = call(tools["extract_filters"], {"filters": {"brand": ["Samsung"], "subcategory": PHONES}},
                           utterance="only black ones")
    assert update["filters"] == {"subcategory": PHONES, "brand": ["Samsung"], "color": ["black"]}
    assert payload["changed"] == {"color": ["black"]}
    assert "black" in payload["chips"]


def test_extract_filters_start_over_clears_lists(tools):
    update, payload = call(tools["extract_filters"], {"filters": {"brand": ["Samsung"]}, "shown": ["x"],
                                                      "topic": "phone"}, utterance="start over")
    assert update["filters"] == {} and payload["reset"] is True
    assert update["shown"] == [] and update["topic"] == ""


def test_extract_filters_survives_a_crashing_extractor(engine):
    class Broken:
        def extract(self, *a, **k):
            raise RuntimeError("boom")

    tool = {t.name: t for t in make_tools(engine, Broken())}["extract_filters"]
    update, payload = call(tool, {"filters": {"brand": ["Google"]}}, utterance="anything")
    assert update["filters"] == {"brand": ["Google"]}
    assert payload["warnings"] and "state kept" in payload["warnings"][0]


def test_search_results_satisfy_every_constraint(engine, tools):
    state = {"filters": {"subcategory": PHONES, "price_max": 500.0}, "topic": "phone"}
    update, payload = call(tools["search_products"], state)
    f = Filters(**state["filters"])
    assert payload["matched"] == engine.table.count(f) == update["matched"] > 5
    mask = engine.table.mask(f)
    assert payload["results"] and all(mask[engine.row_of[r["id"]]] for r in payload["results"])
    assert update["shown"] == [r["id"] for r in payload["results"]]
    assert payload["facets"]["brand"] and payload["has_more"] is True
    assert all("$" in " ".join(r["why"]) for r in payload["results"])  # price is a constraint: say it


def test_search_more_pages_forward(tools):
    state = {"filters": {"subcategory": ACCESSORIES}, "topic": "case"}
    first, p1 = call(tools["search_products"], state)
    state.update(first)
    second, p2 = call(tools["search_products"], state, more=True)
    assert second["page"] == 1 and p2["offset"] == 5
    assert not set(second["shown"]) & set(first["shown"])


def test_empty_search_offers_counted_relaxations(engine, tools):
    state = {"filters": {"subcategory": PHONES, "brand": ["Samsung"], "color": ["black"], "price_max": 20.0},
             "shown": ["keep-me"]}
    update, payload = call(tools["search_products"], state)
    assert payload["matched"] == 0 and payload["results"] == []
    assert "shown" not in update  # the previous list stays resolvable
    offers = payload["relaxations"]
    assert offers
    for o in offers:
        assert o["count"] == engine.table.count(Filters(**o["filters"])) > 0
    assert {b["field"] for b in payload["blockers"]} >= {"price_max"}


def test_relaxations_change_one_constraint_and_loosen_to_the_nearest_bound(engine):
    f = Filters(subcategory=PHONES, brand=["Samsung"], color=["black"], price_max=20.0)
    offers = relaxations(engine.table, f)
    for o in offers:
        changed = {k for k in set(f.active()) | set(o["filters"]) if f.active().get(k) != o["filters"].get(k)}
        assert changed == {o["field"]}
    loosen = next(o for o in offers if o["field"] == "price_max" and o["kind"] == "loosen")
    cheapest = min(p.price for p in engine.products if engine.table.mask(f.without("price_max"))[engine.row_of[p.id]]
                   and p.price is not None)
    assert cheapest <= loosen["filters"]["price_max"] <= cheapest * 1.1 + 1
    assert blockers(engine.table, Filters()) == []


def test_details_by_position_pick_and_stale_products(engine, tools):
    state = {"filters": {"subcategory": PHONES}, "topic": "phone"}
    first, _ = call(tools["search_products"], state)
    state.update(first)
    upd, payload = call(tools["product_details"], state, positions=[1, 2])
    assert [p["id"] for p in payload["products"]] == state["shown"][:2] == upd["focus"]
    assert payload["products"][0]["features"] and "comparison" in payload
    state.update(upd)
    upd, payload = call(tools["product_details"], state, use_focus=True, pick="cheapest")
    two = [engine.product(i) for i in state["shown"][:2]]
    assert payload["products"][0]["id"] == min(two, key=lambda p: p.price).id
    # Tighten the constraints so the first product no longer fits: it is named, never presented.
    first_price = engine.product(state["shown"][0]).price
    state["filters"] = {"subcategory": PHONES, "price_max": max(1.0, first_price - 1)}
    _, payload = call(tools["product_details"], state, positions=[1])
    assert payload["products"] == [] and payload["no_longer_match"][0]["fails"]
    _, payload = call(tools["product_details"], state, positions=[40])
    assert payload["missing_positions"] == [40]


def test_labels_and_reasons():
    assert constraint_labels(Filters(price_max=200, brand=["Samsung"], color=["black"])) == [
        "under $200", "Samsung", "black"]
    assert constraint_labels(Filters(price_max="low", subcategory=PHONES)) == ["cheap (under $100)", "phones"]
    assert is_broad(Filters(), "something") and is_broad(Filters(subcategory=PHONES), "a phone")
    assert not is_broad(Filters(), "wireless charger") and not is_broad(Filters(brand=["X"]), "")


def test_why_it_fits_uses_the_products_own_values(engine):
    p = next(p for p in engine.products if p.brand == "Samsung" and p.price)
    reasons = why_it_fits(p, Filters(brand=["Samsung"], price_max=p.price + 1), topic="galaxy phone")
    assert "Samsung" in reasons and any(r.startswith("$") for r in reasons)


def test_storage_relaxations_use_standard_sizes(engine):
    f = Filters(subcategory=PHONES, storage_gb_min=2048, price_max=150)
    offers = [o for o in relaxations(engine.table, f, limit=8) if o["field"] == "storage_gb_min"]
    assert offers, "a storage bound that empties the set gets an offer"
    for o in offers:
        size = o["filters"].get("storage_gb_min")
        assert size is None or size in (8, 16, 32, 64, 128, 256, 512, 1024), o
