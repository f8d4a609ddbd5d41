"""What a product is and whether it is an accessory of another product type (retrieval/roles.py).

The titles are written for this test in the shape of Amazon India titles (not copied from a catalog):
main products, accessories that name what they serve in every way titles do ("for", "compatible with",
"<product> bag", "<model> back cover"), and products whose title only says the model name.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from retrieval.roles import Role, classify, kind_of, known_types

ROOT = Path(__file__).resolve().parents[2]
IN_CATALOG = ROOT.parent / "shared" / "data" / "catalogs" / "amazon_in_electronics.jsonl.gz"  # ../shared/data
LABELS = ROOT / "evals" / "devsets" / "in_accessory_labels.csv"
E = ("Electronics",)
# (title, category path, kind, accessory, serves)
CASES = [
    # phones
    ("Galaxy A34 5G (Awesome Lime, 8GB RAM, 128GB Storage) | 48MP Triple Camera", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    ("Lava Blaze Pro (Glass Gold, 4GB RAM, 64GB Storage) | 50MP AI Camera | 5000mAh Battery", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    ("Nokia 150 Dual SIM Keypad Phone with Rear Camera, FM Radio and Torch", E, "phone", False, None),
    ("iQOO Z7s 5G by vivo (Norway Blue, 6GB RAM, 128GB Storage) | Snapdragon 695 Processor", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    ("Apple iPhone 13 (128GB) - Midnight", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    ("Redmi 12C (Royal Blue, 4GB RAM, 64GB Storage) | High Performance MediaTek Helio G85", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    ("OnePlus Nord CE 3 Lite 5G (Pastel Lime, 8GB RAM, 128GB Storage) | 67W SUPERVOOC Charger Included", ("Cell Phones & Accessories", "Cell Phones"), "phone", False, None),
    # laptops
    ("HP 15s Laptop, 12th Gen Intel Core i5, 16GB RAM, 512GB SSD, 15.6-inch FHD Display, Windows 11", ("Electronics", "Laptop"), "laptop", False, None),
    ("Lenovo IdeaPad Slim 3 AMD Ryzen 5 7520U 14 inch (35.5cm) FHD Thin & Light Laptop (8GB/512GB SSD/Win 11)", ("Electronics", "Laptop"), "laptop", False, None),
    ("Acer Aspire Lite 15.6 inch Full HD Laptop, Intel Core i3, 8GB RAM, 256GB SSD, Steel Grey, 1.59 Kg", ("Electronics", "Laptop"), "laptop", False, None),
    ("Apple MacBook Air Laptop M2 chip: 13.6-inch Liquid Retina Display, 8GB RAM, 256GB SSD", ("Electronics", "Laptop"), "laptop", False, None),
    # TVs, monitors, tablets
    ("Samsung 108 cm (43 inches) Crystal 4K Vivid Series Ultra HD Smart LED TV UA43CUE60 (Black)", ("Electronics", "Tv Video"), "tv", False, None),
    ("TCL 80 cm (32 inches) HD Ready Smart Android LED TV 32S5205 (Black)", ("Electronics", "Tv Video"), "tv", False, None),
    ("LG 139 cm (55 inches) 4K Ultra HD Smart OLED TV OLED55C3 (Black)", ("Electronics", "Tv Video"), "tv", False, None),
    ("Dell 27 inch (68.58 cm) Full HD IPS Monitor with 75Hz Refresh Rate, HDMI, VGA", ("Electronics", "Computer Accessory"), "monitor", False, None),
    ("Lenovo Tab M9 (9 inch, 4GB, 64GB, Wi-Fi + LTE) Tablet, Frost Blue", ("Electronics", "Tablet"), "tablet", False, None),
    ("Apple iPad (10th Generation): 10.9-inch Liquid Retina Display, 64GB, Wi-Fi, Blue", ("Electronics", "Tablet"), "tablet", False, None),
    # wearables, audio
    ("Noise ColorFit Icon 3 Smart Watch with 1.91 inch Display, Bluetooth Calling, 100+ Sports Modes", ("Cell Phones & Accessories", "Accessories", "Smartwatches"), "smartwatch", False, None),
    ("Fastrack Reflex Beat Fitness Band with Heart Rate Monitor and 10 Day Battery Life", E, "smartwatch", False, None),
    ("boAt Airdopes 161 TWS Earbuds with 40 Hours Playback, ASAP Charge and Bluetooth v5.3", ("Cell Phones & Accessories", "Accessories", "Headphones & Earbuds"), "headphones", False, None),
    ("Sony WH-CH520 Wireless Bluetooth On-Ear Headphones with Mic, 50 Hours Battery", ("Cell Phones & Accessories", "Accessories", "Headphones & Earbuds"), "headphones", False, None),
    ("JBL Flip 6 Portable Waterproof Bluetooth Speaker with 12 Hours Playtime", ("Electronics", "Speaker"), "speaker", False, None),
    ("Zebronics Juke Bar 3820 80W Soundbar for TV with Wireless Subwoofer", ("Electronics", "Speaker"), "speaker", False, "tv"),
    # power and storage
    ("Ambrane 20000mAh Power Bank, 22.5W Fast Charging, Triple Output, Type C PD", ("Cell Phones & Accessories", "Accessories", "Portable Power Banks"), "power_bank", False, None),
    ("SanDisk Ultra microSDXC UHS-I Card 128GB, 140MB/s R, for Smartphones", ("Electronics", "Memory Storage"), "memory_card", False, "phone"),
    ("HP v236w 64GB USB 2.0 Pen Drive, Metal Body", ("Electronics", "Memory Storage"), "usb_drive", False, None),
    ("Seagate Expansion 2TB External Hard Drive HDD - USB 3.0 for Windows and Mac", ("Electronics", "Memory Storage"), "hard_drive", False, None),
    ("Samsung 980 1TB NVMe Internal SSD, PCIe 3.0", ("Electronics", "Memory Storage"), "hard_drive", False, None),
    # cameras
    ("Canon EOS 1500D 24.1 Digital SLR Camera with EF S18-55 Lens", ("Electronics", "Camera"), "camera", False, None),
    ("TP-Link Tapo C200 Wi-Fi Smart Home Security Camera, 1080p Full HD, Night Vision", ("Electronics", "Computer Accessory"), "camera", False, None),
    # accessories: laptops
    ("Wildcraft Laptop Backpack 30L with Rain Cover, fits up to 15.6 inch Laptop", ("Electronics", "Laptop"), "bag", True, "laptop"),
    ("Safari Office Laptop Bag for Men and Women, Water Resistant Messenger Bag", ("Electronics", "Laptop"), "bag", True, "laptop"),
    ("Amazon Basics Laptop Sleeve Case Cover for 14-inch Laptop, Grey", ("Electronics", "Laptop"), "case", True, "laptop"),
    ("Crucial 8GB DDR4 3200MHz Laptop RAM Stick (SODIMM) for Notebooks", ("Electronics", "Computer Accessory"), "computer_part", True, "laptop"),
    ("Kingston FURY 16GB DDR4 RAM Memory Module for Desktop", E, "computer_part", True, "computer"),
    ("Portronics Clean N Shine Screen Cleaning Kit for Laptop, TV and Mobile", ("Electronics", "Laptop"), "cleaning_kit", True, "laptop"),
    ("Cosmic Byte Laptop Cooling Pad with 5 Fans and Adjustable Height", ("Electronics", "Laptop"), "spare_part", True, "laptop"),
    ("Logitech M185 Wireless Mouse for PC, Mac and Laptop, 12 Month Battery", ("Electronics", "Computer Accessory"), "mouse", True, "laptop"),
    ("HP K500F Wired USB Keyboard with Numeric Keypad for Desktop PC", ("Electronics", "Computer Accessory"), "keyboard", True, "desktop"),
    ("Dyazo 65W Laptop Charger Adapter Compatible with HP Laptops (Type C)", ("Electronics", "Laptop"), "charger", True, "laptop"),
    # accessories: TV
    ("Replacement Remote Control for Samsung Smart LED TV (No Voice)", ("Electronics", "Tv Video"), "remote", True, "tv"),
    ("Mi TV Remote with Voice Command for Xiaomi Android TV", ("Electronics", "Tv Video"), "remote", True, "tv"),
    ("Heavy Duty Wall Mount Bracket for 32 to 55 inch LED TV, Tilt Adjustable", ("Electronics", "Tv Video"), "mount", True, "tv"),
    ("Fire TV Stick Remote Cover, Silicone Case for Alexa Voice Remote", ("Electronics", "Tv Video"), "case", True, "streaming_device"),
    # accessories: phones
    ("Spigen Rugged Armor Back Cover Case for Samsung Galaxy S23 - Matte Black", ("Cell Phones & Accessories", "Accessories", "Cases, Holsters & Sleeves"), "case", True, "phone"),
    ("Amazon Basics Silicone Case for iPhone 14, Shockproof, Midnight", ("Cell Phones & Accessories", "Accessories", "Cases, Holsters & Sleeves"), "case", True, "phone"),
    ("Redmi Note 12 Pro Back Cover, Transparent Soft TPU Bumper", ("Cell Phones & Accessories", "Accessories", "Cases, Holsters & Sleeves"), "case", True, "phone"),
    ("Tempered Glass Screen Protector Compatible with OnePlus 11R, Edge to Edge, Pack of 2", ("Cell Phones & Accessories", "Accessories", "Screen Protectors"), "screen_protector", True, "phone"),
    ("Camera Lens Protector for iPhone 15 Pro Max, 9H Hardness", ("Cell Phones & Accessories", "Accessories", "Screen Protectors"), "screen_protector", True, "phone"),
    ("Samsung Original 25W Type-C Travel Adapter, Fast Charging, Compatible with Galaxy Phones", ("Cell Phones & Accessories", "Accessories", "Chargers & Power Adapters"), "charger", True, "phone"),
    ("Portronics Car Charger with Dual USB Ports, 36W, for All Smartphones", ("Cell Phones & Accessories", "Accessories", "Chargers & Power Adapters"), "charger", True, "phone"),
    ("Ambrane Unbreakable 60W Braided Type C to Type C Fast Charging Cable, 1.5m", ("Cell Phones & Accessories", "Accessories", "Cables"), "cable", True, None),
    ("Magnetic Car Phone Holder Mount for Dashboard, 360 Degree Rotation", ("Cell Phones & Accessories", "Accessories", "Car Accessories & Mounts"), "mount", True, "phone"),
    ("Tripod Stand with Bluetooth Remote for Mobile Phones and Cameras, 60 inch", ("Cell Phones & Accessories", "Accessories", "Car Accessories & Mounts"), "mount", True, "phone"),
    # accessories: wearables, audio, cameras
    ("Silicone Sport Strap Compatible with Noise ColorFit Pro 4 Smart Watch, 22mm", ("Cell Phones & Accessories", "Accessories", "Smartwatches"), "strap", True, "smartwatch"),
    ("Magnetic Charging Cable for Fire-Boltt Smartwatch (Charger Only)", ("Cell Phones & Accessories", "Accessories", "Smartwatches"), "cable", True, "smartwatch"),
    ("Replacement Ear Pads Cushions for Sony WH-1000XM4 Headphones", ("Cell Phones & Accessories", "Accessories", "Headphones & Earbuds"), "spare_part", True, "headphones"),
    ("Protective Silicone Case Cover for boAt Airdopes 141 Earbuds", ("Cell Phones & Accessories", "Accessories", "Headphones & Earbuds"), "case", True, "headphones"),
    ("DIGITEK LP-E10 Rechargeable Lithium-ion Battery for Canon DSLR Camera", ("Electronics", "Camera"), "battery", True, "camera"),
    ("Camera Bag for DSLR and Mirrorless Cameras with Rain Cover", ("Electronics", "Camera"), "bag", True, "camera"),
    ("Universal Stylus Pen for iPad and Android Tablets, Fine Tip", ("Electronics", "Tablet"), "stylus", True, "tablet"),
    ("Flip Cover Case for Lenovo Tab M10 HD 2nd Gen, Auto Sleep Wake", ("Electronics", "Tablet"), "case", True, "tablet"),
    ("Orico 2.5 inch SATA HDD Enclosure, USB 3.0 Tool-Free", ("Electronics", "Memory Storage"), "spare_part", True, "hard_drive"),
    ("USB 3.0 SD and Micro SD Card Reader for Laptop and PC", ("Electronics", "Memory Storage"), "adapter", True, "laptop"),
    ("Laptop Skin Vinyl Decal Sticker for 15.6 inch Laptops, Marble Design", ("Electronics", "Laptop"), "skin", True, "laptop"),
]


@pytest.mark.parametrize("title,categories,kind,accessory,serves", CASES, ids=[c[0][:40] for c in CASES])
def test_classify(title, categories, kind, accessory, serves):
    role = classify(title, categories)
    assert (role.kind, role.accessory, role.serves) == (kind, accessory, serves), role


def test_cases_cover_main_products_and_accessories():
    assert len(CASES) >= 60
    kinds = {c[2] for c in CASES}
    assert {"phone", "laptop", "tv", "case", "bag", "remote", "computer_part", "cleaning_kit", "mount"} <= kinds
    assert 20 <= sum(c[3] for c in CASES) <= len(CASES) - 20


def test_score_is_a_probability_and_the_signals_push_the_right_way():
    main = classify("Samsung 108 cm (43 inches) Crystal 4K Ultra HD Smart LED TV", ("Electronics", "Tv Video"))
    bag = classify("Laptop Bag for Men and Women, Water Resistant", ("Electronics", "Laptop"))
    assert 0.0 <= main.score < 0.1 < 0.9 < bag.score <= 1.0
    # Naming what it serves makes an unknown thing an accessory; main-product specs make it a product.
    assert classify("Acme Gizmo for iPhone 14").accessory
    assert not classify("Acme Gizmo (8GB RAM, 128GB Storage)").accessory
    # A battery is a product; a battery for a camera is an accessory.
    assert not classify("Duracell Ultra Alkaline AA Batteries, Pack of 4").accessory
    assert classify("Rechargeable Battery for Nikon DSLR Camera EN-EL14").accessory


def test_unknown_words_are_no_type():
    assert classify("") == Role(None, None, classify("").score)
    assert classify("Onsitego Gift Card").kind is None


@pytest.mark.parametrize("words,kind", [("a notebook computer", "laptop"), ("a television", "tv"),
                                        ("smart watch", "smartwatch"), ("wireless earbuds", "headphones"),
                                        ("a 30w charger", "charger"), ("memory card", "memory_card"),
                                        ("something nice", None)])
def test_kind_of_shopper_words(words, kind):
    assert kind_of(words) == kind


def test_known_types_are_canonical_names():
    types = known_types()
    assert "phone" in types and "laptop" in types and "phone_brand" not in types and "drive_part" not in types


@pytest.mark.slow
@pytest.mark.skipif(not IN_CATALOG.exists(), reason="needs the shared Amazon India catalog")
def test_accessory_flag_on_the_hand_labelled_amazon_in_sample():
    """160 titles drawn at random from amazon_in_electronics and labelled by hand (ids and labels only)."""
    rows = {}
    with gzip.open(IN_CATALOG, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows[r["parent_asin"]] = r
    tp = fp = fn = 0
    with LABELS.open(encoding="utf-8") as fh:
        for label in csv.DictReader(fh):
            r = rows[label["product_id"]]
            got, want = classify(r["title"], r["categories"]).accessory, label["accessory"] == "1"
            tp, fp, fn = tp + (got and want), fp + (got and not want), fn + (want and not got)
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95, (tp, fp, fn)
