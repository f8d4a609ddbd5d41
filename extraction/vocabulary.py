"""Snap extracted filter values to the values a catalog actually has.

Every extractor (rules, seq2seq, LLM) produces values in a shopper's words or a model's guesses:
"samsng", "pixel", "Samsung Electronics", "navy", "256 gigs", "$1,200", "smartphone". `Vocabulary.snap`
turns them into the catalog's canonical values, validates each field on its own, drops what cannot be
understood with a warning, and repairs min > max contradictions. It never raises.

    >>> vocab = Vocabulary.default()
    >>> f, warnings = vocab.snap({"brand": ["samsng", "pixel"], "color": "navy", "storage_gb_min": "256 gigs",
    ...                           "price_max": "$1,200", "subcategory": "smartphone", "bogus": 1})
    >>> f.active()
    {'price_max': 1200.0, 'subcategory': 'Cell Phones', 'brand': ['Samsung', 'Google'], 'color': ['blue'], \
'storage_gb_min': 256.0}
    >>> warnings
    ["unknown filter field 'bogus' dropped"]

Policy for values absent from the catalog (documented in docs/state_rules.md): a brand that matches no
catalog brand, even fuzzily, is dropped (a wrong brand empties the results, and models hallucinate
brands); a valid color family or carrier the catalog lacks is kept with a warning (the shopper did say
it; retrieval then explains the empty result and offers relaxations). `Vocabulary.default()` is not
strict: it keeps unknown brands that look like names, because without a catalog we cannot know.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lexicon.load import load
from lexicon.numbers import parse_number, parse_storage, words_to_number
from lexicon.words import common_words, default_brands
from retrieval.catalog import Product, price_currency
from retrieval.facets import (
    BASE_COLORS,
    BRAND_PARENTS,
    CARRIERS,
    COLOR_SYNONYMS,
    PRODUCT_LINE_BRANDS,
    brand_key,
)
from retrieval.filters import (
    ACCESSORIES,
    LEVELS,
    PHONES,
    Filters,
)

from .categories import beyond_phones, catalog_types
from .snapping import snap_filters
from .type_switch import TypeFacts
from .weak_brands import is_weak

# Brands a phones shop without a catalog should know: phone makers first, then accessory makers.
DEFAULT_BRANDS: tuple[str, ...] = default_brands()
DEFAULT_STORAGE_GB: tuple[float, ...] = (8, 16, 32, 64, 128, 256, 512, 1024)
# Common English and shopping words (lexicon/data/fillers.toml). A brand spelled like one of these
# ("Nothing", "Noise", "Simple", "Case") is ambiguous: the rule extractor matches it only when clearly used
# as a brand, and the non-strict default vocabulary never accepts such a word as an unknown brand.
COMMON_WORDS: frozenset[str] = common_words()
# Fuzzy brand matching: how similar (0-100) a word must be to a catalog brand. 85 lets "samsng", "motorla"
# and "onepls" through and keeps "phone" or "charger" from becoming "Honor" or "Anker".
BRAND_CUTOFF = 85.0
# A numeric storage value is moved to the nearest catalog size only within this relative distance
# ("250" -> 256) so "100 GB" does not silently become 128.
STORAGE_SNAP_TOLERANCE = 0.05


@dataclass
class Vocabulary:
    """The canonical values of one catalog's facets (or a built-in default for phones)."""

    brands: list[str]
    colors: list[str]
    carriers: list[str]
    subcategories: list[str]
    storage_gb: list[float]
    strict: bool = True  # drop brands that are not in `brands`; False keeps unknown name-like brands
    # Brands whose name is more often an ordinary title word than a brand in this catalog ("Pack", "USB",
    # "Room": catalogs that take the first title word as the brand). Snapping accepts them; the rule
    # extractor matches them only after an explicit cue ("made by", "brand", "by").
    weak_brands: list[str] = field(default_factory=list)
    # Catalogs beyond the paper's two phone subcategories (extraction/categories.py): the product types the
    # catalog carries, a few typical titles of each, the share of each type's products per subcategory,
    # the category paths ("Electronics > Tv Video"), and an optional text encoder (texts -> vectors) for
    # matching a shopper's words to them by meaning. Empty for phone catalogs: the paper's behaviour.
    product_types: list[str] = field(default_factory=list)
    type_examples: dict[str, list[str]] = field(default_factory=dict)
    type_subcategories: dict[str, dict[str, float]] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)  # attributes with units the catalog states (ram_gb...)
    type_brands: dict[str, list[str]] = field(default_factory=dict)  # type -> brands that make it here
    type_brand_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # type -> brand key -> products
    type_prices: dict[str, float] = field(default_factory=dict)  # type -> median price
    # The catalog's price currency: a price said in another one is converted (extraction/currency.py);
    # "" (no catalog) reads amounts as said.
    currency: str = ""
    encoder: Callable[[list[str]], Any] | None = field(default=None, repr=False, compare=False)
    _brand_by_key: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _fuzzy_keys: list[str] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.brands = _clean(self.brands)
        self.colors = [c.lower() for c in _clean(self.colors)]
        self.carriers = _clean(self.carriers)
        self.subcategories = _clean(self.subcategories)
        self.weak_brands = _clean(self.weak_brands)
        sizes: list[float] = []
        for v in self.storage_gb or []:
            try:
                x = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(x) and x > 0:
                sizes.append(x)
        self.storage_gb = sorted(set(sizes))
        for b in self.brands:
            self._brand_by_key.setdefault(brand_key(b), b)
        self._fuzzy_keys = [k for k in self._brand_by_key if len(k) >= 4]

    # ------------------------------------------------------------------------------------------ builders
    @classmethod
    def from_table(cls, table: Any) -> Vocabulary:
        """From an `AttributeTable` (its `.vocabulary()`); rare brands count as weak (no titles to compare)."""
        v = table.vocabulary()
        brands = list(v.get("brand", []))
        weak: list[str] = []
        try:
            postings = table.postings["brand"]
            n = int(table.size)
            counts = {b: len(postings.get(brand_key(b), ())) for b in brands}
            weak = [b for b in brands if is_weak(b, counts[b], None, n)]
        except (AttributeError, KeyError, TypeError):
            pass
        return cls(brands=brands, colors=list(v.get("color", [])),
                   carriers=list(v.get("carrier", [])), subcategories=list(v.get("subcategory", [])),
                   storage_gb=[float(s) for s in v.get("storage_gb", [])], weak_brands=weak,
                   currency=str(getattr(table, "currency", "") or ""))

    @classmethod
    def from_products(cls, products: Sequence[Product]) -> Vocabulary:
        """From products directly; the most frequent spelling of each brand key is the display name."""
        spellings: dict[str, Counter[str]] = {}
        colors: set[str] = set()
        carriers: set[str] = set()
        subcats: list[str] = []
        sizes: set[float] = set()
        for p in products:
            key = brand_key(p.brand)
            if key:
                spellings.setdefault(key, Counter())[str(p.brand).strip()] += 1
            colors.update(c.lower() for c in p.colors)
            carriers.update(p.carriers)
            if p.subcategory and p.subcategory not in subcats:
                subcats.append(p.subcategory)
            if p.storage_gb and p.storage_gb >= 1:
                sizes.add(float(p.storage_gb))
        # Most frequent spelling; ties go to the shorter, not-shouting one ("Samsung" over "SAMSUNG", "Samsung Inc").
        brands = sorted((max(c, key=lambda s, c=c: (c[s], -len(s), not s.isupper())) for c in spellings.values()),
                        key=str.lower)
        # How often each brand word appears in the titles and first features of products of other brands
        # ("pack" in "Pack of 2", "fur" in "faux fur lining").
        title_words: Counter[str] = Counter()
        for p in products:
            own = brand_key(p.brand)
            text = " ".join([p.title or ""] + [str(f) for f in (p.features or [])[:5]]).lower()[:800]
            title_words.update(w for w in set(re.findall(r"[a-z0-9]+", text)) if w != own)
        n = len(products)
        weak = [b for b in brands if is_weak(b, sum(spellings[brand_key(b)].values()),
                                              title_words.get(brand_key(b), 0), n)]
        types = catalog_types(products) if beyond_phones(subcats) else {}
        return cls(brands=brands, colors=sorted(colors), carriers=sorted(carriers), subcategories=sorted(subcats),
                   storage_gb=sorted(sizes), weak_brands=weak, currency=price_currency(products), **types)

    @classmethod
    def default(cls) -> Vocabulary:
        """A phones-shop vocabulary for use without a catalog (not strict about brands)."""
        return cls(brands=list(DEFAULT_BRANDS), colors=list(BASE_COLORS), carriers=list(CARRIERS),
                   subcategories=[PHONES, ACCESSORIES], storage_gb=list(DEFAULT_STORAGE_GB), strict=False)

    def type_facts(self) -> TypeFacts | None:
        """What a product-type switch needs to know (extraction/type_switch.py); None for phone catalogs."""
        if not self.product_types:
            return None
        cached = self.__dict__.get("_type_facts")
        if cached is None:
            cached = TypeFacts(brands={t: frozenset(brand_key(b) for b in bs) for t, bs in self.type_brands.items()},
                               subcategories=self.type_subcategories, brand_counts=self.type_brand_counts,
                               prices=self.type_prices)
            self.__dict__["_type_facts"] = cached
        return cached

    # ------------------------------------------------------------------------------------------ lookups
    def brand(self, text: str) -> str | None:
        """Canonical catalog brand for a brand-ish string, or None ("samsng" -> "Samsung", "pixel" -> "Google")."""
        raw = str(text or "").strip()
        if not raw or len(raw) > 80:
            return None
        key = brand_key(raw)
        if not key:
            return None
        if key in self._brand_by_key:
            return self._brand_by_key[key]
        low = raw.lower()
        line = PRODUCT_LINE_BRANDS.get(low) or PRODUCT_LINE_BRANDS.get(key)
        if line is None:
            first = low.split()[0] if low.split() else ""
            line = PRODUCT_LINE_BRANDS.get(first)
        if line is not None:
            return self._brand_by_key.get(brand_key(line), None if self.strict else line)
        parent = BRAND_PARENTS.get(key)
        if parent and parent in self._brand_by_key:
            return self._brand_by_key[parent]
        if len(key) >= 4 and self._fuzzy_keys:
            from rapidfuzz import (  # lazy: only a misspelt brand needs it, and it costs start-up time
                fuzz,
                process,
            )

            hit = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=BRAND_CUTOFF)
            if hit is not None:
                return self._brand_by_key[hit[0]]
        words = load("subcategories").sets
        generic = key in COMMON_WORDS or key in words["phone_words"] or key in words["accessory_words"] \
            or key in BASE_COLORS
        if not self.strict and not generic and re.fullmatch(r"[A-Za-z][\w&.+' -]{1,39}", raw):
            return raw
        return None

    def subcategory(self, text: str) -> str | None:
        raw = str(text or "").strip()
        if not raw:
            return None
        for s in self.subcategories:
            if s.lower() == raw.lower():
                return s
        low = re.sub(r"\s+", " ", raw.lower())
        words = load("subcategories").sets
        target = PHONES if low in words["phone_words"] else ACCESSORIES if low in words["accessory_words"] else None
        if target is None and low.rstrip("s") != low:
            for s in self.subcategories:
                if s.lower() == low.rstrip("s"):
                    return s
        if target is None:
            return None
        if target in self.subcategories or not self.subcategories:
            return target
        return None

    def storage(self, value: Any) -> float | None:
        """GB from 256, "256", "256 gigs", "256gb", "1tb"; snapped to a catalog size when within 5%."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            gb = float(value)
        else:
            s = str(value).strip().lower()
            if s in LEVELS:
                return None
            parsed = parse_storage(s)
            if parsed is None:
                return None
            gb = parsed
        if not math.isfinite(gb) or gb <= 0 or gb > 65536:
            return None
        if self.storage_gb:
            nearest = min(self.storage_gb, key=lambda x: abs(x - gb))
            if abs(nearest - gb) <= STORAGE_SNAP_TOLERANCE * nearest:
                return nearest
        return round(gb, 3)

    # ------------------------------------------------------------------------------------------ snap
    def snap(self, filters: Filters | dict) -> tuple[Filters, list[str]]:
        """Validated, canonical `Filters` plus warnings for everything dropped or changed. Never raises
        (the field-by-field rules are in extraction/snapping.py)."""
        return snap_filters(self, filters)


def _clean(values: Any) -> list[str]:
    """Non-empty stripped strings, first spelling kept (case-insensitive), None and blanks dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for x in values or []:
        if x is None:
            continue
        s = str(x).strip()
        if s and s.lower() not in seen:
            seen.add(s.lower())
            out.append(s)
    return out


__all__ = ["Vocabulary", "parse_number", "words_to_number", "BRAND_CUTOFF", "DEFAULT_BRANDS",
           "COLOR_SYNONYMS"]
