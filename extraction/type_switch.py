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

from lexicon.words import attribute_name, plural
from retrieval.facets import brand_key
from retrieval.filters import NUMERIC_FIELDS, NUMERIC_PAIRS

# Bounds of these attributes describe one kind of product; on a switch they go unless said again.
TYPE_SPECIFIC = tuple(f for attr, pair in NUMERIC_PAIRS.items()
                      if attr not in ("price", "rating", "review_count") for f in pair) + ("carrier",)
# The subcategory a new type keeps when at least this share of its products is filed there.
LIVES_THERE = 0.8
# A brand makes a type in this catalog when it has at least this many products of it, or when the type is
# small enough that one is this share of it: one "boAt laptop" among 300 laptops is a misfiled laptop bag.
MAKER_PRODUCTS = 2
MAKER_SHARE = 0.05
# A price limit under the new type's median / FAR (or a minimum over median * FAR) leaves only odd listings
# of it (a laptop stand read as a laptop): on a switch such a bound goes. Medians, not low percentiles, because
# a type's cheapest listings are often misfiled accessories.
FAR = 10.0


@dataclass(frozen=True)
class TypeFacts:
    """What the catalog says about its product types: the brands that make each (`brand_key`), and the share
    of each type's products per subcategory."""

    brands: dict[str, frozenset[str]] = field(default_factory=dict)
    subcategories: dict[str, dict[str, float]] = field(default_factory=dict)
    # type -> brand key -> its products of that type (when known, it decides who makes a type)
    brand_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # type -> its median price: a budget far from it empties a new type
    prices: dict[str, float] = field(default_factory=dict)

    def makers(self, kind: str) -> frozenset[str] | None:
        """Brand keys that make `kind` here (None: unknown)."""
        counts = self.brand_counts.get(kind)
        if not counts:
            return self.brands.get(kind)
        total = sum(counts.values())
        return frozenset(b for b, n in counts.items() if n >= MAKER_PRODUCTS or n >= MAKER_SHARE * total)


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
    lines = _budget(data, sets, facts.prices.get(new), new) if old else []
    makers = facts.makers(new)
    if "brand" in data and "brand" not in sets and makers is not None:
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


def _budget(data: dict[str, Any], sets: dict[str, Any], median: float | None, new: str) -> list[str]:
    """Drop a price bound (not said now) far from what the new type costs: "under 1500" said for earbuds
    means nothing for laptops (a median of 37,000 here)."""
    if median is None or "price_min" in sets or "price_max" in sets:
        return []
    lines = []
    cap, floor = data.get("price_max"), data.get("price_min")
    if isinstance(cap, int | float) and not isinstance(cap, bool) and cap * FAR < median:
        data.pop("price_max")
        lines.append(f"{_plural(new)} here cost around {median:,.0f}: dropped the price limit of {cap:,.0f}")
    if isinstance(floor, int | float) and not isinstance(floor, bool) and floor > median * FAR:
        data.pop("price_min")
        lines.append(f"{_plural(new)} here cost around {median:,.0f}: dropped the minimum price of {floor:,.0f}")
    return lines


def _label(name: str) -> str:
    attr = NUMERIC_FIELDS[name][0] if name in NUMERIC_FIELDS else name
    return attribute_name(attr)


def _plural(kind: str | None) -> str:
    return plural((kind or "products").replace("_", " "))
