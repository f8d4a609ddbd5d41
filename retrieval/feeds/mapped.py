"""A shop's own CSV or JSONL columns, mapped onto the Amazon layout so one normaliser serves every format.

`mapping` maps Sift fields (keys of `DEFAULT_MAPPING`) to the shop's column names; unmapped fields are
looked up under their common names. A category path may be "A > B > C", "A|B|C" or "A/B/C".

    >>> amazon_row_from_mapped({"sku": "S1", "name": "Pixel 8", "cost": "699"},
    ...                        {"id": "sku", "title": "name", "price": "cost"})["parent_asin"]
    'S1'
"""

from __future__ import annotations

import re
from typing import Any

# Fields of `Product` that a CSV/JSONL field mapping may fill, with common column names to try.
DEFAULT_MAPPING: dict[str, tuple[str, ...]] = {
    "id": ("id", "product_id", "sku", "parent_asin", "asin"),
    "title": ("title", "name", "product_title", "product_name"),
    "brand": ("brand", "store", "manufacturer", "vendor"),
    "price": ("price", "sale_price", "price_usd"),
    "average_rating": ("average_rating", "rating", "stars"),
    "rating_number": ("rating_number", "review_count", "reviews", "num_reviews", "ratings"),
    "categories": ("categories", "category", "category_path"),
    "color": ("color", "colour"),
    "storage": ("storage", "memory_storage_capacity", "capacity"),
    "carrier": ("carrier", "wireless_carrier"),
    "features": ("features", "bullets", "bullet_points"),
    "description": ("description", "product_description", "body"),
    "image": ("image", "image_url", "images"),
    "url": ("url", "link", "product_url"),
    "currency": ("currency", "currency_code"),
    "availability": ("availability", "stock_status", "in_stock"),
}


def amazon_row_from_mapped(row: dict[str, Any], mapping: dict[str, str] | None) -> dict[str, Any]:
    """Translate a shop's own columns to the Amazon layout (plus `url`, `currency`, `availability`)."""
    lower = {str(k).lower().strip(): v for k, v in row.items()}

    def get(name: str) -> Any:
        if mapping and name in mapping:
            return row.get(mapping[name], lower.get(mapping[name].lower()))
        for cand in DEFAULT_MAPPING[name]:
            if cand in lower and lower[cand] not in (None, ""):
                return lower[cand]
        return None

    cats = get("categories")
    if isinstance(cats, str):
        cats = [c.strip() for c in re.split(r"\s*(?:>|\||/)\s*", cats) if c.strip()]
    details = {"Brand": get("brand"), "Color": get("color"), "Memory Storage Capacity": get("storage"),
               "Wireless Carrier": get("carrier")}
    image = get("image")
    out = {
        "parent_asin": get("id"),
        "title": get("title"),
        "store": get("brand"),
        "price": get("price"),
        "average_rating": get("average_rating"),
        "rating_number": get("rating_number"),
        "categories": cats or [],
        "features": get("features"),
        "description": get("description"),
        "details": {k: v for k, v in details.items() if v not in (None, "")},
        "images": [{"large": image}] if isinstance(image, str) and image else [],
    }
    extra = {name: get(name) for name in ("url", "currency", "availability")}
    out.update({k: v for k, v in extra.items() if isinstance(v, str | bool) and v != ""})
    return out
