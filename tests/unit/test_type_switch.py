"""A new product type starts a new search (extraction/type_switch.py, via state.apply_update)."""

from __future__ import annotations

from extraction.rules import RuleExtractor
from extraction.state import StateUpdate, apply_update
from extraction.type_switch import TypeFacts, switch_type
from extraction.vocabulary import Vocabulary
from retrieval.catalog import Product
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
    assert any("no HP TVs" in w for w in second.warnings)


COUNTED = TypeFacts(brands={"laptop": frozenset({"dell", "hp", "boat"})},
                    brand_counts={"laptop": {"dell": 30, "hp": 25, "boat": 1}, "headphones": {"boat": 40}},
                    prices={"laptop": 40000.0, "headphones": 1200.0})


def test_a_brand_with_a_stray_listing_of_the_new_type_is_dropped():
    # one "boAt laptop" among 56 laptops is a misfiled cable or bag: boAt makes no laptops here
    data = {"product_type": "headphones", "brand": ["boAt"], "price_max": 1500.0}
    lines = switch_type(data, {"product_type": "laptop"}, COUNTED)
    assert "brand" not in data and any("no boAt laptops" in w for w in lines)


def test_a_budget_far_below_the_new_type_is_dropped_and_said():
    data = {"product_type": "headphones", "price_max": 1500.0, "average_rating_min": 4.0}
    lines = switch_type(data, {"product_type": "laptop"}, COUNTED)
    assert "price_max" not in data and data["average_rating_min"] == 4.0
    assert any("dropped the price limit of 1,500" in w for w in lines)


def test_a_budget_that_fits_the_new_type_stays():
    data = {"product_type": "laptop", "price_max": 900.0}  # plenty of headphones under 900
    assert switch_type(data, {"product_type": "headphones"}, COUNTED) == [] and data["price_max"] == 900.0
    said = {"product_type": "headphones", "price_max": 1500.0}  # a budget said with the new type is kept
    assert switch_type(said, {"product_type": "laptop", "price_max": 1500.0}, COUNTED) == []


def test_switch_to_an_irregular_plural_in_a_conversation():
    ex = RuleExtractor(Vocabulary.from_products(_products()))
    first = ex.extract("boat earbuds").filters
    assert first.product_type == "headphones"
    second = ex.extract("hmm, let's look at laptops instead", first).filters
    assert second.product_type == "laptop" and second.brand == []
    mice = Vocabulary.from_products(_products() + [
        Product(id=f"m{i}", title=f"Logitech M{i}0 Wireless Mouse", brand="Logitech", price=900.0)
        for i in range(3)])
    after = RuleExtractor(mice).extract("wait, show mice instead", Filters(product_type="laptop")).filters
    assert after.product_type == "mouse"
