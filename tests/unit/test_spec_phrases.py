"""Attributes with units in a shopper's words -> `Filters` bounds (extraction/grammar/spec_bounds.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from retrieval.specs import spec_names

from .test_product_types import _products


@pytest.fixture(scope="module")
def ex() -> RuleExtractor:
    return RuleExtractor(replace(Vocabulary.from_products(_products()), specs=list(spec_names()),
                                 storage_gb=[32.0, 64.0, 128.0, 256.0]))


@pytest.mark.parametrize("text, expect", [
    ("laptop with at least 8gb of ram", {"ram_gb_min": 8.0, "product_type": "laptop"}),
    ("16 gb ram please", {"ram_gb_min": 16.0, "ram_gb_max": 16.0}),
    ("a 65 inch one", {"screen_in_min": 64.5, "screen_in_max": 65.5}),
    ("10000mah or more", {"battery_mah_min": 10000.0}),
    ("a 30w charger", {"power_w_min": 30.0}),
    ("4k tv", {"resolution_p_min": 2160.0, "product_type": "tv"}),
    ("full hd", {"resolution_p_min": 1080.0}),
    ("120hz", {"refresh_hz_min": 120.0}),
    ("under 200 grams", {"weight_g_max": 200.0}),
    ("no more than 1.5 kg", {"weight_g_max": 1500.0}),
    ('a 55" tv', {"screen_in_min": 54.5, "screen_in_max": 55.5}),
    ("laptop with a 15.6 inch screen", {"screen_in_min": 15.5, "screen_in_max": 15.7}),  # not 15.0 or 16.0
    ("a 14 inch laptop", {"screen_in_min": 13.9, "screen_in_max": 14.9}),  # a whole size names its class
    ("a 20000 mah power bank", {"battery_mah_min": 19000.0, "battery_mah_max": 21000.0}),  # not a 30000 one
    ("8gb ram 128gb storage", {"ram_gb_min": 8.0, "ram_gb_max": 8.0, "storage_gb_min": 128.0, "storage_gb_max": 128.0}),
])
def test_attribute_phrases(ex, text, expect):
    got = ex.extract(text).filters.active()
    assert {k: got.get(k) for k in expect} == expect, (text, got)


@pytest.mark.parametrize("text, absent", [
    ("128gb memory card", "ram_gb_min"),  # a memory card's size is storage, never RAM
    ("a 5g phone", "weight_g_max"),  # a network, not five grams
    ("a 4g phone", "weight_g_min"),
    ("a phone with 200 in the box", "screen_in_min"),
    ("33w charger included", "power_w_min"),
])
def test_not_an_attribute(ex, text, absent):
    assert ex.extract(text).filters.active().get(absent) is None, text


def test_memory_card_capacity_is_its_storage(ex):
    f = ex.extract("128gb memory card").filters
    assert f.product_type == "memory_card" and f.storage_gb_min == 128.0 and f.ram_gb_min is None


def test_phone_catalog_reads_no_attribute_units():
    f = RuleExtractor(Vocabulary.default()).extract("at least 8gb of ram and a 6.5 inch screen").filters
    assert f.ram_gb_min is None and f.screen_in_min is None
