"""A new product type starts a new search (extraction/type_switch.py, via state.apply_update)."""

from __future__ import annotations

from extraction.rules import RuleExtractor
from extraction.state import StateUpdate, apply_update
from extraction.type_switch import TypeFacts, switch_type
from extraction.vocabulary import Vocabulary
from retrieval.filters import Filters

from .test_product_types import _products

FACTS = TypeFacts(brands={"tablet": frozenset({"samsung", "lenovo"}), "laptop": frozenset({"dell", "lenovo"})},
                  subcategories={"tablet": {"Tablet": 1.0}, "laptop": {"Laptop": 0.9}})


def test_budget_carries_type_bounds_and_absent_brands_drop():
    state = Filters(price_max=60000, brand=["Dell", "Lenovo"], ram_gb_min=16, subcategory="Laptop",
                    product_type="laptop", average_rating_min=4)
    new, warnings = apply_update(state, StateUpdate(set={"product_type": "tablet"}), types=FACTS)
    assert new.price_max == 60000 and new.average_rating_min == 4
    assert new.ram_gb_min is None and new.subcategory is None
    assert new.brand == ["Lenovo"] and new.product_type == "tablet"
    assert any("cleared RAM" in w for w in warnings) and any("no Dell tablets" in w for w in warnings)


def test_what_the_same_update_says_is_kept():
    data = {"product_type": "laptop", "ram_gb_min": 16.0, "brand": ["Dell"]}
    sets = {"product_type": "tablet", "ram_gb_min": 8.0, "brand": ["Dell"]}
    assert switch_type(data, sets, FACTS) == []
    assert data["ram_gb_min"] == 16.0 and data["brand"] == ["Dell"]  # the update's own values then replace them


def test_without_facts_the_subcategory_switch_is_unchanged():
    state = Filters(price_max=300, subcategory="Cell Phones", carrier=["Verizon"])
    new, _ = apply_update(state, StateUpdate(set={"subcategory": "Cell Phone Accessories"}))
    assert new.price_max is None and new.carrier == []


def test_same_type_again_changes_nothing():
    state = Filters(price_max=500, ram_gb_min=8, product_type="laptop")
    new, warnings = apply_update(state, StateUpdate(set={"product_type": "laptop"}), types=FACTS)
    assert new == state and warnings == []


def test_rules_switch_in_a_conversation():
    ex = RuleExtractor(Vocabulary.from_products(_products()))
    first = ex.extract("an hp laptop under 60000 with 16gb ram").filters
    assert first.product_type == "laptop" and first.brand == ["HP"]
    second = ex.extract("let's look at tvs instead", first)
    f = second.filters
    assert f.product_type == "tv" and f.price_max == 60000 and f.ram_gb_min is None and f.brand == []
    assert any("no HP tvs" in w for w in second.warnings)
