"""Words for constraints and products: filter chips, compact product records, "why it fits".

Used by the tools (compact results for the model) and by answers and the UI (chips, cards), so a
constraint is named the same way everywhere.

    >>> constraint_labels(Filters(price_max=200, brand=["Samsung"], color=["black"]))
    ['under $200', 'Samsung', 'black']
"""

from __future__ import annotations

from typing import Any

from lexicon.numbers import format_money
from lexicon.words import plural
from retrieval.attributes import AttributeTable
from retrieval.catalog import Product
from retrieval.filters import (
    ACCESSORIES,
    DEFAULT_LEVELS,
    NUMERIC_FIELDS,
    NUMERIC_PAIRS,
    PHONES,
    Filters,
    LevelTable,
)
from retrieval.specs import attributes, format_value, product_value, spec_names

_LEVEL_WORDS: dict[str, dict[str, str]] = {
    "price_max": {"low": "cheap", "medium": "mid-priced or less", "high": "any price"},
    "price_min": {"low": "any price", "medium": "mid-range or above", "high": "premium"},
    "average_rating_min": {"low": "any rating", "medium": "well rated", "high": "highly rated"},
    "average_rating_max": {"low": "rated under 4 stars", "medium": "any rating", "high": "any rating"},
    "review_count_min": {"low": "any number of reviews", "medium": "100+ reviews", "high": "lots of reviews"},
    "review_count_max": {"low": "few reviews", "medium": "any number of reviews", "high": "any number of reviews"},
    "storage_gb_min": {"low": "any storage", "medium": "64 GB+", "high": "256 GB+"},
    "storage_gb_max": {"low": "up to 64 GB", "medium": "up to 256 GB", "high": "any storage"},
}
# Levels of the attributes with units in shopper words: (low, medium, high) adjectives for their noun.
_SPEC_ADJECTIVES: dict[str, tuple[str, str, str]] = {
    "screen_in": ("small", "mid-size", "big"), "ram_gb": ("little", "mid-range", "lots of"),
    "battery_mah": ("small", "mid-size", "big"), "power_w": ("low", "medium", "high"),
    "resolution_p": ("low", "medium", "high"), "refresh_hz": ("standard", "smooth", "high"),
    "weight_g": ("light", "mid", "heavy"),
}
_SUBCATEGORY_WORDS = {PHONES: "phones", ACCESSORIES: "accessories"}
_STOP = {"for", "and", "the", "with", "that", "this", "from", "any", "some", "one", "ones", "need", "want"}


_DISPLAY = {"currency": "USD"}  # the serving catalog's currency; the shell sets it once (`set_currency`)


def set_currency(code: str | None) -> None:
    """Print prices in `code` (ISO 4217: the catalog's main currency, or SIFT_CURRENCY); None or "" keeps USD.
    Display only: prices are never converted."""
    _DISPLAY["currency"] = (code or "USD").strip().upper() or "USD"


def display_currency() -> str:
    return _DISPLAY["currency"]


def money(x: float | None, currency: str | None = None, exact: bool = False) -> str:
    """A price as a shopper reads it: "$1,299", "\u20b91,299", "$19.99", "12.50 CHF" (the catalog's currency
    unless `currency` names another); `exact` keeps the cents of large prices ("$1,299.99")."""
    if x is None:
        return "no price"
    return format_money(x, currency or _DISPLAY["currency"], exact)


def _num(field: str, v: float) -> str:
    attribute = NUMERIC_FIELDS[field][0]
    if attribute == "price":
        return money(v)
    if attribute == "rating":
        return f"{v:g} stars"
    if attribute == "review_count":
        return f"{v:,.0f} reviews"
    attribute = NUMERIC_FIELDS[field][0]
    if attribute in spec_names():
        value = format_value(attribute, v)
        return value if attribute in ("resolution_p",) else f"{value} {attributes()[attribute].noun}"
    return f"{v:g} GB"


def _spec_level(field: str, level: str) -> str | None:
    """'screen_in_min: high' -> "big screen"; None for fields without adjectives."""
    attribute, side = NUMERIC_FIELDS.get(field, ("", ""))
    words = _SPEC_ADJECTIVES.get(attribute)
    if not words:
        return None
    noun = attributes()[attribute].noun
    adjective = words[("low", "medium", "high").index(level)]
    if side == "min":
        return f"any {noun}" if level == "low" else f"{adjective} {noun}" + (" or more" if level == "medium" else "")
    return f"any {noun}" if level == "high" else f"{adjective} {noun}" + (" or less" if level == "medium" else "")


def type_label(product_type: str) -> str:
    """"laptop" -> "laptops only": a type, without the accessories made for it."""
    return f"{plural(product_type.replace('_', ' '))} only"


def constraint_label(field: str, value: Any, filters: Filters | None = None,
                     levels: LevelTable = DEFAULT_LEVELS) -> str:
    """One constraint in shopper words: ("price_max", 200) -> "under $200"; levels add their range."""
    if field == "subcategory":
        return _SUBCATEGORY_WORDS.get(value, str(value))
    if field == "brand":
        return " or ".join(value)
    if field in ("brand_exclude", "color_exclude"):
        return "not " + " or ".join(value)
    if field in ("color", "carrier"):
        return " or ".join(value)
    if field == "condition":
        return "renewed" if value == "renewed" else "new (not renewed)"
    if field == "category":
        return str(value)
    if field == "include_out_of_stock":
        return "including out of stock"
    if field == "product_type":
        return type_label(str(value))
    if field not in NUMERIC_FIELDS:  # a facet added to `Filters` that has no words of its own here yet
        return " or ".join(value) if isinstance(value, list) else str(value)
    attribute, side = NUMERIC_FIELDS[field]
    if isinstance(value, str):  # a level
        word = _LEVEL_WORDS.get(field, {}).get(value) or _spec_level(field, value) or f"{value} {field}"
        sub = filters.subcategory if filters else None
        if attribute == "price" and sub in (PHONES, ACCESSORIES):
            bound = levels.bound(field, value, sub)
            word += f" (under {money(bound)})" if side == "max" else f" ({money(bound)}+)"
        return word
    if attribute in spec_names():  # '55"+ screen', "4K+", "up to 1.5 kg weight"
        noun = "" if attribute == "resolution_p" else f" {attributes()[attribute].noun}"
        shown = format_value(attribute, value)
        return f"{shown}+{noun}" if field.endswith("_min") else f"up to {shown}{noun}"
    if side == "min":
        return f"{_num(field, value)}+" if attribute != "price" else f"over {money(value)}"
    return f"under {money(value)}" if attribute == "price" else f"at most {_num(field, value)}"


def constraint_labels(filters: Filters, levels: LevelTable = DEFAULT_LEVELS) -> list[str]:
    """Every active constraint as a chip label, in `FIELD_ORDER`."""
    return [constraint_label(f, v, filters, levels) for f, v in filters.active().items()]


def product_record(p: Product, position: int | None = None) -> dict[str, Any]:
    """The compact product dict the tools return and the UI shows as a card."""
    rec: dict[str, Any] = {}
    if position is not None:
        rec["pos"] = position
    rec.update({"id": p.id, "title": p.title[:120], "brand": p.brand, "price": p.price,
                "rating": p.average_rating, "reviews": p.rating_number, "subcategory": p.subcategory})
    if p.color:
        rec["color"] = p.color
    if p.storage_gb:
        rec["storage_gb"] = p.storage_gb
    if p.carriers:
        rec["carriers"] = p.carriers
    specs = {attributes()[a].noun: format_value(a, v) for a in spec_names() if (v := product_value(p, a)) is not None}
    if specs:
        rec["specs"] = specs  # '{"screen": "55\"", "resolution": "4K"}': what a card lists under the title
    if p.condition == "renewed":
        rec["condition"] = "renewed"
    if p.image_url:
        rec["image_url"] = p.image_url
    if p.url:
        rec["url"] = p.url
    if p.currency != "USD":
        rec["currency"] = p.currency
    if p.availability != "in_stock":
        rec["availability"] = p.availability
    return rec


def why_it_fits(p: Product, filters: Filters, topic: str = "") -> list[str]:
    """How a product meets each active constraint, in its own values ("Samsung", "black", "$149").

    Only called for products that satisfy `filters` (the search tool checks every hit with the
    attribute table), so each phrase is true of the product.
    """
    out: list[str] = []
    active = filters.active()

    def bounded(attribute: str) -> bool:
        return any(f in active for f in NUMERIC_PAIRS[attribute])

    if "brand" in active and p.brand:
        out.append(p.brand)
    if "color" in active and p.color:
        out.append(p.color)
    if bounded("storage_gb") and p.storage_gb:
        out.append(f"{p.storage_gb:g} GB")
    if "carrier" in active and p.carriers:
        out.append(", ".join(p.carriers))
    for attribute in spec_names():
        v = product_value(p, attribute)
        if v is not None and any(f"{attribute}_{side}" in active for side in ("min", "max")):
            out.append(_num(f"{attribute}_min", v))
    if "product_type" in active:
        out.append(str(active["product_type"]).replace("_", " "))
    if "condition" in active:
        out.append(p.condition)
    if bounded("price") and p.price is not None:
        out.append(money(p.price))
    if bounded("rating") and p.average_rating is not None:
        out.append(f"{p.average_rating:.1f} stars")
    if bounded("review_count") and p.rating_number is not None:
        out.append(f"{p.rating_number:,} ratings")
    words = [w for w in topic.lower().split() if len(w) > 2 and w not in _STOP]
    title = p.title.lower()
    hits = [w for w in words if w in title]
    if hits:
        out.append("mentions " + " ".join(dict.fromkeys(hits)))
    return out


def verified(table: AttributeTable, rows: list[int], filters: Filters) -> list[int]:
    """Keep only rows that satisfy every active constraint (a last guard before anything is shown)."""
    if filters.is_empty() or not rows:
        return rows
    mask = table.mask(filters)
    return [r for r in rows if mask[r]]
