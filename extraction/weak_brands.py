"""Brands that are ordinary words in a catalog: "Pack", "USB", "Room" as the brand of one product.

Catalogs that take a title's first word as the brand have thousands of such junk brands. A shopper who
types "pack" means a pack, not the brand; `Vocabulary.weak_brands` lists them so the rule grammar matches
them only after an explicit cue ("made by", "brand").
"""

from __future__ import annotations

import re

from retrieval.facets import brand_key

ORDINARY_WORD_ZIPF = 2.8  # "pack" 4.7, "tripod" 3.2, "pecan" 2.9 are words; "anker" 2.5, "belkin" 2.5 are names


def distinctive_name(key: str) -> bool:
    """A purely alphabetic brand key that is not a common English word (by word frequency).

    Such a name in a shopper's message means the brand even when the catalog sells one product of it.
    """
    if not key.isalpha() or len(key) < 4:
        return False
    from wordfreq import zipf_frequency  # lazy: it costs 0.1 s of start-up

    return zipf_frequency(key, "en") < ORDINARY_WORD_ZIPF


def is_weak(brand: str, count: int, other_titles: int | None, n: int) -> bool:
    """A brand name that is probably an ordinary word in this catalog (see `Vocabulary.weak_brands`).

    Real brands are the brand of many products and rarely appear in other products' titles; junk brands
    (a title's first word taken as the brand) are the brand of one or two products and appear in hundreds
    of titles. Thresholds scale with the catalog: "rare" is under 10 products per 10,000.
    """
    key = brand_key(brand)
    if not key or not re.search(r"[a-z]", key):
        return True
    if distinctive_name(key):
        return False  # "anker", "otterbox", "belkin": rare in a catalog, but never an ordinary word
    rare = max(2.0, 10.0 * n / 10000)
    if other_titles is None:  # no titles to compare with: only rarity in a big catalog
        return n >= 500 and count <= 2
    if count < rare and other_titles > 2 * count:
        return True
    return n >= 500 and count <= 2
