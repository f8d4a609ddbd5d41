"""The demo catalog's phones (`retrieval.demo_catalog`): the models on sale and how one listing of them is
written (title, bullets, details, price; renewed and carrier-locked variants)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .demo_items import Item, bullets, retail

RENEWED_SHARE = 0.2
CARRIERS: tuple[str, ...] = ("AT&T", "Verizon", "T-Mobile", "Cricket", "Boost Mobile", "Tracfone",
                             "Straight Talk", "Metro by T-Mobile", "Visible")


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

def phone_item(rng: random.Random) -> tuple[Item, bool]:
    """One phone listing and whether it is renewed (old models mostly sell renewed)."""
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
    return Item(title, m.brand, bullets(rng, kinds, forced), desc, details, retail(rng, price, 39)), renewed
