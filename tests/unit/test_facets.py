import pytest

from retrieval.facets import (
    brand_key,
    brand_keys,
    color_families,
    derive_subcategory,
    display_brand,
    parse_carriers,
    parse_condition,
    parse_storage_gb,
)
from retrieval.filters import ACCESSORIES, PHONES


@pytest.mark.parametrize("name,key", [("Samsung Electronics", "samsung"), ("SAMSUNG", "samsung"),
                                      ("Motorola Mobility LLC", "motorola"), ("Amazon Basics", "amazonbasics"),
                                      ("", "")])
def test_brand_key(name, key):
    assert brand_key(name) == key


def test_brand_parents_and_display():
    assert brand_keys("Redmi") == ["redmi", "xiaomi"]
    assert display_brand("Samsung Electronics", None) == "Samsung"
    assert display_brand("AnkerDirect", "Anker") == "Anker"
    assert display_brand("SAMSUNG", None) == "Samsung"
    assert display_brand("boAt", None) == "boAt"


@pytest.mark.parametrize("color,families", [("Midnight Black", ["black"]), ("Coral Blue", ["blue"]),
                                            ("Orchid Gray", ["gray"]), ("Graphite", ["gray"]),
                                            ("Deep Indigo", ["blue"]), ("Black/Red", ["black", "red"]),
                                            ("Wi-Fi", []), (None, [])])
def test_color_families(color, families):
    assert color_families(color) == families


@pytest.mark.parametrize("text,gb", [("128 GB", 128.0), ("1TB", 1024.0), ("256 MB", 0.25),
                                     ("Redmi 10 (8GB RAM, 128GB Storage)", 128.0), ("4GB+64GB", 64.0),
                                     ("no size", None)])
def test_parse_storage(text, gb):
    assert parse_storage_gb(text) == gb


def test_parse_carriers():
    assert parse_carriers("T-Mobile, Unlocked for All Carriers") == ["Unlocked", "T-Mobile"]
    assert parse_carriers("AT&T") == ["AT&T"]
    assert parse_carriers("Metro by T-Mobile") == ["Metro by T-Mobile"]
    assert parse_carriers("Blue") == []


def test_condition_and_subcategory():
    assert parse_condition("Galaxy S8 (Renewed)") == "renewed"
    assert parse_condition("Galaxy S8 brand new") == "new"
    assert derive_subcategory(["Cell Phones & Accessories", "Cell Phones"], "x") == PHONES
    assert derive_subcategory(["Cell Phones & Accessories", "Accessories", "Cables"], "x") == ACCESSORIES
    assert derive_subcategory([], "Spigen case for iPhone 14") == ACCESSORIES
    assert derive_subcategory([], "Unlocked Android smartphone 128GB") == PHONES
    assert derive_subcategory(["Electronics", "Laptop"], "HP laptop") == "Laptop"
    assert derive_subcategory(["Electronics"], "Koss stereo equalizer") is None
