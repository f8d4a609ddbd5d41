"""The attribute table over attributes with units and product types: masks, facets, chips, cards, relaxation."""

from __future__ import annotations

import numpy as np
import pytest

from extraction.vocabulary import Vocabulary
from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.filters import (
    FIELD_GROUPS,
    FIELD_ORDER,
    NUMERIC_PAIRS,
    PAPER_FIELDS,
    FilterError,
    Filters,
    parse_filter_args,
)
from tools.describe import constraint_labels, product_record, why_it_fits
from tools.relax import relaxations

PRODUCTS = [
    Product(id="tv43", title="Acme 108 cm (43 inches) 4K Ultra HD Smart LED TV", price=300.0,
            specs={"screen_in": 43.0, "resolution_p": 2160.0}),
    Product(id="tv55", title="Acme 139 cm (55 inches) 4K Ultra HD Smart LED TV", price=500.0,
            specs={"screen_in": 55.0, "resolution_p": 2160.0, "refresh_hz": 120.0}),
    Product(id="tv32", title="Acme 80 cm (32 inches) HD Ready Smart LED TV", price=150.0,
            specs={"screen_in": 32.0, "resolution_p": 720.0}),
    Product(id="remote", title="Replacement Remote Control for Acme Smart LED TV", price=8.0),
    Product(id="mount", title="Wall Mount Bracket for 32 to 55 inch TV", price=20.0),
    Product(id="lap8", title="Acme Laptop 15.6 inch FHD, 8GB RAM, 512GB SSD, 1.7 kg", price=600.0, storage_gb=512.0,
            specs={"screen_in": 15.6, "ram_gb": 8.0, "resolution_p": 1080.0, "weight_g": 1700.0}),
    Product(id="lap16", title="Acme Laptop 14 inch FHD, 16GB RAM, 1TB SSD, 1.3 kg", price=900.0, storage_gb=1024.0,
            specs={"screen_in": 14.0, "ram_gb": 16.0, "resolution_p": 1080.0, "weight_g": 1300.0}),
    Product(id="bag", title="Laptop Backpack 30L, fits up to 15.6 inch Laptop", price=25.0),
    Product(id="ram", title="Crucial 8GB DDR4 Laptop RAM Stick", price=20.0, specs={"ram_gb": 8.0}),
    Product(id="pb", title="Ambrane 20000mAh Power Bank, 22.5W Fast Charging", price=20.0,
            specs={"battery_mah": 20000.0, "power_w": 22.5}),
    Product(id="ch30", title="Acme 30W USB-C Fast Charger for Phones", price=15.0, specs={"power_w": 30.0}),
    Product(id="ch65", title="Acme 65W GaN Charger for Laptops", price=40.0, specs={"power_w": 65.0}),
]


@pytest.fixture(scope="module")
def table() -> AttributeTable:
    return AttributeTable.from_products(PRODUCTS)


def _ids(table: AttributeTable, f: Filters) -> list[str]:
    return [PRODUCTS[i].id for i in table.allowed_ids(f)]


@pytest.mark.parametrize("filters,expected", [
    (Filters(ram_gb_min=8), ["lap8", "lap16", "ram"]),            # "at least 8gb of ram": unknown RAM never matches
    (Filters(screen_in_min=65), []),
    (Filters(screen_in_min=50, screen_in_max=60), ["tv55"]),      # "a 55 inch one"
    (Filters(battery_mah_min=10000), ["pb"]),                     # "10000mah or more"
    (Filters(power_w_min=30, power_w_max=30), ["ch30"]),          # "a 30w charger"
    (Filters(resolution_p_min=2160), ["tv43", "tv55"]),           # "4K"
    (Filters(refresh_hz_min=100), ["tv55"]),
    (Filters(weight_g_max=1500), ["lap16"]),                      # "under 1.5 kg"
    (Filters(product_type="tv"), ["tv43", "tv55", "tv32"]),       # "a television": not its remote or mount
    (Filters(product_type="laptop"), ["lap8", "lap16"]),          # "a notebook computer": not the bag or RAM
    (Filters(product_type="remote"), ["remote"]),                 # asking for the accessory gets it
    # no category with 30 screens: "a big screen" is the catalog's top third of screens (14" to 55")
    (Filters(product_type="tv", screen_in_min="high"), ["tv43", "tv55"]),
])
def test_masks(table, filters, expected):
    assert _ids(table, filters) == expected
    assert all(table.satisfies(i, filters) for i in table.allowed_ids(filters))


def test_role_mask_hook(table):
    accessories_of_tvs = [PRODUCTS[i].id for i in np.flatnonzero(table.role_mask("tv", role="accessory"))]
    assert accessories_of_tvs == ["remote", "mount"]
    main = {PRODUCTS[i].id for i in np.flatnonzero(table.role_mask(role="main"))}
    assert {"tv43", "lap8", "pb"} <= main and not {"remote", "bag", "ram", "ch30"} & main
    assert not table.role_mask("spaceship").any()


def test_attribute_facets_on_request_only(table):
    default = table.facet_counts(Filters())
    assert "screen_in" not in default and "product_type" not in default
    facets = table.facet_counts(Filters(product_type="tv"), facets=["screen_in", "product_type", "resolution_p"])
    assert facets["screen_in"] == {'43"': 1, '55"': 1, '32"': 1}
    assert facets["product_type"]["tv"] == 3 and facets["product_type"]["laptop"] == 2  # own facet cleared
    assert facets["resolution_p"] == {"4K": 2, "HD (720p)": 1}


def test_columns_are_read_only_and_unknown_attributes_are_all_unknown(table):
    col = table.column("screen_in")
    with pytest.raises(ValueError):
        col[0] = 1.0
    assert np.isnan(table.column("refresh_hz")[0]) and table.column("price")[0] == 300.0


def test_fields_follow_the_papers_and_the_old_ones():
    assert FIELD_ORDER[:7] == PAPER_FIELDS
    assert FIELD_ORDER.index("condition") < FIELD_ORDER.index("screen_in_min") < FIELD_ORDER.index("product_type")
    assert set(NUMERIC_PAIRS) >= {"screen_in", "ram_gb", "battery_mah", "power_w", "resolution_p", "refresh_hz",
                                  "weight_g"}
    assert FIELD_GROUPS["screen"] == ("screen_in_min", "screen_in_max") and FIELD_GROUPS["weight"][1] == "weight_g_max"
    assert parse_filter_args(["ram_gb_min=8", "product_type=Laptop"]).active() == {"ram_gb_min": 8.0,
                                                                                    "product_type": "laptop"}
    with pytest.raises(FilterError, match="limit"):
        parse_filter_args(["screen_in_min=5000"])
    with pytest.raises(FilterError, match="invalid"):
        parse_filter_args(["product_type=spaceship"])


def test_chips_cards_and_why_it_fits():
    f = Filters(screen_in_min=55, ram_gb_min=8, weight_g_max=1500, resolution_p_min=2160, power_w_min=30,
                product_type="tv", battery_mah_min="high")
    assert constraint_labels(f) == ['55"+ screen', "8 GB+ RAM", "big battery", "30 W+ power", "4K+",
                                    "up to 1.5 kg weight", "TVs only"]
    rec = product_record(PRODUCTS[1])
    assert rec["specs"] == {"screen": '55"', "resolution": "4K", "refresh rate": "120 Hz"}
    assert why_it_fits(PRODUCTS[1], Filters(screen_in_min=50, product_type="tv")) == ['55" screen', "tv"]


def test_relaxation_steps_along_standard_values(table):
    offers = relaxations(table, Filters(ram_gb_min=32, product_type="laptop"))
    ram = [o for o in offers if o["field"] == "ram_gb_min"]
    assert ram and ram[0]["kind"] == "loosen" and ram[0]["filters"]["ram_gb_min"] == 16.0


def test_snapping_reads_units_and_product_types():
    vocab = Vocabulary.default()
    got, warnings = vocab.snap({"ram_gb_min": "8gb", "weight_g_max": "1.5 kg", "resolution_p_min": "4K",
                                "product_type": "a notebook computer", "screen_in_min": "big"})
    assert got.active() == {"ram_gb_min": 8.0, "resolution_p_min": 2160.0, "weight_g_max": 1500.0,
                            "product_type": "laptop"}
    assert any("screen_in_min" in w for w in warnings)
    swapped, _ = vocab.snap({"screen_in_min": 65, "screen_in_max": 43})
    assert (swapped.screen_in_min, swapped.screen_in_max) == (43.0, 65.0)
