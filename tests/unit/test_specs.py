"""Attributes with units read from titles and details (retrieval/specs.py): each case is a title written
for the test in the shape of real catalog titles, with the attributes it must give and must not give."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from retrieval.catalog import LoadReport, Product, load_catalog
from retrieval.roles import Role
from retrieval.specs import (
    attributes,
    format_value,
    parse_quantity,
    parse_specs,
    product_value,
    refresh_specs,
    spec_names,
    specs_fingerprint,
)

TV = ("Electronics", "Tv Video")
PHONES = ("Cell Phones & Accessories", "Cell Phones")
LAPTOPS = ("Electronics", "Laptop")

# (title, details, categories, expected attributes (a subset), attributes that must be absent)
CASES = [
    # screens: inches win over the centimetres beside them; a range is no size
    ("Samsung 108 cm (43 inches) Crystal 4K Series Ultra HD Smart LED TV", {}, TV,
     {"screen_in": 43, "resolution_p": 2160}, ["refresh_hz"]),
    ("Kodak 80 cm (32 inches) HD Ready Certified Android Smart LED TV", {}, TV,
     {"screen_in": 32, "resolution_p": 720}, []),
    ("Acer Aspire 7 Gaming Laptop 15.6\" (39.62 cms) FHD 144Hz IPS, 16GB RAM, 512GB SSD", {}, LAPTOPS,
     {"screen_in": 15.6, "resolution_p": 1080, "refresh_hz": 144, "ram_gb": 16, "storage_gb": 512}, []),
    ("Noise Pulse 2 Max 1.85\" Display Bluetooth Calling Smart Watch, 550 Nits", {}, (), {"screen_in": 1.85}, []),
    ("Dell 24 inch (60.96 cm) Full HD 1920 x 1080 Pixels IPS Monitor, 75Hz", {}, (),
     {"screen_in": 24, "resolution_p": 1080, "refresh_hz": 75}, []),
    ("Heavy Duty Wall Mount for 32 to 55 inch LED TV", {}, TV, {}, ["screen_in"]),
    ("Replacement Remote for Mi TV 4A (32\"/43\") Smart LED TV", {}, TV, {}, ["screen_in"]),
    ("Leather Flip Case Cover for Samsung Galaxy Tab S8 11 inch", {}, ("Electronics", "Tablet"), {}, ["screen_in"]),
    # RAM and storage, never one for the other
    ("Redmi 12 (Moonstone Silver, 6GB RAM, 128GB Storage) | 50MP Dual Camera | 5000mAh Battery", {}, PHONES,
     {"ram_gb": 6, "storage_gb": 128, "battery_mah": 5000}, []),
    ("Galaxy M14 5G (Icy Silver, 4GB, 128GB Storage) | Upto 8GB RAM with RAM Plus", {}, PHONES,
     {"ram_gb": 4, "storage_gb": 128}, []),
    ("Xiaomi Redmi 9A 2+32GB Dual SIM Smartphone", {}, PHONES, {"ram_gb": 2, "storage_gb": 32}, []),
    ("Moto G62 5G (128GB, 6GB) 6.5\" FHD+ 120Hz Display", {}, PHONES,
     {"ram_gb": 6, "storage_gb": 128, "screen_in": 6.5, "refresh_hz": 120, "resolution_p": 1080}, []),
    ("Nokia 5.4 | Unlocked Smartphone | 4/64GB | 6.39-Inch Screen | 48MP Quad Camera", {}, PHONES,
     {"ram_gb": 4, "storage_gb": 64, "screen_in": 6.39}, []),
    ("Realme C33 (Aqua Blue, 3GB RAM+32GB Storage) Octa-core Processor", {}, PHONES,
     {"ram_gb": 3, "storage_gb": 32}, []),
    ("Vivo Y21 6-64gb Diamond Glow", {}, PHONES, {"ram_gb": 6, "storage_gb": 64}, []),
    ("Lenovo Tab P11 (11 inch, 6 GB, 128 GB, Wi-Fi), Slate Grey", {}, ("Electronics", "Tablet"),
     {"ram_gb": 6, "storage_gb": 128, "screen_in": 11}, []),
    ("Samsung Galaxy Tab A8 26.69cm (10.5 inch) Display, RAM 3 GB, ROM 32 GB Expandable", {}, ("Electronics", "Tablet"),
     {"ram_gb": 3, "storage_gb": 32, "screen_in": 10.5}, []),
    ("Oppo A17 (Lake Blue, 4GB RAM, 64 Storage) with No Cost EMI", {}, PHONES, {"ram_gb": 4, "storage_gb": 64}, []),
    ("Nokia 110 4G Keypad Phone with Expandable Storage up to 32GB and FM Radio", {}, PHONES, {}, ["storage_gb"]),
    ("HP Laptop 15s, 12th Gen Intel Core i5, 16GB/512GB SSD, 4GB NVIDIA Graphics, 15.6-inch", {}, LAPTOPS,
     {"ram_gb": 16, "storage_gb": 512, "screen_in": 15.6}, []),
    ("Kingston 8GB DDR4 3200MHz Desktop Memory Module", {}, (), {"ram_gb": 8}, ["storage_gb"]),
    # memory cards and drives: their capacity is storage
    ("SanDisk Ultra microSDXC UHS-I Card 128GB, 140MB/s Read", {}, ("Electronics", "Memory Storage"),
     {"storage_gb": 128}, ["ram_gb"]),
    ("Seagate 2TB External Hard Drive HDD, USB 3.0, 64 MB Cache", {}, ("Electronics", "Memory Storage"),
     {"storage_gb": 2048}, []),
    # batteries and power
    ("Ambrane 20000mAh Power Bank, 22.5W Fast Charging, Triple Output", {}, (),
     {"battery_mah": 20000, "power_w": 22.5}, []),
    ("boAt 10,000 mAh Power Bank with 20W PD Charging", {}, (), {"battery_mah": 10000, "power_w": 20}, []),
    ("Amazon Basics 38W Car Charger (Type C 20W + Type A 18W) for Smartphones", {}, (), {"power_w": 38}, []),
    ("Philips 1200-Watt Dry Iron with Non-Stick Soleplate", {}, (), {"power_w": 1200}, []),
    ("Extension Board 6 Socket, 220V-50/60Hz, 2500W Surge Protector", {}, (), {"power_w": 2500}, ["refresh_hz"]),
    # resolution words in context
    ("HP 14s Laptop, Intel UHD Graphics, 14 inch HD Display, 8GB RAM, 256GB SSD", {}, LAPTOPS,
     {"resolution_p": 720}, []),
    ("Amazon Basics High-Speed HDMI Cable, 8K@60Hz, 4K@120Hz, 2 Meter", {}, ("Cell Phones & Accessories", "Cables"),
     {"resolution_p": 4320, "refresh_hz": 120}, []),
    ("TP-Link Tapo 2MP 1080p Full HD Home Security Wi-Fi Camera", {}, (), {"resolution_p": 1080}, []),
    ("boAt Rockerz 450 Bluetooth On Ear Headphones with 40mm Drivers, 20Hz-20kHz, HD Sound", {}, (),
     {}, ["refresh_hz", "resolution_p"]),
    # weight: only next to a weight word (or a laptop's kg)
    ("Lenovo ThinkPad E14 Laptop, 14 inch FHD, 16GB RAM, 512GB SSD, Windows 11, 1.59 kg", {}, LAPTOPS,
     {"weight_g": 1590}, []),
    ("Cosmic Byte Ultra Lightweight Gaming Mouse, 69 grams, RGB", {}, (), {"weight_g": 69}, []),
    ("IFB 6.5 Kg 5 Star Fully Automatic Front Load Washing Machine", {}, (), {}, ["weight_g"]),
    ("Digital Weighing Scale Weight Machine up to 10 Kg", {}, (), {}, ["weight_g"]),
    ("Jio 4G Hotspot, Supports Only Jio 4g Sim Card, 2300mAh Battery", {}, (), {"battery_mah": 2300}, ["weight_g"]),
    # details win over titles; units and defaults from units.toml
    ("Samsung Galaxy S21", {"Screen Size": "6.2 Inches", "Item Weight": "169 Grams",
                            "Memory Storage Capacity": "128 GB"}, PHONES,
     {"screen_in": 6.2, "weight_g": 169, "storage_gb": 128}, []),
    ("Motorola Razr", {"Screen Size": "6.2", "Item Weight": "0.45 Pounds"}, PHONES,
     {"screen_in": 6.2, "weight_g": pytest.approx(204.1, abs=0.1)}, []),
    ("Moto G7 Play XT1952-4, 32GB, 3GB RAM, Black", {"Memory Storage Capacity": "3 GB"}, PHONES,
     {"ram_gb": 3, "storage_gb": 32}, []),  # the catalog's "storage" is the RAM: the title says so
    ("Oppo F21s Pro (Dawnlight Gold, 8GB RAM, 128 Storage)", {"RAM": "8GB", "Memory Storage Capacity": "128"}, PHONES,
     {"ram_gb": 8, "storage_gb": 128}, []),
    ("A no-name widget", {"Item Weight": "1 206 "}, (), {}, ["weight_g"]),  # no unit: unknown, not guessed
    ("Ultra Care Plan", {"Memory Storage Capacity": "12-Month Extended Warranty"}, (), {}, ["storage_gb"]),
]


@pytest.mark.parametrize("title,details,categories,expected,absent", CASES, ids=[c[0][:40] for c in CASES])
def test_parse_specs(title, details, categories, expected, absent):
    got = parse_specs(title, details, categories=list(categories))
    for name, value in expected.items():
        assert got.get(name) == value, f"{name}: {got}"
    for name in absent:
        assert name not in got, f"{name} should be unknown: {got}"


def test_implausible_values_are_dropped_with_a_warning():
    warnings: list[str] = []
    got = parse_specs("Redmi 11 Prime (Green, 6BG RAM 128GB ROM)", {"Screen Size": "54 Inches"},
                      Role("phone", None, 0.0), warn=warnings.append)
    assert "screen_in" not in got and "ram_gb" not in got and got["storage_gb"] == 128
    assert any("screen_in 54" in w and "1-8.5 for a phone" in w for w in warnings)
    # the same number is plausible for another kind: a 54-inch TV
    assert parse_specs("Acme Smart TV", {"Screen Size": "54 Inches"}, Role("tv", None, 0.0)) == {"screen_in": 54}


def test_every_attribute_is_described_in_units_toml():
    specs = attributes()
    assert set(spec_names()) == {"screen_in", "ram_gb", "battery_mah", "power_w", "resolution_p", "refresh_hz",
                                 "weight_g"}
    for attr in specs.values():
        lo, hi = attr.range
        assert 0 <= lo < hi and attr.noun and attr.unit
        assert all(attr.range[0] <= k_lo < k_hi <= attr.range[1] for k_lo, k_hi in attr.kinds.values())
        assert list(attr.steps) == sorted(attr.steps)


@pytest.mark.parametrize("attribute,text,value", [
    ("ram_gb", "8gb", 8), ("ram_gb", "1 TB", 1024), ("screen_in", "55 inch", 55), ("screen_in", '65"', 65),
    ("weight_g", "1.5 kg", 1500), ("weight_g", "2 lbs", pytest.approx(907.2, abs=0.1)),
    ("battery_mah", "10,000mAh", 10000), ("power_w", "30w", 30), ("power_w", 45, 45),
    ("resolution_p", "4K", 2160), ("resolution_p", "full hd", 1080), ("refresh_hz", "120 hz", 120),
    ("screen_in", "banana", None), ("ram_gb", "8 kg", None), ("weight_g", True, None),
])
def test_parse_quantity(attribute, text, value):
    assert parse_quantity(attribute, text) == value


def test_format_value_reads_like_a_shop():
    assert format_value("screen_in", 55.0) == '55"'
    assert format_value("ram_gb", 8.0) == "8 GB" and format_value("storage_gb", 2048.0) == "2 TB"
    assert format_value("battery_mah", 10000.0) == "10,000 mAh"
    assert format_value("resolution_p", 2160.0) == "4K" and format_value("resolution_p", 1080.0) == "Full HD (1080p)"
    assert format_value("weight_g", 1590.0) == "1.59 kg" and format_value("weight_g", 180.0) == "180 g"


def test_product_value_reads_fields_and_specs():
    p = Product(id="a", title="t", price=10.0, average_rating=4.5, rating_number=3, storage_gb=64.0,
                specs={"screen_in": 6.1})
    assert product_value(p, "price") == 10.0 and product_value(p, "rating") == 4.5
    assert product_value(p, "review_count") == 3.0 and product_value(p, "storage_gb") == 64.0
    assert product_value(p, "screen_in") == 6.1 and product_value(p, "ram_gb") is None


def _catalog(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt") as fh:
        for i, row in enumerate(rows):
            fh.write(json.dumps({"parent_asin": f"P{i}", "categories": list(PHONES), "details": {}, **row}) + "\n")
    return path


def test_loader_fills_specs_and_storage_and_reports_parse_errors(tmp_path):
    report = LoadReport()
    products = load_catalog(_catalog(tmp_path, [
        {"title": "Redmi 12 (Silver, 6GB RAM, 128GB Storage) | 5000mAh Battery"},
        {"title": "Acme Phone X (Black, 4GB RAM, 64GB Storage)", "details": {"Screen Size": "64 Inches"}},
    ]), report=report)
    assert products[0].specs == {"ram_gb": 6.0, "battery_mah": 5000.0} and products[0].storage_gb == 128.0
    assert "screen_in" not in products[1].specs
    assert [w.line for w in report.warnings] == [2] and "screen_in 64" in report.warnings[0].reason


def test_stale_specs_are_read_again():
    p = Product(id="a", title="Redmi 12 (Silver, 6GB RAM, 128GB Storage)", storage_gb=6.0,
                categories=list(PHONES))
    refresh_specs([p])
    assert p.specs == {"ram_gb": 6.0} and p.storage_gb == 128.0
    assert specs_fingerprint() == specs_fingerprint() and len(specs_fingerprint()) == 16


def test_catalog_stats_lists_attribute_coverage(tmp_path, capsys):
    from sift.cli import main

    path = _catalog(tmp_path, [{"title": "Redmi 12 (Silver, 6GB RAM, 128GB Storage) | 5000mAh Battery"},
                               {"title": "Acme 80 cm (32 inches) HD Ready Smart LED TV", "categories": ["TV"]}])
    assert main(["catalog", "stats", str(path), "--json"]) == 0
    coverage = json.loads(capsys.readouterr().out)["coverage"]
    assert coverage["spec:ram_gb"] == 0.5 and coverage["spec:screen_in"] == 0.5 and coverage["storage_gb"] == 0.5
