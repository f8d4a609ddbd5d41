"""A new product type starts a new search: what carries over from the last one, and what is said dropped.

"let's look at tablets instead" after laptops under 60,000 with 16 GB RAM from Dell: the budget still means
something (a price is a price), so do ratings, review counts, colors, the condition and exclusions; a RAM
bound or a screen size described a laptop, so it goes; a brand stays only where it makes the new type in
this catalog (Dell makes no tablet here: it goes, with a line saying so). The subcategory and category
paths of the old type go unless the same utterance states them or the new type lives there too.

Runs inside `state.apply_update` when the update sets a product type different from the one in force and
the extractor passes the catalog's `TypeFacts` (the rule extractor does, for catalogs beyond phones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrieval.facets import brand_key
from retrieval.filters import NUMERIC_FIELDS, NUMERIC_PAIRS

# Bounds of these attributes describe one kind of product; on a switch they go unless said again.
TYPE_SPECIFIC = tuple(f for attr, pair in NUMERIC_PAIRS.items()
                      if attr not in ("price", "rating", "review_count") for f in pair) + ("carrier",)
# The subcategory a new type keeps when at least this share of its products is filed there.
LIVES_THERE = 0.8


@dataclass(frozen=True)
class TypeFacts:
    """What the catalog says about its product types: the brands that make each (`brand_key`), and the share
    of each type's products per subcategory."""

    brands: dict[str, frozenset[str]] = field(default_factory=dict)
    subcategories: dict[str, dict[str, float]] = field(default_factory=dict)


def switch_type(data: dict[str, Any], sets: dict[str, Any], facts: TypeFacts) -> list[str]:
    """Drop from `data` (the state being updated) what does not carry to `sets["product_type"]`; the warning
    lines say what went. Fields the same update sets are never dropped."""
    new, old = sets.get("product_type"), data.get("product_type")
    if not new or new == old:
        return []
    dropped: list[str] = []
    if old:
        for f in TYPE_SPECIFIC:
            if f in data and f not in sets:
                data.pop(f)
                dropped.append(_label(f))
    for f in ("subcategory", "category"):
        if f in data and f not in sets and (old or facts.subcategories.get(new, {}).get(data[f], 0.0) < LIVES_THERE):
            data.pop(f)
    lines = []
    if "brand" in data and "brand" not in sets and new in facts.brands:
        makers = facts.brands[new]
        gone = [b for b in data["brand"] if brand_key(b) not in makers]
        if gone:
            kept = [b for b in data["brand"] if brand_key(b) in makers]
            if kept:
                data["brand"] = kept
            else:
                data.pop("brand")
            lines.append(f"no {' or '.join(gone)} {_plural(new)} in this shop: dropped the brand")
    if dropped:
        lines.insert(0, f"switched from {_plural(old)} to {_plural(new)}: cleared {', '.join(dict.fromkeys(dropped))}")
    return lines


def _label(name: str) -> str:
    attr = NUMERIC_FIELDS[name][0] if name in NUMERIC_FIELDS else name
    return {"ram_gb": "RAM", "screen_in": "screen size", "storage_gb": "storage", "battery_mah": "battery",
            "power_w": "wattage", "resolution_p": "resolution", "refresh_hz": "refresh rate",
            "weight_g": "weight"}.get(attr, attr.replace("_", " "))


def _plural(kind: str | None) -> str:
    words = (kind or "products").replace("_", " ")
    return words if words.endswith("s") else words + ("es" if words.endswith(("ch", "sh", "x")) else "s")
