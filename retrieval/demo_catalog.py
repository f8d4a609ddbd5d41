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
from pathlib import Path
from typing import Any

from .demo_accessories import LEAF_MAKERS, LEAVES
from .demo_items import Item
from .demo_phones import phone_item

DEMO_CATALOG_SIZE = 3000
MAIN_CATEGORY = "Cell Phones & Accessories"
ROW_KEYS: tuple[str, ...] = (
    "main_category", "title", "average_rating", "rating_number", "features", "description", "price",
    "images", "videos", "store", "categories", "details", "parent_asin", "bought_together",
)
PHONE_SHARE = 0.4
NULL_PRICE_SHARE = 0.03
# Store names as sellers register them; details["Brand"] keeps the short name, so brand
# normalisation has real work to do.
CORPORATE_STORES: dict[str, str] = {
    "Samsung": "Samsung Electronics", "Motorola": "Motorola Mobility", "Sony": "Sony Electronics",
    "ASUS": "ASUS Computer International", "Nokia": "Nokia Mobile", "TCL": "TCL Communication",
    "Anker": "AnkerDirect", "Belkin": "Belkin International",
}
_POPULAR = frozenset({"Apple", "Samsung", "Anker", "Spigen", "OtterBox", "JETech", "Amazon Basics"})


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


def _row(item: Item, categories: list[str], store: str, rating: tuple[float | None, int | None]) -> dict[str, Any]:
    """Assemble a row with keys in the order of the real files."""
    return {"main_category": MAIN_CATEGORY, "title": item.title, "average_rating": rating[0],
            "rating_number": rating[1], "features": item.features, "description": item.description,
            "price": item.price, "images": [], "videos": [], "store": store, "categories": categories,
            "details": item.details, "parent_asin": "", "bought_together": None}


def _random_row(rng: random.Random) -> dict[str, Any]:
    if rng.random() < PHONE_SHARE:
        item, renewed = phone_item(rng)
        categories = [MAIN_CATEGORY, "Cell Phones"]
    else:
        leaf = rng.choices(tuple(LEAVES), weights=tuple(LEAVES.values()))[0]
        item, renewed = LEAF_MAKERS[leaf](rng), False
        categories = [MAIN_CATEGORY, "Accessories", leaf]
    if rng.random() < NULL_PRICE_SHARE:
        item.price = None  # real listings lose their price when out of stock
    corporate = CORPORATE_STORES.get(item.brand)
    store = corporate if corporate and rng.random() < 0.3 else item.brand
    return _row(item, categories, store, _rating(rng, item.brand in _POPULAR, -0.2 if renewed else 0.0))


def _tricky_rows() -> list[dict[str, Any]]:
    """Fixed edge cases tests rely on: compound model names, a null price, one- to three-review products."""
    case, cable = [MAIN_CATEGORY, "Accessories", "Cases, Holsters & Sleeves"], [MAIN_CATEGORY, "Accessories", "Cables"]
    s6_case = Item("Spigen Thin Fit Case for Galaxy S6/S6 Edge - Black", "Spigen",
                    ["Slim, pocket-friendly profile", "Precise cutouts for Galaxy S6 and S6 Edge", "Scratch resistant matte finish"],
                    ["Thin Fit case that fits both the Galaxy S6 and the Galaxy S6 Edge."],
                    {"Brand": "Spigen", "Color": "Black", "Compatible Phone Models": "Samsung Galaxy S6, Galaxy S6 Edge",
                     "Material": "Polycarbonate", "Form Factor": "Basic Case"}, 9.99)
    s6_phone = Item("SAMSUNG Galaxy S6 Edge, Unlocked Android Smartphone, 32GB, White Pearl (Renewed)", "Samsung",
                     ["5.1-inch curved edge display", "16MP camera with fast autofocus", "2600mAh battery with fast charging",
                      "Renewed: inspected and tested to work and look like new"],
                     ["A classic curved-screen Galaxy, renewed and unlocked."],
                     {"Brand": "Samsung", "Model Name": "Galaxy S6 Edge", "Color": "White Pearl",
                      "Memory Storage Capacity": "32 GB", "Wireless Carrier": "Unlocked", "Operating System": "Android 5",
                      "Screen Size": "5.1 Inches", "RAM": "3 GB", "Cellular Technology": "4G LTE", "Year": 2015}, None)
    one_review = Item("UGREEN USB C to USB C Cable 100W, 6.6ft Braided Fast Charging Cord", "UGREEN",
                       ["100W power delivery", "Braided nylon jacket", "Works with Galaxy S23, Pixel 8 and iPhone 15"],
                       ["6.6-foot braided USB-C cable for phones and laptops."],
                       {"Brand": "UGREEN", "Color": "Black", "Connector Type": "USB Type C", "Cable Length": "6.6 Feet",
                        "Compatible Phone Models": "Samsung Galaxy S23, Pixel 8, iPhone 15"}, 11.99)
    three_reviews = Item("QINSHI Clear Case for iPhone 15 Pro Max / 15 Pro, Slim Shockproof Cover", "QINSHI",
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