"""Deterministic demo catalog of phones and accessories, in the Amazon Reviews 2023 item-metadata format.

The real catalogs Sift benchmarks on are large downloads; this module writes a realistic stand-in
(about 40% phones, 60% accessories) so the quickstart works offline and tests get varied fixtures:
marketing colour names, corporate store names next to short brands, renewed phones, null prices,
products with a handful of reviews and compound model names ("Galaxy S6/S6 Edge").
Everything comes from one `random.Random(seed)`, so the same seed gives byte-identical files.

    >>> rows = generate_demo_catalog(40, seed=1)
    >>> rows[0]["parent_asin"], rows[0]["main_category"]
    ('SIFTD00001', 'Cell Phones & Accessories')
    >>> rows == generate_demo_catalog(40, seed=1)
    True

From the shell: ``python -m retrieval.demo_catalog data/demo_catalog.jsonl.gz --n 3000 --seed 7``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_CATALOG_SIZE = 3000
MAIN_CATEGORY = "Cell Phones & Accessories"
ROW_KEYS: tuple[str, ...] = (
    "main_category", "title", "average_rating", "rating_number", "features", "description", "price",
    "images", "videos", "store", "categories", "details", "parent_asin", "bought_together",
)
PHONE_SHARE = 0.4
RENEWED_SHARE = 0.2
NULL_PRICE_SHARE = 0.03
CARRIERS: tuple[str, ...] = ("AT&T", "Verizon", "T-Mobile", "Cricket", "Boost Mobile", "Tracfone",
                             "Straight Talk", "Metro by T-Mobile", "Visible")
# Store names as sellers register them; details["Brand"] keeps the short name, so brand
# normalisation has real work to do.
CORPORATE_STORES: dict[str, str] = {
    "Samsung": "Samsung Electronics", "Motorola": "Motorola Mobility", "Sony": "Sony Electronics",
    "ASUS": "ASUS Computer International", "Nokia": "Nokia Mobile", "TCL": "TCL Communication",
    "Anker": "AnkerDirect", "Belkin": "Belkin International",
}
_POPULAR = frozenset({"Apple", "Samsung", "Anker", "Spigen", "OtterBox", "JETech", "Amazon Basics"})


@dataclass(frozen=True)
class PhoneModel:
    brand: str
    name: str  # as accessory titles say it: "Galaxy S23", "iPhone 14 Pro", "Moto G Power (2022)"
    price: float  # launch price of the smallest storage, USD
    storages: tuple[int, ...]  # GB, ascending; the premium is per step up
    colors: tuple[str, ...]
    screen: float  # inches
    ram: int  # GB
    five_g: bool
    year: int
    battery: int  # mAh
    camera: int  # main camera MP
    hz: int
    ip: str = ""  # water/dust rating, "" when none

    @property
    def tier(self) -> str:
        return "budget" if self.price < 200 else "mid" if self.price <= 550 else "flagship"

    @property
    def full(self) -> str:
        """Name with the brand in front unless it already starts with it ("OnePlus 11")."""
        return self.name if self.name.startswith(self.brand) else f"{self.brand} {self.name}"


_P = PhoneModel
PHONE_MODELS: tuple[PhoneModel, ...] = (
    _P("Samsung", "Galaxy S10", 600, (128, 512), ("Prism Black", "Prism White", "Prism Blue", "Prism Green"), 6.1, 8, False, 2019, 3400, 12, 60, "IP68"),
    _P("Samsung", "Galaxy Note 20 Ultra 5G", 900, (128, 256, 512), ("Mystic Black", "Mystic Bronze", "Mystic White"), 6.9, 12, True, 2020, 4500, 108, 120, "IP68"),
    _P("Samsung", "Galaxy S22 Ultra", 1000, (128, 256, 512, 1024), ("Phantom Black", "Phantom White", "Burgundy", "Green"), 6.8, 12, True, 2022, 5000, 108, 120, "IP68"),
    _P("Samsung", "Galaxy S23", 800, (128, 256, 512), ("Phantom Black", "Cream", "Green", "Lavender"), 6.1, 8, True, 2023, 3900, 50, 120, "IP68"),
    _P("Samsung", "Galaxy S23 Ultra", 1200, (256, 512, 1024), ("Phantom Black", "Cream", "Green", "Lavender"), 6.8, 12, True, 2023, 5000, 200, 120, "IP68"),
    _P("Samsung", "Galaxy S24", 800, (128, 256, 512), ("Onyx Black", "Marble Gray", "Cobalt Violet", "Amber Yellow"), 6.2, 8, True, 2024, 4000, 50, 120, "IP68"),
    _P("Samsung", "Galaxy Z Flip5", 1000, (256, 512), ("Mint", "Graphite", "Cream", "Lavender"), 6.7, 8, True, 2023, 3700, 12, 120, "IPX8"),
    _P("Samsung", "Galaxy Z Fold5", 1400, (256, 512, 1024), ("Icy Blue", "Phantom Black", "Cream"), 7.6, 12, True, 2023, 4400, 50, 120, "IPX8"),
    _P("Samsung", "Galaxy A03s", 110, (32, 64), ("Black", "Blue", "White"), 6.5, 3, False, 2021, 5000, 13, 60),
    _P("Samsung", "Galaxy A14 5G", 180, (64, 128), ("Black", "Light Green", "Silver", "Dark Red"), 6.6, 4, True, 2023, 5000, 50, 90),
    _P("Samsung", "Galaxy A54 5G", 450, (128, 256), ("Awesome Black", "Awesome White", "Awesome Violet", "Awesome Lime"), 6.4, 6, True, 2023, 5000, 50, 120, "IP67"),
    _P("Apple", "iPhone 11", 400, (64, 128, 256), ("Black", "White", "Green", "Yellow", "Purple", "Red"), 6.1, 4, False, 2019, 3110, 12, 60, "IP68"),
    _P("Apple", "iPhone 12", 500, (64, 128, 256), ("Black", "White", "Blue", "Green", "Purple", "Red"), 6.1, 4, True, 2020, 2815, 12, 60, "IP68"),
    _P("Apple", "iPhone 12 Pro Max", 750, (128, 256, 512), ("Pacific Blue", "Graphite", "Gold", "Silver"), 6.7, 6, True, 2020, 3687, 12, 60, "IP68"),
    _P("Apple", "iPhone 13", 600, (128, 256, 512), ("Midnight", "Starlight", "Blue", "Pink", "Green", "Red"), 6.1, 4, True, 2021, 3240, 12, 60, "IP68"),
    _P("Apple", "iPhone SE (3rd Gen)", 430, (64, 128, 256), ("Midnight", "Starlight", "Red"), 4.7, 4, True, 2022, 2018, 12, 60, "IP67"),
    _P("Apple", "iPhone 14", 700, (128, 256, 512), ("Midnight", "Starlight", "Blue", "Purple", "Yellow", "Red"), 6.1, 6, True, 2022, 3279, 12, 60, "IP68"),
    _P("Apple", "iPhone 14 Pro", 1000, (128, 256, 512, 1024), ("Space Black", "Silver", "Gold", "Deep Purple"), 6.1, 6, True, 2022, 3200, 48, 120, "IP68"),
    _P("Apple", "iPhone 15", 800, (128, 256, 512), ("Black", "Blue", "Green", "Yellow", "Pink"), 6.1, 6, True, 2023, 3349, 48, 60, "IP68"),
    _P("Apple", "iPhone 15 Pro Max", 1200, (256, 512, 1024), ("Black Titanium", "White Titanium", "Blue Titanium", "Natural Titanium"), 6.7, 8, True, 2023, 4422, 48, 120, "IP68"),
    _P("Google", "Pixel 6", 600, (128, 256), ("Stormy Black", "Sorta Seafoam", "Kinda Coral"), 6.4, 8, True, 2021, 4614, 50, 90, "IP68"),
    _P("Google", "Pixel 6a", 350, (128,), ("Charcoal", "Chalk", "Sage"), 6.1, 6, True, 2022, 4410, 12, 60, "IP67"),
    _P("Google", "Pixel 7", 600, (128, 256), ("Obsidian", "Snow", "Lemongrass"), 6.3, 8, True, 2022, 4355, 50, 90, "IP68"),
    _P("Google", "Pixel 7 Pro", 900, (128, 256, 512), ("Obsidian", "Snow", "Hazel"), 6.7, 12, True, 2022, 5000, 50, 120, "IP68"),
    _P("Google", "Pixel 7a", 500, (128,), ("Charcoal", "Snow", "Sea", "Coral"), 6.1, 8, True, 2023, 4385, 64, 90, "IP67"),
    _P("Google", "Pixel 8", 700, (128, 256), ("Obsidian", "Hazel", "Rose"), 6.2, 8, True, 2023, 4575, 50, 120, "IP68"),
    _P("Google", "Pixel 8 Pro", 1000, (128, 256, 512, 1024), ("Obsidian", "Porcelain", "Bay Blue"), 6.7, 12, True, 2023, 5050, 50, 120, "IP68"),
    _P("Motorola", "Moto G Play (2023)", 100, (32,), ("Navy Blue",), 6.5, 3, False, 2023, 5000, 16, 90),
    _P("Motorola", "Moto G Power (2022)", 170, (64, 128), ("Dark Glacier", "Ice Blue"), 6.5, 4, False, 2022, 5000, 50, 90),
    _P("Motorola", "Moto G Stylus 5G (2023)", 280, (128, 256), ("Cosmic Black", "Rose Champagne"), 6.6, 6, True, 2023, 5000, 50, 120),
    _P("Motorola", "Motorola Edge (2022)", 500, (256,), ("Mineral Gray",), 6.6, 8, True, 2022, 5000, 50, 144, "IP52"),
    _P("Motorola", "Motorola Edge+ (2023)", 800, (512,), ("Interstellar Black",), 6.7, 8, True, 2023, 5100, 50, 165, "IP68"),
    _P("Motorola", "Motorola Razr+ (2023)", 1000, (256,), ("Infinite Black", "Viva Magenta", "Glacier Blue"), 6.9, 8, True, 2023, 3800, 12, 165, "IP52"),
    _P("OnePlus", "OnePlus 9", 650, (128, 256), ("Winter Mist", "Astral Black", "Arctic Sky"), 6.55, 8, True, 2021, 4500, 48, 120),
    _P("OnePlus", "OnePlus 11", 700, (128, 256), ("Titan Black", "Eternal Green"), 6.7, 8, True, 2023, 5000, 50, 120),
    _P("OnePlus", "OnePlus 12", 800, (256, 512), ("Silky Black", "Flowy Emerald"), 6.82, 12, True, 2024, 5400, 50, 120, "IP65"),
    _P("OnePlus", "OnePlus Nord N20 5G", 280, (128,), ("Blue Smoke",), 6.43, 6, True, 2022, 4500, 64, 60),
    _P("OnePlus", "OnePlus Nord N30 5G", 300, (128,), ("Chromatic Gray",), 6.72, 8, True, 2023, 5000, 108, 120),
    _P("Nokia", "Nokia G20", 150, (64,), ("Glacier Blue", "Night Black"), 6.5, 4, False, 2021, 5050, 48, 60),
    _P("Nokia", "Nokia C32", 110, (64, 128), ("Charcoal", "Autumn Green", "Beach Pink"), 6.5, 4, False, 2023, 5000, 50, 60),
    _P("Xiaomi", "Redmi Note 12", 180, (64, 128), ("Onyx Gray", "Mint Green", "Ice Blue"), 6.67, 4, False, 2023, 5000, 50, 120),
    _P("Xiaomi", "Redmi Note 13 Pro 5G", 350, (256,), ("Midnight Black", "Aurora Purple", "Ocean Teal"), 6.67, 8, True, 2024, 5100, 200, 120, "IP54"),
    _P("Xiaomi", "Poco X5 Pro 5G", 280, (128, 256), ("Astral Black", "Yellow", "Horizon Blue"), 6.67, 8, True, 2023, 5000, 108, 120),
    _P("Xiaomi", "Xiaomi 13T Pro", 650, (512,), ("Alpine Blue", "Black", "Meadow Green"), 6.67, 12, True, 2023, 5000, 50, 144, "IP68"),
    _P("TCL", "TCL 30 XE 5G", 130, (64,), ("Tender Purple", "Nordic Blue"), 6.52, 4, True, 2022, 5000, 13, 90),
    _P("TCL", "TCL 40 XL", 150, (128,), ("Dark Gray",), 6.75, 4, False, 2023, 5010, 50, 90),
    _P("Sony", "Xperia 1 V", 1300, (256,), ("Black", "Khaki Green", "Platinum Silver"), 6.5, 12, True, 2023, 5000, 48, 120, "IP68"),
    _P("Sony", "Xperia 10 V", 400, (128,), ("Black", "Lavender", "Sage Green", "White"), 6.1, 6, True, 2023, 5000, 48, 60, "IP68"),
    _P("ASUS", "ROG Phone 7", 1000, (512,), ("Phantom Black", "Storm White"), 6.78, 16, True, 2023, 6000, 50, 165, "IP54"),
    _P("ASUS", "Zenfone 10", 700, (256, 512), ("Midnight Black", "Comet White", "Aurora Green", "Starry Blue", "Eclipse Red"), 5.9, 8, True, 2023, 4300, 50, 144, "IP68"),
)
# Accessory makers target the phones people actually carry.
_ACC_TARGETS = tuple(m for m in PHONE_MODELS if m.brand in ("Apple", "Samsung", "Google", "Motorola", "OnePlus"))
_ACC_COLORS = ("Black", "Matte Black", "Clear", "Crystal Clear", "White", "Navy Blue", "Midnight Green",
               "Rose Gold", "Red", "Pink", "Purple", "Gray", "Sierra Blue", "Forest Green")
LEAVES: dict[str, float] = {  # leaf -> share of accessories
    "Cases, Holsters & Sleeves": 0.25, "Screen Protectors": 0.15, "Chargers & Power Adapters": 0.15,
    "Cables": 0.12, "Headphones & Earbuds": 0.10, "Portable Power Banks": 0.09,
    "Car Accessories & Mounts": 0.08, "Smartwatches": 0.06,
}


@dataclass
class _Item:
    """What a leaf generator decides; `_row` adds ratings, store and the fixed keys."""
    title: str
    brand: str
    features: list[str]
    description: list[str]
    details: dict[str, Any]
    price: float | None


def _retail(rng: random.Random, x: float, floor: int = 5) -> float:
    """A shelf price: whole dollars plus a usual ending (.99 mostly)."""
    whole = max(floor, int(x))
    if whole >= 200 and rng.random() < 0.5:
        whole = whole // 10 * 10 + 9  # $809.99 rather than $803.99
    return round(whole + rng.choice((0.99, 0.99, 0.99, 0.95, 0.49, 0.0)), 2)


def _bullets(rng: random.Random, kinds: Sequence[Sequence[str]], forced: Sequence[str] = ()) -> list[str]:
    """One template per bullet kind, then 3-6 bullets in total, kinds kept in their natural order."""
    chosen = [rng.choice(t) for t in kinds]
    k = min(len(chosen), rng.randint(3, 6) - len(forced))
    return list(forced) + [chosen[i] for i in sorted(rng.sample(range(len(chosen)), k))]


def _rating(rng: random.Random, popular: bool = False, shift: float = 0.0) -> tuple[float | None, int | None]:
    """(average_rating, rating_number): counts log-normal up to ~50k, averages mostly 3.8-4.8."""
    if rng.random() < 0.015:
        return None, rng.choice((None, 0))  # listed, never reviewed
    n = max(1, min(50_000, int(rng.lognormvariate(5.0 + (1.0 if popular else 0.0), 2.0))))
    if n <= 5:  # with a handful of reviews the average is lumpy: 5.0, 1.0, 3.5...
        stars = rng.choices((1, 2, 3, 4, 5), weights=(2, 1, 1, 3, 6), k=n)
        return round(sum(stars) / n, 1), n
    if rng.random() < 0.08:
        avg = rng.uniform(1.8, 3.7)
    else:
        avg = min(4.9, max(3.6, rng.gauss(4.35 + shift, 0.28)))
    return round(avg, 1), n


def _storage_label(gb: int, space: bool = False) -> str:
    num, unit = (gb // 1024, "TB") if gb >= 1024 else (gb, "GB")
    return f"{num} {unit}" if space else f"{num}{unit}"


def _carriers(rng: random.Random, renewed: bool) -> list[str]:
    r = rng.random()
    if r < (0.8 if renewed else 0.5):
        return ["Unlocked"]
    if r < 0.9:
        return [rng.choice(CARRIERS)]
    return sorted(rng.sample(CARRIERS[:4], rng.randint(2, 3)))


def _os_name(m: PhoneModel) -> str:
    # Phones ship with the OS of their launch year: iOS 13 and Android 9 in 2019.
    return f"iOS {m.year - 2006}" if m.brand == "Apple" else f"Android {m.year - 2010}"


def _phone_title(rng: random.Random, m: PhoneModel, gb: int, color: str, carriers: list[str]) -> str:
    name = m.full
    if m.brand == "Samsung" and rng.random() < 0.3:
        name = "SAMSUNG" + name[len("Samsung"):]  # real listings shout the brand
    if m.five_g and m.brand != "Apple" and "5G" not in name and rng.random() < 0.5:
        name += " 5G"
    unlocked = carriers == ["Unlocked"]
    lock = "Unlocked" if unlocked else "/".join(carriers)
    size = _storage_label(gb)
    hook = rng.choice((f"{m.camera}MP Camera", f"Long-Lasting {m.battery}mAh Battery", f"{m.hz}Hz Display",
                       f"Wide Angle Lens and {m.camera}MP Camera"))
    if m.brand == "Apple":
        options = [f"{name}, {size}, {color} - {lock}", f"{name} ({_storage_label(gb, True)}) - {color} | {lock}"]
    else:
        options = [f"{name}, {lock} Android Smartphone, {size}, {color}",
                   f"{name} - {lock} Android Cell Phone with {hook} - {color} - {_storage_label(gb, True)}",
                   f"{name} | {m.year} | {hook} | {lock} | {m.ram}/{size} | {color}"]
        if unlocked and m.brand in ("Xiaomi", "Nokia", "Sony", "ASUS", "OnePlus", "TCL"):
            tech = "5G" if m.five_g else "4G LTE"
            options.append(f"{name} Dual-SIM {size} ROM + {m.ram}GB RAM Factory Unlocked {tech} Smartphone "
                           f"({color}) - International Version")
    return rng.choice(options)


def _phone(rng: random.Random) -> tuple[_Item, bool]:
    m = rng.choice(PHONE_MODELS)
    gb, color = rng.choice(m.storages), rng.choice(m.colors)
    renewed = rng.random() < RENEWED_SHARE * (1.5 if m.year <= 2021 else 0.8)  # old phones mostly sell renewed
    carriers = _carriers(rng, renewed)
    title = _phone_title(rng, m, gb, color, carriers) + (" (Renewed)" if renewed else "")
    tech = "5G" if m.five_g else "4G LTE"
    size = _storage_label(gb)
    unlocked = carriers == ["Unlocked"]
    kinds = [
        [f"SMOOTH {m.hz}Hz DISPLAY: Scroll, stream and game on a {m.screen}-inch screen that stays fluid and sharp",
         f"Immersive {m.screen}\" display with up to {m.hz}Hz refresh rate for smooth scrolling and vivid colors",
         f"BIG, BRIGHT SCREEN: The {m.screen}-inch display keeps videos, maps and messages easy to read outdoors"],
        [f"ALL-DAY BATTERY: A {m.battery}mAh battery keeps you going from morning to night"
         + (", up to two days on a charge" if m.battery >= 5000 else ""),
         f"Long lasting {m.battery}mAh battery with fast charging, so you spend less time plugged in",
         f"Power through your day: the {m.battery}mAh battery handles streaming, calls and navigation"],
        [f"PRO-GRADE CAMERA: {m.camera}MP main camera captures crisp, detailed photos, even in low light",
         f"Capture sharp photos and 4K video with the {m.camera}MP rear camera and Night mode",
         f"{m.camera}MP camera system with a wide angle lens for group shots, landscapes and portraits"],
        [f"{size} OF STORAGE: Room for thousands of photos, apps and songs",
         f"{size} storage and {m.ram}GB RAM for quick app switching and smooth multitasking"],
        [f"{m.ip} water and dust resistance, so splashes, rain and spills are no problem",
         f"DURABLE DESIGN: {m.ip}-rated against water and dust, with a tough glass front"]
        if m.ip else ["Water-repellent design protects against light splashes and spills"],
        ["5G READY: Download, stream and video chat at 5G speeds where available",
         "Next-generation 5G connectivity for faster downloads and smoother streaming"]
        if m.five_g else ["Fast 4G LTE connectivity for reliable calls, browsing and streaming"],
        ["UNLOCKED: Works with all major US carriers, including AT&T, T-Mobile and Verizon",
         "Carrier-free: bring it to the network and plan you want"]
        if unlocked else [f"Carrier: {', '.join(carriers)}; an active plan with this carrier is required"],
    ]
    forced = [rng.choice((
        "Renewed: professionally inspected, tested and cleaned to work and look like new, backed by a 90-day guarantee",
        "This pre-owned product has been inspected and tested; it may show minimal signs of wear"))] if renewed else []
    desc = [rng.choice((
        f"The {m.full} combines a {m.screen}-inch {m.hz}Hz display with a {m.battery}mAh battery and a {m.camera}MP camera.",
        f"Meet the {m.full}: {m.camera}MP photos, a {m.battery}mAh battery built to last and {tech} speeds in {color}.",
        f"{m.full} in {color} with {size} of storage, {m.ram}GB of RAM and a {m.camera}MP main camera."))]
    if rng.random() < 0.6:
        desc[0] += " " + rng.choice((
            f"It is {m.ip} rated for water and dust resistance." if m.ip else "Fast charging tops it up in minutes.",
            "Fast charging gets you back to full quickly.", "A great camera phone that fits any budget."
            if m.tier != "flagship" else "Flagship performance for gaming and multitasking."))
    premium = {"budget": 30, "mid": 60, "flagship": 120}[m.tier] * m.storages.index(gb)
    price = (m.price + premium) * rng.uniform(0.9, 1.08)
    if renewed:
        price *= rng.uniform(0.45, 0.75)
    elif m.year <= 2021:
        price *= rng.uniform(0.7, 0.9)  # old new stock sells under launch price
    details = {"Brand": m.brand, "Model Name": m.name, "Color": color,
               "Memory Storage Capacity": _storage_label(gb, True), "Wireless Carrier": ", ".join(carriers),
               "Operating System": _os_name(m), "Screen Size": f"{m.screen} Inches", "RAM": f"{m.ram} GB",
               "Cellular Technology": tech, "Year": m.year}
    return _Item(title, m.brand, _bullets(rng, kinds, forced), desc, details, _retail(rng, price, 39)), renewed


def _compat(rng: random.Random, k: int = 1, brand: str | None = None) -> tuple[list[PhoneModel], str]:
    """Target phones and the details string ("Samsung Galaxy S23, Galaxy S23 Ultra")."""
    pool = [m for m in _ACC_TARGETS if brand is None or m.brand == brand] or list(_ACC_TARGETS)
    models = rng.sample(pool, min(k, len(pool)))
    return models, ", ".join([models[0].full] + [m.name for m in models[1:]])


def _span(rng: random.Random, lo: float, hi: float, brand: str) -> float:
    # Squared draw: most accessories sit near the cheap end of their leaf, as on the real shelves.
    factor = 1.3 if brand in ("Apple", "OtterBox", "Mophie", "Belkin", "Samsung") else 1.0
    return _retail(rng, min(hi, (lo + (hi - lo) * rng.random() ** 2) * factor), max(5, int(lo)))


_CASE_LINES: dict[str, tuple[str, ...]] = {
    "Spigen": ("Tough Armor", "Ultra Hybrid", "Rugged Armor", "Liquid Air", "Thin Fit"),
    "OtterBox": ("Defender Series", "Commuter Series", "Symmetry Series"),
    "ESR": ("Classic Hybrid", "Cloud Soft", "Air Armor"), "Caseology": ("Parallax", "Nano Pop"),
    "Apple": ("Silicone Case with MagSafe", "Clear Case with MagSafe", "FineWoven Case with MagSafe"),
    "Samsung": ("Silicone Case", "Clear Standing Cover", "Leather Case"),
    "TORRAS": ("Magnetic Shockproof",), "Miracase": ("Glass Series",), "QINSHI": ("Clear Slim",),
}


def _case(rng: random.Random) -> _Item:
    brand = rng.choice(tuple(_CASE_LINES))
    line = rng.choice(_CASE_LINES[brand])
    (m,), compat = _compat(rng, 1, brand if brand in ("Apple", "Samsung") else None)
    color = rng.choice(_ACC_COLORS)
    rugged = any(w in line for w in ("Armor", "Defender", "Shockproof"))
    material = ("Silicone" if "Silicone" in line else "Leather" if "Leather" in line else
                "Polycarbonate, Thermoplastic Polyurethane")
    if brand in ("Apple", "Samsung"):
        title = f"{brand} {m.name} {line} - {color}"
    else:
        phrase = "Heavy Duty Shockproof Rugged Case" if rugged else "Slim Thin Protective Cover"
        title = rng.choice((f"{brand} {line} Case for {m.name} - {color}",
                            f"{brand} {line} Designed for {m.name} Case ({m.year}), {phrase} - {color}",
                            f"{brand} Compatible with {m.name} Case, {phrase} - {color}"))
    ft = rng.choice((6, 10, 12, 15))
    kinds = [[f"MILITARY GRADE PROTECTION: Air cushion corners absorb shock and survive {ft}-ft drops",
              "Rugged dual-layer design with raised edges protects the screen and camera from drops",
              f"Drop tested to {ft} feet; the rugged shell takes the hits so your phone doesn't"]
             if rugged else ["Slim, pocket-friendly profile that adds almost no bulk",
                             "Lightweight protection against scratches, bumps and everyday wear"],
             [f"PRECISE FIT: Designed for {m.name}; exact cutouts for buttons, ports and camera",
              f"Made for {m.name} only, please confirm your model before ordering"],
             ["Textured sides for a secure, no-slip grip", "Tactile buttons that click like the bare phone"],
             ["Built-in magnets snap onto MagSafe chargers and mounts" if m.brand == "Apple"
              else "Wireless charging compatible, no need to remove the case"],
             [f"Premium {material.split(',')[0].lower()} that resists yellowing, fading and peeling"],
             [f"{color} finish that shows off your phone's design"]]
    desc = [f"{brand} {line} case for {m.full}" + (" with rugged, drop-tested protection." if rugged else ", slim and light.")]
    details = {"Brand": brand, "Color": color, "Compatible Phone Models": compat, "Material": material,
               "Form Factor": "Rugged" if rugged else "Basic Case"}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _span(rng, 8, 50, brand))


def _protector(rng: random.Random) -> _Item:
    brand = rng.choice(("JETech", "Spigen", "ESR", "Amazon Basics", "Ailun", "ZAGG", "Belkin"))
    (m,), compat = _compat(rng)
    pack, finish = rng.choice((1, 2, 3, 3)), rng.choice(("HD Clear", "HD Clear", "Matte", "Privacy"))
    title = rng.choice((f"{brand} Screen Protector for {m.name} {m.screen}-Inch, Tempered Glass Film, {pack}-Pack",
                        f"{brand} {pack} Pack Tempered Glass Screen Protector for {m.name}, {finish}, Case Friendly",
                        f"{brand} {finish} Screen Protector Compatible with {m.name}, 9H Hardness, Bubble Free"))
    kinds = [["9H HARDNESS: Tempered glass guards against scratches, drops and daily wear",
              "Scratch resistant 9H tempered glass, tougher than plastic film"],
             ["Easy, bubble-free installation with the included alignment frame",
              "Install in seconds: the alignment tray lines it up perfectly every time"],
             ["Case friendly edges leave room for most protective cases"],
             ["Anti-spy privacy filter keeps your screen visible only to you" if finish == "Privacy"
              else "HD clarity and full touch sensitivity, as if nothing were there"],
             [f"Package includes {pack} screen protector{'s' if pack > 1 else ''} and a cleaning kit"]]
    desc = [f"{finish} tempered glass screen protector for {m.full}, {pack} per pack."]
    details = {"Brand": brand, "Color": "Black" if finish == "Privacy" else "Clear", "Compatible Phone Models": compat,
               "Material": "Tempered Glass", "Finish Type": finish, "Unit Count": f"{pack}.0 Count"}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _span(rng, 6, 20, brand))


def _charger(rng: random.Random) -> _Item:
    brand = rng.choice(("Anker", "Belkin", "UGREEN", "Apple", "Samsung", "Amazon Basics", "Mophie", "ESR"))
    kind = rng.choice(("wall", "wall", "wireless", "magsafe"))
    models, compat = _compat(rng, rng.randint(1, 3), "Apple" if kind == "magsafe" else None)
    names = ", ".join(m.name for m in models)
    color = rng.choice(("White", "Black"))
    if kind == "wall":
        watts, ports = rng.choice((20, 25, 30, 45, 65)), rng.choice((1, 1, 2, 3))
        title = rng.choice((f"{brand} {watts}W USB C Charger, {ports}-Port Fast Wall Charger Block for {names}",
                            f"{brand} {watts}W {'GaN ' if watts >= 45 else ''}Fast Charger, USB-C Power Adapter for {names}"))
        connector = "USB Type C"
    else:
        watts, ports = (15 if kind == "magsafe" else rng.choice((7.5, 10, 15))), 1
        title = (f"{brand} {watts}W Magnetic Wireless Charger Compatible with MagSafe for {names}" if kind == "magsafe"
                 else f"{brand} {watts}W Wireless Charging Pad, Qi-Certified Fast Wireless Charger for {names}")
        connector = "Wireless"
    kinds = [[f"FAST CHARGING: {watts}W output charges a phone to 50% in about 30 minutes",
              f"{watts}W of power for fast charging phones, earbuds and tablets"],
             [f"{ports} ports let you charge {ports} devices at once" if ports > 1 else "Compact design fits any outlet or nightstand"],
             ["Built-in safety protection against overheating, overcurrent and short circuits"],
             [f"Works with {names} and other compatible devices"],
             ["Travel-friendly: small, light and easy to pack"]]
    desc = [f"{watts}W {'wireless' if connector == 'Wireless' else 'USB-C'} charger from {brand} for fast, safe charging."]
    details = {"Brand": brand, "Color": color, "Connector Type": connector, "Wattage": f"{watts} watts",
               "Compatible Phone Models": compat}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _span(rng, 9, 60, brand))


def _cable(rng: random.Random) -> _Item:
    brand = rng.choice(("Anker", "UGREEN", "Amazon Basics", "Belkin", "Apple", "Samsung", "Rampow"))
    kind, connector = rng.choice((("USB C to USB C", "USB Type C"), ("USB C to Lightning", "USB Type C, Lightning"),
                                  ("USB A to USB C", "USB Type A, USB Type C"), ("USB A to Lightning", "USB Type A, Lightning")))
    length, pack = rng.choice((3, 6, 6.6, 10)), rng.choice((1, 1, 2, 3))
    models, compat = _compat(rng, 2, "Apple" if "Lightning" in kind else None)
    names = ", ".join(m.name for m in models)
    color = rng.choice(("White", "Black", "Gray", "Blue"))
    braided = rng.random() < 0.5
    title = rng.choice((f"{brand} {kind} Cable {length}ft, {pack}-Pack, {'Braided ' if braided else ''}Fast Charging Cord for {names}",
                        f"{brand} {kind} Cable ({length} ft), {rng.choice((20, 60, 100))}W PD Fast Charge, Compatible with {names}"))
    kinds = [["Braided nylon jacket survives 20,000+ bends" if braided else "Flexible, tangle-resistant cable jacket"],
             ["Supports fast charging and data sync up to 480 Mbps", "Fast charging plus quick data transfer for photos and files"],
             [f"{length} ft long: charge from the couch, bed or car"],
             [f"Works with {names}" + (", MFi certified" if "Lightning" in kind else "")],
             [f"{pack} cable{'s' if pack > 1 else ''} in the box"]]
    desc = [f"{length}-foot {kind} charging cable from {brand}."]
    details = {"Brand": brand, "Color": color, "Connector Type": connector, "Cable Length": f"{length} Feet",
               "Compatible Phone Models": compat}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _span(rng, 6, 25, brand))


# (brand, model, low price, high price, active noise cancelling, hours of playtime, water rating)
_BUDS = (("Apple", "AirPods Pro (2nd Generation)", 189, 249, True, 30, "IPX4"),
         ("Apple", "AirPods (3rd Generation)", 139, 169, False, 30, "IPX4"),
         ("Samsung", "Galaxy Buds2 Pro", 129, 229, True, 29, "IPX7"),
         ("Samsung", "Galaxy Buds FE", 59, 99, True, 21, "IPX2"),
         ("Sony", "WF-1000XM4", 178, 278, True, 24, "IPX4"), ("Sony", "WF-C500", 48, 98, False, 20, "IPX4"),
         ("Anker", "Soundcore Life P3", 49, 79, True, 35, "IPX5"),
         ("Anker", "Soundcore Liberty 4 NC", 79, 99, True, 50, "IPX4"),
         ("JLab", "Go Air Pop", 15, 25, False, 32, "IPX4"), ("TOZO", "T6", 18, 30, False, 30, "IPX8"))


def _earbuds(rng: random.Random) -> _Item:
    brand, model, lo, hi, anc, hours, ip = rng.choice(_BUDS)
    color = rng.choice(("White",) if brand == "Apple" else ("Black", "White", "Navy Blue", "Lavender"))
    title = rng.choice((f"{brand} {model} True Wireless Earbuds, {'Active Noise Cancelling, ' if anc else ''}{hours}H Playtime, {ip} - {color}",
                        f"{brand} {model} Wireless Bluetooth Earbuds with Charging Case, {color}"))
    kinds = [["Active noise cancellation blocks out trains, planes and office chatter" if anc
              else "Clear, balanced sound with deep bass"],
             [f"Up to {hours} hours of playtime with the charging case", f"{hours}H total battery life for long days"],
             [f"{ip} water resistance for workouts and rain"],
             ["Comfortable secure fit with multiple ear tip sizes", "Lightweight design you forget you are wearing"],
             ["Bluetooth 5.3 for a stable connection and quick pairing"]]
    desc = [f"{brand} {model} wireless earbuds with {hours} hours of battery life" + (" and noise cancelling." if anc else ".")]
    details = {"Brand": brand, "Model Name": model, "Color": color, "Connectivity Technology": "Wireless",
               "Form Factor": "In Ear", "Noise Control": "Active Noise Cancellation" if anc else "None",
               "Water Resistance Level": ip}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _retail(rng, rng.uniform(lo, hi), lo))


def _car(rng: random.Random) -> _Item:
    brand = rng.choice(("iOttie", "Belkin", "ESR", "Anker", "Lamicall", "VICSEED"))
    kind, mount = rng.choice((("Magnetic Car Phone Holder", "Magnetic"), ("Air Vent Phone Mount", "Air Vent Mount"),
                              ("Dashboard & Windshield Phone Holder", "Dashboard Mount"),
                              ("15W Wireless Charging Car Mount", "Air Vent Mount")))
    models, compat = _compat(rng, 2)
    names = ", ".join(m.name for m in models)
    title = rng.choice((f"{brand} {kind}{'' if 'Car' in kind else ' for Car'}, Compatible with {names}",
                        f"{brand} {kind}, One-Touch Mount with Strong Grip for {names} and All Phones"))
    kinds = [["Rock-solid grip on bumpy roads; your phone stays put", "Strong hold that won't shake loose over potholes"],
             ["One-hand operation: place and go", "360 degree rotation for portrait or landscape navigation"],
             [f"Fits {names} and most phones, even with a case"],
             ["Charges while you drive" if "Charging" in kind else "Installs in seconds, no tools needed"]]
    desc = [f"{kind} from {brand} for safe, hands-free navigation."]
    details = {"Brand": brand, "Color": "Black", "Mounting Type": mount, "Compatible Phone Models": compat,
               "Material": "Silicone, Acrylonitrile Butadiene Styrene"}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _span(rng, 10, 45, brand))


def _power_bank(rng: random.Random) -> _Item:
    brand = rng.choice(("Anker", "Mophie", "Belkin", "UGREEN", "INIU", "Baseus", "ESR"))
    cap, watts = rng.choice((5000, 10000, 10000, 20000, 26800)), rng.choice((12, 20, 22.5, 30, 65))
    models, _ = _compat(rng, 2)
    names = ", ".join(m.name for m in models)
    magnetic = cap <= 10000 and rng.random() < 0.4
    title = (f"{brand} Magnetic Power Bank {cap}mAh, Wireless Portable Charger Compatible with MagSafe for iPhone 15/14/13"
             if magnetic else rng.choice((f"{brand} Portable Charger, {cap}mAh Power Bank with {watts}W PD Fast Charging for {names}",
                                          f"{brand} {cap}mAh Power Bank, {watts}W USB C Fast Charging Battery Pack, Slim & Compact")))
    charges = max(1, cap // 4000)
    kinds = [[f"HIGH CAPACITY: {cap}mAh charges a phone about {charges} time{'s' if charges > 1 else ''}",
              f"{cap}mAh of long lasting backup power for trips and long days"],
             [f"{watts}W fast charging refills your phone in a fraction of the time"],
             ["Snaps magnetically onto MagSafe iPhones" if magnetic else "Charge two devices at once via USB-C and USB-A"],
             ["Compact and pocketable" if cap <= 10000 else "Airline-friendly capacity for travel"],
             ["Multi-layer protection keeps your devices safe while charging"]]
    desc = [f"{cap}mAh portable charger from {brand} with {watts}W output."]
    details = {"Brand": brand, "Color": rng.choice(("Black", "White", "Blue")),
               "Battery Capacity": f"{cap} Milliamp Hours", "Connector Type": "USB Type C, USB Type A",
               "Wattage": f"{watts} watts"}
    price = min(80.0, (12 + cap / 1000 * 1.7) * rng.uniform(0.85, 1.25))  # bigger packs cost more
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _retail(rng, price, 12))


# (brand, model, low, high, operating system, case sizes in mm)
_WATCHES = (("Apple", "Watch Series 9 (GPS)", 299, 429, "watchOS", (41, 45)),
            ("Apple", "Watch SE (2nd Gen)", 189, 279, "watchOS", (40, 44)),
            ("Samsung", "Galaxy Watch6", 229, 329, "Wear OS", (40, 44)),
            ("Google", "Pixel Watch 2", 249, 349, "Wear OS", (41,)), ("Amazfit", "GTR 4", 129, 199, "Zepp OS", (46,)),
            ("Amazfit", "Bip 5", 69, 89, "Zepp OS", (46,)), ("Fitbit", "Versa 4", 149, 199, "Fitbit OS", (40,)))


def _watch(rng: random.Random) -> _Item:
    brand, model, lo, hi, os_name, sizes = rng.choice(_WATCHES)
    mm, color = rng.choice(sizes), rng.choice(("Midnight", "Silver", "Graphite", "Pink Sand", "Black"))
    title = rng.choice((f"{brand} {model} Smartwatch {mm}mm, Fitness Tracker with Heart Rate Monitor - {color}",
                        f"{brand} {model} {mm}mm Smart Watch with GPS, Sleep Tracking and Long Battery Life, {color}"))
    kinds = [["Track heart rate, sleep, steps and workouts around the clock"], ["Built-in GPS for runs and rides"],
             ["Water resistant to 50 meters, ready for the pool"],
             ["Multi-day battery life" if os_name in ("Zepp OS", "Fitbit OS") else "All-day battery life with fast charging"],
             ["Get calls, texts and app notifications on your wrist"]]
    desc = [f"The {brand} {model} is a {mm}mm smartwatch running {os_name}."]
    details = {"Brand": brand, "Model Name": model, "Color": color, "Operating System": os_name,
               "Case Size": f"{mm} Millimeters", "Special Feature": "Heart Rate Monitor, GPS, Sleep Tracker"}
    return _Item(title, brand, _bullets(rng, kinds), desc, details, _retail(rng, rng.uniform(lo, hi), lo))


_LEAF_MAKERS = {"Cases, Holsters & Sleeves": _case, "Screen Protectors": _protector,
                "Chargers & Power Adapters": _charger, "Cables": _cable, "Headphones & Earbuds": _earbuds,
                "Portable Power Banks": _power_bank, "Car Accessories & Mounts": _car, "Smartwatches": _watch}


def _row(item: _Item, categories: list[str], store: str, rating: tuple[float | None, int | None]) -> dict[str, Any]:
    """Assemble a row with keys in the order of the real files."""
    return {"main_category": MAIN_CATEGORY, "title": item.title, "average_rating": rating[0],
            "rating_number": rating[1], "features": item.features, "description": item.description,
            "price": item.price, "images": [], "videos": [], "store": store, "categories": categories,
            "details": item.details, "parent_asin": "", "bought_together": None}


def _random_row(rng: random.Random) -> dict[str, Any]:
    if rng.random() < PHONE_SHARE:
        item, renewed = _phone(rng)
        categories = [MAIN_CATEGORY, "Cell Phones"]
    else:
        leaf = rng.choices(tuple(LEAVES), weights=tuple(LEAVES.values()))[0]
        item, renewed = _LEAF_MAKERS[leaf](rng), False
        categories = [MAIN_CATEGORY, "Accessories", leaf]
    if rng.random() < NULL_PRICE_SHARE:
        item.price = None  # real listings lose their price when out of stock
    corporate = CORPORATE_STORES.get(item.brand)
    store = corporate if corporate and rng.random() < 0.3 else item.brand
    return _row(item, categories, store, _rating(rng, item.brand in _POPULAR, -0.2 if renewed else 0.0))


def _tricky_rows() -> list[dict[str, Any]]:
    """Fixed edge cases tests rely on: compound model names, a null price, one- to three-review products."""
    case, cable = [MAIN_CATEGORY, "Accessories", "Cases, Holsters & Sleeves"], [MAIN_CATEGORY, "Accessories", "Cables"]
    s6_case = _Item("Spigen Thin Fit Case for Galaxy S6/S6 Edge - Black", "Spigen",
                    ["Slim, pocket-friendly profile", "Precise cutouts for Galaxy S6 and S6 Edge", "Scratch resistant matte finish"],
                    ["Thin Fit case that fits both the Galaxy S6 and the Galaxy S6 Edge."],
                    {"Brand": "Spigen", "Color": "Black", "Compatible Phone Models": "Samsung Galaxy S6, Galaxy S6 Edge",
                     "Material": "Polycarbonate", "Form Factor": "Basic Case"}, 9.99)
    s6_phone = _Item("SAMSUNG Galaxy S6 Edge, Unlocked Android Smartphone, 32GB, White Pearl (Renewed)", "Samsung",
                     ["5.1-inch curved edge display", "16MP camera with fast autofocus", "2600mAh battery with fast charging",
                      "Renewed: inspected and tested to work and look like new"],
                     ["A classic curved-screen Galaxy, renewed and unlocked."],
                     {"Brand": "Samsung", "Model Name": "Galaxy S6 Edge", "Color": "White Pearl",
                      "Memory Storage Capacity": "32 GB", "Wireless Carrier": "Unlocked", "Operating System": "Android 5",
                      "Screen Size": "5.1 Inches", "RAM": "3 GB", "Cellular Technology": "4G LTE", "Year": 2015}, None)
    one_review = _Item("UGREEN USB C to USB C Cable 100W, 6.6ft Braided Fast Charging Cord", "UGREEN",
                       ["100W power delivery", "Braided nylon jacket", "Works with Galaxy S23, Pixel 8 and iPhone 15"],
                       ["6.6-foot braided USB-C cable for phones and laptops."],
                       {"Brand": "UGREEN", "Color": "Black", "Connector Type": "USB Type C", "Cable Length": "6.6 Feet",
                        "Compatible Phone Models": "Samsung Galaxy S23, Pixel 8, iPhone 15"}, 11.99)
    three_reviews = _Item("QINSHI Clear Case for iPhone 15 Pro Max / 15 Pro, Slim Shockproof Cover", "QINSHI",
                          ["Crystal clear back", "Shockproof corners", "Wireless charging compatible"],
                          ["Clear slim case for iPhone 15 Pro Max and iPhone 15 Pro."],
                          {"Brand": "QINSHI", "Color": "Clear", "Compatible Phone Models": "Apple iPhone 15 Pro Max, iPhone 15 Pro",
                           "Material": "Thermoplastic Polyurethane", "Form Factor": "Basic Case"}, 7.49)
    return [_row(s6_case, case, "Spigen", (4.4, 5213)),
            _row(s6_phone, [MAIN_CATEGORY, "Cell Phones"], "Samsung Electronics", (3.9, 412)),
            _row(one_review, cable, "UGREEN", (5.0, 1)), _row(three_reviews, case, "QINSHI", (2.3, 3))]


def generate_demo_catalog(n_products: int = DEMO_CATALOG_SIZE, seed: int = 7) -> list[dict[str, Any]]:
    """`n_products` rows in Amazon Reviews 2023 metadata format; same seed, same rows."""
    if n_products < 0:
        raise ValueError(f"n_products must be >= 0, got {n_products}")
    rng = random.Random(seed)
    rows = [_random_row(rng) for _ in range(n_products)]
    tricky = _tricky_rows()
    if n_products >= 5 * len(tricky):  # tiny catalogs stay purely random
        for k, row in enumerate(tricky):
            rows[(k + 1) * n_products // (len(tricky) + 1)] = row  # spread out, not bunched at the top
    for i, row in enumerate(rows, 1):
        row["parent_asin"] = f"SIFTD{i:05d}"
    return rows


def write_demo_catalog(path: str | Path, n_products: int = DEMO_CATALOG_SIZE, seed: int = 7) -> Path:
    """Write the catalog as JSONL (gzip when the name ends in .gz) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r) + "\n" for r in generate_demo_catalog(n_products, seed)).encode("utf-8")
    if path.name.endswith(".gz"):
        # mtime=0 and no embedded file name keep the .gz byte-identical across runs.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the Sift demo phones-and-accessories catalog.")
    parser.add_argument("out", help="output file (.jsonl or .jsonl.gz)")
    parser.add_argument("--n", type=int, default=DEMO_CATALOG_SIZE, help="number of products")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out = write_demo_catalog(args.out, args.n, args.seed)
    print(f"wrote {args.n} products to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
