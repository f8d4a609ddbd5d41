"""Brand is the maker: carriers and resellers yield to the maker, spelling variants fold into one.

Two steps, because the second needs the whole catalog:

1. Per product (`maker_brand`, called by every feed reader): the brand field, or the store name when the
   brand field names a carrier or reseller that sells the phone ("Net10", "TracFone"), or names the
   store's own product line or model ("Galaxy Amp 2", "ONE PLUS 6T" in a Samsung / OnePlus store).
2. Per catalog (`fold_brands`, called by `load_catalog`): a reseller brand still left takes the maker its
   title starts with ("Net10 Samsung Galaxy ..."); spellings with the same key ("SAMSUNG", "Samsung
   Electronics") fold into the most frequent one; and a rare spelling with one letter missing, extra or
   swapped, or with a short suffix glued on ("SAMSNG", "SamsungTel.Inc."), folds into the frequent brand
   it misspells, so a shopper's "samsung" never snaps to a one-product misspelling.

The fuzzy step is guarded so that distinct brands with similar names stay apart: only a rare spelling
(at most `RARE_MAX` products) folds, only into a brand with `FREQUENT_RATIO` times as many products, only
when exactly one brand is that close, never by replacing a letter ("Cosco" is not "Cisco", "Mercury"
luggage is not "Merkury"), and never when the rare spelling's own products write it in their titles (a
maker spells its own name the way it means it: "Canton" speakers stay Canton next to Canon).

    >>> maker_brand("Net10", "Samsung Electronics")
    'Samsung'
    >>> fold_key("SamsungTel.Inc.")
    'samsungtel'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz.distance import DamerauLevenshtein, Indel

from .facets import PRODUCT_LINE_BRANDS, brand_key, display_brand

# Carriers and resellers that sell phones under their own name in the brand field (data, not logic).
RESELLERS: tuple[str, ...] = (
    "Net10", "Net10 Wireless", "TracFone", "TracFone Wireless", "Straight Talk", "Total Wireless",
    "Total by Verizon", "Simple Mobile", "Walmart Family Mobile", "Family Mobile", "Page Plus", "SafeLink Wireless",
    "Assurance Wireless", "Boost Mobile", "Cricket Wireless", "Virgin Mobile", "MetroPCS", "Metro by T-Mobile",
    "Verizon", "Verizon Wireless", "AT&T", "AT&T Prepaid", "T-Mobile", "Sprint", "U.S. Cellular",
    "Consumer Cellular", "H2O Wireless", "Ultra Mobile", "Good2Go Mobile", "Red Pocket Mobile", "Xfinity Mobile",
)
RARE_MAX = 3  # a spelling on more products than this is a brand in its own right, never folded by similarity
FREQUENT_RATIO = 5  # ... and folds only into a brand on at least this many times as many products (and >= 5)
MAX_SUFFIX = 3  # "samsungtel" is "samsung" + a short suffix; "sonyericsson" is another brand
_TITLES_KEPT = RARE_MAX  # titles remembered per spelling: only rare spellings need them


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9&]", "", name.lower())


_RESELLER_NAMES = frozenset(_compact(r) for r in RESELLERS)
# Keys of resellers whose name has no corporate word to drop ("TracFone" answers to "TracFone Wireless
# Inc."); "Total Wireless" answers only to its full name, as "Total" alone is an ordinary brand.
_RESELLER_KEYS = frozenset(brand_key(r) for r in RESELLERS if brand_key(r) == _compact(r))


def is_reseller(name: str | None) -> bool:
    """Does a brand field name a carrier or reseller rather than a maker?"""
    return bool(name) and (_compact(name) in _RESELLER_NAMES or brand_key(name) in _RESELLER_KEYS)


def fold_key(name: str | None) -> str:
    """The key spellings of one brand share (`facets.brand_key`: lower-case, corporate words removed)."""
    return brand_key(name)


def _extends(key: str, base: str) -> bool:
    """`key` is `base` plus a short suffix: a model or corporate tail ("oneplus6t", "samsungtel")."""
    return len(base) >= 4 and key.startswith(base) and 0 < len(key) - len(base) <= MAX_SUFFIX


def _product_line_of(name: str) -> str | None:
    first = name.lower().split()[0] if name.split() else ""
    return PRODUCT_LINE_BRANDS.get(first)


@lru_cache(maxsize=1 << 16)  # a catalog repeats a few thousand (brand, store) pairs over millions of rows
def maker_brand(brand: str | None, store: str | None) -> str | None:
    """The maker for one product, from its brand field and (Amazon) store name; see the module doc."""
    raw = display_brand(store, brand)
    if not raw or not store or not brand:
        return raw
    shop = display_brand(store, None)
    if not shop or is_reseller(shop) or brand_key(shop) == brand_key(raw):
        return raw
    if is_reseller(raw):
        return shop
    line_of = _product_line_of(raw)
    if _extends(brand_key(raw), brand_key(shop)) or (line_of and brand_key(line_of) == brand_key(shop)):
        return shop
    return raw


class _Branded(Protocol):
    brand: str | None
    title: str


@dataclass
class BrandCensus:
    """Brand spellings of a catalog with their product counts (and a few titles for the rare ones)."""

    counts: Counter[str] = field(default_factory=Counter)
    titles: dict[str, list[str]] = field(default_factory=dict)

    def add(self, brand: str | None, title: str) -> None:
        if not brand:
            return
        self.counts[brand] += 1
        kept = self.titles.setdefault(brand, [])
        if len(kept) < _TITLES_KEPT:
            kept.append(title)

    def folds(self) -> dict[str, str]:
        """Spelling -> the spelling it folds into (only spellings that change)."""
        by_key: dict[str, Counter[str]] = {}
        for spelling, n in self.counts.items():
            by_key.setdefault(fold_key(spelling), Counter())[spelling] = n
        canonical = {k: min(c.items(), key=lambda t: (-t[1], t[0]))[0] for k, c in by_key.items() if k}
        size = {k: sum(c.values()) for k, c in by_key.items() if k}
        titles = {k: [t for s in by_key[k] for t in self.titles.get(s, [])] for k in size}
        heads = {k: {_compact(s.split()[0]) for s in by_key[k] if s.split()} for k in size}
        target = _similar_keys(size, titles, heads)
        out: dict[str, str] = {}
        for key, spellings in by_key.items():
            if not key:
                continue
            into = canonical[target.get(key, key)]
            out.update({s: into for s in spellings if s != into})
        return out


def _similar_keys(size: dict[str, int], titles: dict[str, list[str]], heads: dict[str, set[str]]) -> dict[str, str]:
    """Rare key -> the one frequent key it is a typo or glued extension of (see the module doc's guards).

    `heads` holds the first word of each spelling of a key (compacted): an extension must be glued to the
    brand's own word ("SamsungTel.Inc."), not a word of its own ("Digital Nc" is not "Digital").
    """
    frequent = [k for k, n in size.items() if n >= FREQUENT_RATIO and not is_reseller(k)]
    buckets: dict[str, list[str]] = {}
    for k in frequent:
        buckets.setdefault(k[0], []).append(k)
    out: dict[str, str] = {}
    for key, n in size.items():
        if n > RARE_MAX or len(key) < 5 or is_reseller(key):
            continue
        if any(key in _compact(t) for t in titles.get(key, [])):
            continue  # the maker writes this spelling in its own titles: a brand, not a typo
        close = [f for f in buckets.get(key[0], []) if f != key and size[f] >= FREQUENT_RATIO * n
                 and (_typo(key, f) or (_extends(key, f) and any(h.startswith(key) for h in heads[key])))]
        if len(close) == 1:
            out[key] = close[0]
    return out


def _typo(key: str, other: str) -> bool:
    """One letter missing or extra ("samsng", "sunpack"), or two neighbours swapped. Not one letter
    replaced by another: that is how distinct brands differ ("cosco" / "cisco", "mercury" / "merkury")."""
    if min(len(key), len(other)) < 5:
        return False
    if Indel.distance(key, other, score_cutoff=1) <= 1:
        return True
    return sorted(key) == sorted(other) and DamerauLevenshtein.distance(key, other, score_cutoff=1) <= 1


def _title_maker(title: str, reseller: str, makers: dict[str, str]) -> str | None:
    """The catalog maker a title starts with, after the reseller's own name ("Net10 Samsung Galaxy ...").

    Only the start: further in, a brand is what an accessory fits ("... for Samsung") or a word that
    happens to be a brand ("Tracfone Net 10 Universal Accessory Kit").
    """
    words = re.findall(r"[a-z0-9&+]+", title.lower())
    own = _compact(reseller)
    for skip in range(1, 4):
        if "".join(words[:skip]) == own:
            words = words[skip:]
            break
    for n in (2, 1):
        maker = makers.get("".join(words[:n]))
        if maker:
            return maker
    return None


def fold_brands(products: Sequence[_Branded]) -> Counter[tuple[str, str]]:
    """Apply step 2 of the module doc to `products` in place; returns (old, new) brand -> product count."""
    changes: Counter[tuple[str, str]] = Counter()
    first = census(products)
    # Makers a title may name: brands of at least two products (a one-off brand may be any word).
    makers = {fold_key(b): b for b, n in sorted(first.counts.items(), key=lambda t: t[1])
              if n >= 2 and not is_reseller(b) and len(fold_key(b)) >= 3}
    for p in products:
        if p.brand and is_reseller(p.brand):
            maker = _title_maker(p.title, p.brand, makers)
            if maker and fold_key(maker) != fold_key(p.brand):
                changes[(p.brand, maker)] += 1
                p.brand = maker
    folds = census(products).folds()
    for p in products:
        if p.brand in folds:
            changes[(p.brand, folds[p.brand])] += 1
            p.brand = folds[p.brand]
    return changes


def census(products: Iterable[_Branded]) -> BrandCensus:
    c = BrandCensus()
    for p in products:
        c.add(p.brand, p.title)
    return c
