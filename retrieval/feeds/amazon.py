"""Amazon Reviews 2023 item metadata (`meta_<Category>.jsonl`, McAuley Lab): one JSON object per line.

    {"parent_asin", "title", "store", "price", "average_rating", "rating_number", "features": [..],
     "description": [..], "images": [{"large", ...}], "categories": [..], "details": {"Brand", "Color", ...}}

`price` is US dollars (a bare number or "$12.99"); `store` is the brand store; `details.Brand` the maker.
The optional keys `url`, `currency` and `availability` (which the field mapping of `mapped.py` fills from a
shop's own columns) are read when present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..catalog import FeedOptions, LoadReport, Product, open_text, parse_count, parse_rating, str_list
from ..text import clean_text
from .build import RawProduct, make_product, parse_availability
from .money import parse_money

_NO_PRICE = (None, "", "None", "—")


def iter_jsonl(path: str | Path, report: LoadReport) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for every non-empty line; invalid JSON is reported and skipped."""
    with open_text(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            report.rows += 1
            try:
                yield line_no, json.loads(raw)
            except json.JSONDecodeError as exc:
                report.error(line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")


def product_from_amazon(row: dict[str, Any], line: int, report: LoadReport,
                        options: FeedOptions | None = None) -> Product:
    """Build a Product from one Amazon Reviews 2023 item-metadata object. Raises ValueError if unusable."""
    options = options or FeedOptions()
    pid = row.get("parent_asin") or row.get("asin") or row.get("id")
    if not pid or not str(pid).strip():
        raise ValueError("no parent_asin (product id)")
    if not clean_text(row.get("title")):
        raise ValueError("empty title")
    details_raw = row.get("details") or {}
    if not isinstance(details_raw, dict):
        report.warn(line, "details is not an object; ignored")
        details_raw = {}
    details = {str(k): clean_text(v) for k, v in details_raw.items() if v not in (None, "", [])}

    price, currency = parse_money(row.get("price"), clean_text(row.get("currency")).upper() or options.currency)
    if price is None and row.get("price") not in _NO_PRICE:
        report.warn(line, f"price {row.get('price')!r} not understood; left empty")
    local = _local_price(details)
    if local is not None:  # the price the shop shows and its shoppers say ("under 2000 rupees"), not a conversion
        price, currency = local
    try:
        rating = parse_rating(row.get("average_rating"))
    except ValueError as exc:
        report.warn(line, str(exc))
        rating = None
    try:
        count = parse_count(row.get("rating_number"))
    except ValueError as exc:
        report.warn(line, str(exc))
        count = None
    images = row.get("images") or []
    image_url = None
    if isinstance(images, list) and images and isinstance(images[0], dict):
        image_url = images[0].get("large") or images[0].get("hi_res") or images[0].get("thumb")
    url = row.get("url")
    return make_product(RawProduct(
        id=pid,
        title=row.get("title"),
        brand=details.get("Brand"),
        store=clean_text(row.get("store")),
        price=price,
        currency=currency,
        average_rating=rating,
        rating_number=count,
        features=str_list(row.get("features")),
        description=str_list(row.get("description")),
        details=details,
        categories=str_list(row.get("categories")),
        main_category=clean_text(row.get("main_category")) or None,
        color=details.get("Color") or details.get("Colour"),
        storage=details.get("Memory Storage Capacity") or details.get("Storage Capacity"),
        carrier=details.get("Wireless Carrier"),
        image_url=image_url,
        url=url.strip() if isinstance(url, str) else None,
        availability=parse_availability(row.get("availability"), line, report),
    ), line, report)


# "Price (INR)": a price in the shop's own currency kept in details, beside a `price` converted to dollars
# (the Amazon India export). Shoppers bound it in their currency, so it is the one filters and cards use.
_LOCAL_PRICE = re.compile(r"^price \(([a-z]{3})\)$", re.IGNORECASE)


def _local_price(details: dict[str, str]) -> tuple[float, str] | None:
    for key, value in details.items():
        m = _LOCAL_PRICE.match(key)
        if m:
            amount, currency = parse_money(value, m.group(1).upper())
            if amount is not None:
                return amount, currency
    return None
