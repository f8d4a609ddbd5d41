"""What the chat window and the HTTP API show beside an answer: buttons, card details, API cards and chips.

Pure functions over agent output (duck-typed `TurnResult`s and product records), testable without a browser:

    >>> [c["label"] for c in api_chips(Filters(price_max=300, brand=["Samsung"]))]
    ['under $300', 'Samsung']
    >>> api_chips(Filters(price_max=300))[0]["remove"]   # what removing it sends, as the shopper's own words
    'any price'
"""

from __future__ import annotations

from typing import Any

from retrieval.filters import FIELD_GROUPS, Filters
from tools.describe import constraint_label, money

# The chip groups and what removing each one says (the same words as typing it).
REMOVE_WORDS: dict[str, str] = {"price": "any price", "rating": "any rating", "reviews": "drop the reviews filter",
                                "subcategory": "any category", "brand": "any brand", "color": "any color",
                                "storage": "any storage", "carrier": "any carrier", "condition": "any condition"}
MAX_OFFERS = 4


def answer_actions(result: Any) -> list[dict[str, str]]:
    """Buttons under an answer, each sending `say` exactly as if typed: relaxation offers when nothing
    matched, then "show more" when more match than are shown, then "start over"."""
    actions: list[dict[str, str]] = []
    for offer in (result.relaxations or [])[:MAX_OFFERS]:
        label = str(offer.get("label") or "").strip()
        if label:
            actions.append({"say": label, "label": f"{label} ({int(offer.get('count') or 0):,})",
                            "icon": "sliders-horizontal"})
    if result.shown and result.matched > len(result.shown) and not result.relaxations:
        actions.append({"say": "show more", "label": "Show more", "icon": "chevrons-down"})
    if not result.filters.is_empty() or result.shown:
        actions.append({"say": "start over", "label": "Start over", "icon": "rotate-ccw"})
    return actions


def card_details(product: Any) -> dict[str, Any]:
    """What a card shows when its details open in place: facts as (label, value) pairs and a few features."""
    facts: list[list[str]] = []
    if product.brand:
        facts.append(["brand", str(product.brand)])
    if product.price is not None:
        facts.append(["price", format_money(product.price, getattr(product, "currency", "USD"))])
    if product.average_rating is not None:
        facts.append(["rating", f"{product.average_rating:.1f} stars from {product.rating_number or 0:,} reviews"])
    for name, label in (("color", "color"), ("storage_gb", "storage"), ("condition", "condition")):
        value = getattr(product, name, None)
        if value:
            facts.append([label, f"{value:g} GB" if name == "storage_gb" else str(value)])
    if product.carriers:
        facts.append(["carriers", ", ".join(product.carriers)])
    said = {label.lower() for label, _ in facts} | {value.lower() for _, value in facts}
    extra = [(str(k)[:40], str(v)[:120]) for k, v in (product.details or {}).items()
             if str(k).lower() not in said and str(v).lower() not in said]  # listings repeat brand, color...
    facts += [list(kv) for kv in extra[:6]]
    features = [str(f)[:200] for f in (product.features or []) if f][:5]
    return {"facts": facts, "features": features}


def format_money(value: float, currency: str | None = "USD") -> str:
    """"$19.99" for US dollars (the catalog default), "19.99 EUR" otherwise."""
    return money(value) if currency in (None, "", "USD") else f"{value:,.2f} {currency}"


def api_card(card: dict[str, Any]) -> dict[str, Any]:
    """One product of an answer for HTTP clients: stable keys, null where the catalog has no value."""
    out = {"id": str(card.get("id", "")), "position": card.get("pos"), "title": card.get("title") or "",
           "brand": card.get("brand"), "price": card.get("price"), "currency": card.get("currency") or "USD",
           "rating": card.get("rating"), "review_count": card.get("reviews"),
           "image_url": card.get("image_url"), "product_url": card.get("url"), "why": list(card.get("why") or [])}
    if card.get("variants_label"):
        out["variants_label"] = card["variants_label"]
    return out


def api_chips(filters: Filters) -> list[dict[str, str]]:
    """The constraints in force as chips: {"group", "label" (the agent's words), "remove" (what to send)}."""
    active = filters.active()
    chips = []
    for group, remove in REMOVE_WORDS.items():
        present = [f for f in FIELD_GROUPS[group] if f in active]
        if present:
            label = ", ".join(constraint_label(f, active[f], filters) for f in present)
            chips.append({"group": group, "label": label, "remove": remove})
    return chips
