"""What every format shares after reading its own fields: one `RawProduct` -> one normalised `Product`.

A reader fills `RawProduct` with what its format says, in its words; `make_product` derives what Sift
filters on (maker brand, subcategory, base colors, storage, carriers, condition) the same way for every
format, so a phone from a Shopify export and the same phone from Amazon get the same facets.

    >>> make_product(RawProduct(id="S1", title="Pixel 8, 128GB, Obsidian", brand="Google"), 2, LoadReport()).colors
    ['black']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..brands import maker_brand
from ..catalog import LoadReport, Product, str_list
from ..facets import color_families, derive_subcategory, parse_carriers, parse_condition
from ..roles import classify
from ..specs import parse_specs
from ..text import clean_text


@dataclass
class RawProduct:
    """A product as a feed states it. `brand` is the feed's brand field; `store` a second brand source."""

    id: Any
    title: Any
    brand: str | None = None
    store: str | None = None
    price: float | None = None
    currency: str = "USD"
    list_price: float | None = None
    average_rating: float | None = None
    rating_number: int | None = None
    features: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)  # the Amazon list as read
    category_path: list[str] | None = None  # None: the same as `categories`
    main_category: str | None = None
    color: str | None = None
    storage: str | None = None  # text naming the storage size ("128 GB"); the title is tried next
    carrier: str | None = None
    condition: str | None = None  # "new" | "renewed" when the feed says so; else read from title/details
    image_url: str | None = None
    url: str | None = None
    availability: str = "in_stock"
    item_group_id: str | None = None
    gtin: str | None = None
    mpn: str | None = None


def make_product(raw: RawProduct, line: int, report: LoadReport) -> Product:
    """Normalise one product; raises ValueError (the row is skipped and reported) without an id or title."""
    pid = str(raw.id).strip() if raw.id is not None else ""
    if not pid:
        raise ValueError("no product id (parent_asin / id / Handle)")
    title = clean_text(raw.title)
    if not title:
        raise ValueError("empty title")
    details = raw.details
    color = raw.color or None
    categories = raw.categories
    path = categories if raw.category_path is None else raw.category_path
    # Attributes with units (retrieval/specs.py), storage among them: a storage column of the feed is read
    # like the catalog's own "Memory Storage Capacity" detail (RAM and storage told apart there).
    spec_details = details if not raw.storage or "Memory Storage Capacity" in details else {
        **details, "Memory Storage Capacity": raw.storage}
    specs = parse_specs(title, spec_details, classify(title, categories or list(path)),
                        warn=lambda msg: report.warn(line, msg))
    storage = specs.pop("storage_gb", None)  # storage keeps its own field
    return Product(
        id=pid,
        title=title,
        brand=maker_brand(raw.brand, raw.store),
        price=raw.price,
        average_rating=raw.average_rating,
        rating_number=raw.rating_number,
        subcategory=derive_subcategory(categories or path, title, raw.main_category),
        color=color,
        colors=color_families(color) or color_families(_title_color_hint(title)),
        storage_gb=storage,
        carriers=parse_carriers(raw.carrier or "") or parse_carriers(title),
        condition=raw.condition or parse_condition(title, details.get("Condition")),
        features=raw.features,
        description=raw.description,
        details=details,
        categories=categories,
        main_category=raw.main_category,
        image_url=raw.image_url or None,
        url=raw.url or None,
        currency=raw.currency,
        availability=raw.availability,  # type: ignore[arg-type]  # checked by parse_availability
        category_path=list(path),
        item_group_id=raw.item_group_id or None,
        gtin=raw.gtin or None,
        mpn=raw.mpn or None,
        list_price=raw.list_price,
        specs=specs,
    )


def _title_color_hint(title: str) -> str:
    """Amazon titles put the color after the last comma or dash ("..., 128GB, Awesome Black")."""
    parts = re.split(r"\s[-|]\s|,|\(|\)", title)
    return " ".join(p for p in parts[-3:] if len(p.split()) <= 3)


# ------------------------------------------------------------------------------------------------ values
# Availability spellings (letters and digits only, lower-cased) -> Sift's four values. Merchant Center's
# own four, its retired spellings, schema.org (https://schema.org/InStock) and common shop words.
_AVAILABILITY = {
    "instock": "in_stock", "available": "in_stock", "availablefororder": "in_stock", "onlineonly": "in_stock",
    "limitedavailability": "in_stock", "instoreonly": "in_stock", "yes": "in_stock", "true": "in_stock",
    "outofstock": "out_of_stock", "soldout": "out_of_stock", "discontinued": "out_of_stock",
    "unavailable": "out_of_stock", "no": "out_of_stock", "false": "out_of_stock",
    "preorder": "preorder", "presale": "preorder", "backorder": "backorder",
}


def parse_availability(value: Any, line: int, report: LoadReport) -> str:
    """"in stock", "out_of_stock", "https://schema.org/PreOrder"... -> one of `catalog.AVAILABILITIES`.

    Empty means in stock (a feed that says nothing sells what it lists); a word not understood is
    reported and read as in stock, so a typo never hides a product.
    """
    text = clean_text(value)
    if not text:
        return "in_stock"
    key = re.sub(r"[^a-z0-9]", "", text.lower().rsplit("/", 1)[-1])
    found = _AVAILABILITY.get(key)
    if found is None:
        report.warn(line, f"availability {text!r} not understood (expected in_stock, out_of_stock, preorder or "
                          f"backorder); read as in_stock")
        return "in_stock"
    return found


def split_path(value: Any) -> list[str]:
    """A category path as levels: "A > B > C", or a list of levels (Amazon); empty levels dropped."""
    if isinstance(value, str):
        return [s for s in (clean_text(x) for x in value.split(">")) if s]
    return str_list(value)
