"""The demo catalog's accessories (`retrieval.demo_catalog`): one generator per category leaf (cases,
screen protectors, chargers, cables, earbuds, car mounts, power banks, watches), each writing a listing
for the phones people actually carry."""

from __future__ import annotations

import random

from .demo_items import Item, bullets, retail
from .demo_phones import PHONE_MODELS, PhoneModel

# Accessory makers target the phones people actually carry.
_ACC_TARGETS = tuple(m for m in PHONE_MODELS if m.brand in ("Apple", "Samsung", "Google", "Motorola", "OnePlus"))
_ACC_COLORS = ("Black", "Matte Black", "Clear", "Crystal Clear", "White", "Navy Blue", "Midnight Green",
               "Rose Gold", "Red", "Pink", "Purple", "Gray", "Sierra Blue", "Forest Green")
LEAVES: dict[str, float] = {  # leaf -> share of accessories
    "Cases, Holsters & Sleeves": 0.25, "Screen Protectors": 0.15, "Chargers & Power Adapters": 0.15,
    "Cables": 0.12, "Headphones & Earbuds": 0.10, "Portable Power Banks": 0.09,
    "Car Accessories & Mounts": 0.08, "Smartwatches": 0.06,
}


def _compat(rng: random.Random, k: int = 1, brand: str | None = None) -> tuple[list[PhoneModel], str]:
    """Target phones and the details string ("Samsung Galaxy S23, Galaxy S23 Ultra")."""
    pool = [m for m in _ACC_TARGETS if brand is None or m.brand == brand] or list(_ACC_TARGETS)
    models = rng.sample(pool, min(k, len(pool)))
    return models, ", ".join([models[0].full] + [m.name for m in models[1:]])


def _span(rng: random.Random, lo: float, hi: float, brand: str) -> float:
    # Squared draw: most accessories sit near the cheap end of their leaf, as on the real shelves.
    factor = 1.3 if brand in ("Apple", "OtterBox", "Mophie", "Belkin", "Samsung") else 1.0
    return retail(rng, min(hi, (lo + (hi - lo) * rng.random() ** 2) * factor), max(5, int(lo)))


_CASE_LINES: dict[str, tuple[str, ...]] = {
    "Spigen": ("Tough Armor", "Ultra Hybrid", "Rugged Armor", "Liquid Air", "Thin Fit"),
    "OtterBox": ("Defender Series", "Commuter Series", "Symmetry Series"),
    "ESR": ("Classic Hybrid", "Cloud Soft", "Air Armor"), "Caseology": ("Parallax", "Nano Pop"),
    "Apple": ("Silicone Case with MagSafe", "Clear Case with MagSafe", "FineWoven Case with MagSafe"),
    "Samsung": ("Silicone Case", "Clear Standing Cover", "Leather Case"),
    "TORRAS": ("Magnetic Shockproof",), "Miracase": ("Glass Series",), "QINSHI": ("Clear Slim",),
}


def _case(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, _span(rng, 8, 50, brand))


def _protector(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, _span(rng, 6, 20, brand))


def _charger(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, _span(rng, 9, 60, brand))


def _cable(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, _span(rng, 6, 25, brand))


# (brand, model, low price, high price, active noise cancelling, hours of playtime, water rating)
_BUDS = (("Apple", "AirPods Pro (2nd Generation)", 189, 249, True, 30, "IPX4"),
         ("Apple", "AirPods (3rd Generation)", 139, 169, False, 30, "IPX4"),
         ("Samsung", "Galaxy Buds2 Pro", 129, 229, True, 29, "IPX7"),
         ("Samsung", "Galaxy Buds FE", 59, 99, True, 21, "IPX2"),
         ("Sony", "WF-1000XM4", 178, 278, True, 24, "IPX4"), ("Sony", "WF-C500", 48, 98, False, 20, "IPX4"),
         ("Anker", "Soundcore Life P3", 49, 79, True, 35, "IPX5"),
         ("Anker", "Soundcore Liberty 4 NC", 79, 99, True, 50, "IPX4"),
         ("JLab", "Go Air Pop", 15, 25, False, 32, "IPX4"), ("TOZO", "T6", 18, 30, False, 30, "IPX8"))


def _earbuds(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, retail(rng, rng.uniform(lo, hi), lo))


def _car(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, _span(rng, 10, 45, brand))


def _power_bank(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, retail(rng, price, 12))


# (brand, model, low, high, operating system, case sizes in mm)
_WATCHES = (("Apple", "Watch Series 9 (GPS)", 299, 429, "watchOS", (41, 45)),
            ("Apple", "Watch SE (2nd Gen)", 189, 279, "watchOS", (40, 44)),
            ("Samsung", "Galaxy Watch6", 229, 329, "Wear OS", (40, 44)),
            ("Google", "Pixel Watch 2", 249, 349, "Wear OS", (41,)), ("Amazfit", "GTR 4", 129, 199, "Zepp OS", (46,)),
            ("Amazfit", "Bip 5", 69, 89, "Zepp OS", (46,)), ("Fitbit", "Versa 4", 149, 199, "Fitbit OS", (40,)))


def _watch(rng: random.Random) -> Item:
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
    return Item(title, brand, bullets(rng, kinds), desc, details, retail(rng, rng.uniform(lo, hi), lo))

LEAF_MAKERS = {"Cases, Holsters & Sleeves": _case, "Screen Protectors": _protector,
                "Chargers & Power Adapters": _charger, "Cables": _cable, "Headphones & Earbuds": _earbuds,
                "Portable Power Banks": _power_bank, "Car Accessories & Mounts": _car, "Smartwatches": _watch}
