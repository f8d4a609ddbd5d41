"""Variant groups (retrieval/variants.py): listings of one model share a key; other models do not."""

from __future__ import annotations

import pytest

from retrieval.catalog import Product
from retrieval.variants import VariantIndex, describe, group_key, title_key

PHONES = "Cell Phones"


@pytest.mark.parametrize("a, b", [
    ("Apple iPhone 12, 64GB, Blue - Unlocked (Renewed)", "Apple iPhone 12 128GB Black - For Verizon"),
    ("Samsung Galaxy S10+ Plus (128GB, 8GB) 6.4\" AMOLED", "Samsung Galaxy S10 Plus G975U 512GB T-Mobile (Renewed)"),
    ("Google Pixel 4 - Just Black - 64GB - Unlocked", "Pixel 4 - Clearly White - 128GB - Unlocked (Renewed)"),
    ("Moto G7 Play 32GB Android Smartphone GSM Unlocked - Deep Indigo", "Motorola Moto G7 Play XT1952 32GB+2GB RAM"),
    ("Samsung Galaxy Note9 128GB (Single-SIM) SM-N960F", "SAMSUNG - Galaxy Note 9 128GB - Lavender Purple"),
    ("Nokia Lumia 920, Black 32GB (AT&T)", "Nokia Lumia 920, Yellow 32GB (AT&T)"),
])
def test_variants_of_one_phone_share_a_key(a, b):
    brand = a.split()[0] if a.split()[0] not in ("Moto", "Pixel") else None
    assert title_key(a, brand, PHONES) == title_key(b, brand, PHONES) is not None


@pytest.mark.parametrize("a, b", [
    ("Google Pixel 4 - Just Black - 64GB", "Google Pixel 4 XL - Just Black - 64GB"),
    ("Apple iPhone 12, 64GB, Blue", "Apple iPhone 12 Pro, 128GB, Blue"),
    ("Samsung Galaxy S9 64GB Midnight Black", "Samsung Galaxy S9 Plus 64GB Midnight Black"),
    ("Moto G Power | 2021 | Unlocked | 64GB", "Moto G Power | 2020 | Unlocked | 64GB"),
    ("Moto G (4th Gen.) Unlocked - Black - 32GB", "Moto G (5th Gen.) Unlocked - Black - 32GB"),
])
def test_different_models_get_different_keys(a, b):
    assert title_key(a, "Google", PHONES) != title_key(b, "Google", PHONES)


def test_accessories_for_different_phones_are_not_variants():
    key = lambda t: title_key(t, "Spigen", "Cell Phone Accessories")  # noqa: E731
    assert key("Spigen Ultra Hybrid Case for iPhone 12 - Black") == key("Spigen Ultra Hybrid Case for iPhone 12 - Blue")
    assert key("Spigen Ultra Hybrid Case for iPhone 12 - Black") != key("Spigen Ultra Hybrid Case for iPhone 13 - Black")
    assert key("Anker USB C Cable 6ft (2-Pack)") == key("Anker USB C Cable 6ft (3 Pack)")


def test_feed_group_id_wins_and_unreadable_titles_stay_alone():
    a = Product(id="1", title="Blue Shirt", item_group_id="G1")
    b = Product(id="2", title="Red Tee", item_group_id="G1")
    c = Product(id="3", title="Samsung", brand="Samsung", subcategory=PHONES)
    assert group_key(a) == group_key(b) == "group:G1"
    assert group_key(c) == "id:3"


def test_variants_summarise_the_group_and_label_what_differs():
    ps = [Product(id="a", title="Apple iPhone 12, 64GB, Black - Unlocked", brand="Apple", subcategory=PHONES,
                  color="Black", storage_gb=64),
          Product(id="b", title="Apple iPhone 12, 128GB, Blue - Unlocked", brand="Apple", subcategory=PHONES,
                  color="Blue", storage_gb=128),
          Product(id="c", title="Apple iPhone 12, 64GB, White - Unlocked (Renewed)", brand="Apple",
                  subcategory=PHONES, color="White", storage_gb=64, condition="renewed"),
          Product(id="d", title="Apple iPhone 12 Pro, 128GB, Blue", brand="Apple", subcategory=PHONES)]
    vi = VariantIndex(ps)
    v = vi.variants(0)
    assert v["count"] == 3 and v["colors"] == ["black", "blue", "white"]
    assert v["storage"] == ["64 GB", "128 GB"] and v["renewed"] is True
    assert v["label"] == "also in: 3 colors, 64/128 GB, renewed"
    assert vi.variants(3)["count"] == 1 and vi.variants(3)["label"] == ""
    # only the members a mask allows (those meeting the filters) are counted
    assert vi.variants(0, [True, False, False, True])["count"] == 1
    assert describe([ps[2], ps[0]], ps[2])["label"] == "also in: 2 colors, new"
