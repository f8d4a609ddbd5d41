"""Normalisation of facet values: brand, color, storage, carrier, condition, subcategory.

Catalogs spell the same thing many ways ("Samsung Electronics", "SAMSUNG"; "Midnight Black";
"Unlocked for All Carriers"; "128 GB"). Ingestion and filter extraction both go through these
functions so a filter value and a product value meet in one canonical form.

    >>> brand_key("Samsung Electronics")
    'samsung'
    >>> color_families("Prism Crush Black")
    ['black']
    >>> parse_storage_gb("Redmi 10 (8GB RAM, 128GB Storage)")
    128.0
    >>> parse_carriers("T-Mobile, Unlocked for All Carriers")
    ['T-Mobile', 'Unlocked']
"""

from __future__ import annotations

import re

from lexicon.load import load
from lexicon.numbers import storage_sizes
from lexicon.words import base_colors, brand_noise, brand_parents, carriers, color_shades, product_lines

from .filters import ACCESSORIES, PHONES

# ------------------------------------------------------------------------------------------------ brand
# Words that stores add to a brand name; removing them lets "Samsung Electronics" match "Samsung".
_BRAND_NOISE = brand_noise()
# Sub-brands and product lines that belong to a parent brand: a filter on the parent matches them.
BRAND_PARENTS = brand_parents()
# Product-line words a shopper uses instead of the brand ("what about Pixel instead?").
PRODUCT_LINE_BRANDS = product_lines()


def brand_key(name: str | None) -> str:
    """Lower-case alphanumeric key of a brand with corporate suffixes removed ("" for none)."""
    if not name:
        return ""
    words = re.findall(r"[a-z0-9&+]+", name.lower())
    kept = [w for w in words if w not in _BRAND_NOISE]
    return "".join(kept or words)


def brand_keys(name: str | None) -> list[str]:
    """All keys a product's brand answers to: its own and its parent brand's ("redmi" -> redmi, xiaomi)."""
    key = brand_key(name)
    if not key:
        return []
    keys = [key]
    parent = BRAND_PARENTS.get(key)
    if parent and parent != key:
        keys.append(parent)
    return keys


def display_brand(store: str | None, details_brand: str | None) -> str | None:
    """The brand to show: details.Brand when present (the manufacturer), else the store name cleaned."""
    raw = (details_brand or store or "").strip()
    if not raw:
        return None
    words = raw.split()
    kept = [w for w in words if re.sub(r"[^a-z0-9]", "", w.lower()) not in _BRAND_NOISE]
    out = " ".join(kept or words)
    # Normalise shouting ("SAMSUNG") but keep deliberate mixed case ("OnePlus", "boAt", "realme").
    if out.isupper() and len(out) > 3:
        out = out.title()
    return out


# ------------------------------------------------------------------------------------------------ color
BASE_COLORS = base_colors()
# Marketing words and spellings mapped to a base color; used only when no base color word is present,
# so "Coral Blue" stays blue and "Orchid Gray" stays gray.
COLOR_SYNONYMS = color_shades()


def color_families(color: str | None) -> list[str]:
    """Base colors named by a (marketing) color string, in order of appearance; [] when none."""
    if not color:
        return []
    words = re.findall(r"[a-z]+", color.lower())
    found = [w if w != "grey" else "gray" for w in words if w in BASE_COLORS or w == "grey"]
    if not found:
        found = [COLOR_SYNONYMS[w] for w in words if w in COLOR_SYNONYMS]
    out: list[str] = []
    for c in found:
        if c not in out:
            out.append(c)
    return out


# ------------------------------------------------------------------------------------------------ storage
def parse_storage_gb(text: str | None) -> float | None:
    """Storage size in GB from "128 GB", "1TB", "8GB RAM, 128GB Storage" (RAM is skipped); None if absent.

    When several sizes appear the largest wins: titles list RAM before storage ("4GB+64GB").
    """
    if not text:
        return None
    sizes = storage_sizes(text)
    return round(max(sizes), 3) if sizes else None


# ------------------------------------------------------------------------------------------------ carrier
# Canonical carrier names and the spellings that mean them (matched on word boundaries, lower-case).
CARRIERS: dict[str, tuple[str, ...]] = carriers()
_CARRIER_PATTERNS = [
    (name, re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![a-z0-9])"))
    for name, aliases in CARRIERS.items()
]


def parse_carriers(text: str | None) -> list[str]:
    """Canonical carriers named in a string, in canonical order; "Metro by T-Mobile" is not also T-Mobile."""
    if not text:
        return []
    low = text.lower()
    found = [name for name, pat in _CARRIER_PATTERNS if pat.search(low)]
    if "Metro by T-Mobile" in found and "T-Mobile" in found and low.count("t-mobile") <= 1 and "metro by" in low:
        found.remove("T-Mobile")
    if "Total Wireless" in found and "Verizon" in found and "total by verizon" in low and low.count("verizon") == 1:
        found.remove("Verizon")
    return found


# ------------------------------------------------------------------------------------------------ condition


def parse_condition(*texts: str | None) -> str:
    """'renewed' when any text says renewed / refurbished / pre-owned, else 'new'."""
    renewed = load("conditions").rx["catalog_renewed"]
    return "renewed" if any(t and renewed.search(t) for t in texts) else "new"


# ------------------------------------------------------------------------------------------------ subcategory
def derive_subcategory(categories: list[str], title: str, main_category: str | None = None) -> str | None:
    """"Cell Phones" or "Cell Phone Accessories" from the category path, else from the title.

    Outside phones the leaf of the category path is kept (e.g. "Laptop"), so other catalogs still get a
    usable subcategory facet; None when nothing says what the product is.
    """
    cats = [c.strip() for c in categories or [] if c and c.strip()]
    lowered = [c.lower() for c in cats]
    if "cell phones" in lowered:
        return PHONES
    in_phone_dept = any("cell phone" in c for c in lowered) or (main_category or "").lower().startswith("cell phone")
    if in_phone_dept and (any("accessor" in c for c in lowered) or len(cats) > 1):
        return ACCESSORIES
    rx = load("subcategories").rx
    accessory = bool(rx["catalog_accessory"].search(title or ""))
    phone = bool(rx["catalog_phone"].search(title or ""))
    # "Case for iPhone 14" names a phone but is an accessory: an accessory word or "for <phone>" wins.
    if accessory and (in_phone_dept or phone):
        return ACCESSORIES
    if phone and not accessory and not rx["catalog_for_phone"].search(title or ""):
        return PHONES
    if in_phone_dept:
        return ACCESSORIES if accessory else PHONES
    leaf = cats[-1] if len(cats) > 1 else None
    return leaf
