"""Brand (and non-phone subcategory) lookups compiled once per catalog vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexicon.load import load
from lexicon.words import brand_parents, carriers, color_shades, default_brands, device_lines, product_lines
from retrieval.facets import BASE_COLORS, brand_key
from retrieval.filters import ACCESSORIES, PHONES

from ..vocabulary import COMMON_WORDS, Vocabulary


@dataclass
class Gazetteer:
    """Brand (and non-phone subcategory) lookups compiled once per vocabulary."""

    brands: dict[str, str]  # space-joined lower-case tokens -> canonical brand
    first_tokens: set[str]
    ambiguous: set[str]  # keys that are also English words: need brand context
    weak: set[str]  # keys the catalog mostly uses as ordinary title words: need an explicit brand cue
    fuzzy_keys: list[str]  # single-word, unambiguous brand keys that misspellings may snap to
    product_lines: set[str]  # keys that are product lines ("iphone"), not the brand itself
    max_len: int
    subcats: dict[str, str]  # extra (non-phone) subcategory names -> canonical
    has_phone_subcats: bool
    # A catalog without storage (or carriers, colors) gets no such constraints: they would empty the results.
    has_storage: bool = True
    has_carriers: bool = True
    has_colors: bool = True
    open_brands: bool = False  # non-strict vocabulary: "made by X" / "X brand only" accepts an unknown X
    known_tokens: frozenset[str] = frozenset()  # catalog words the typo repair must never touch
    # Makers the lexicon knows that this catalog does not sell (`default_brands` less the catalog's): keys of
    # `brands` the grammar reads ("what about huawei" lets the old brands go) and snapping then drops.
    outside: frozenset[str] = frozenset()


def tokens(text: str) -> list[str]:
    return load("brands").rx["token"].findall(text)


def gazetteer(vocab: Vocabulary) -> Gazetteer:
    """The gazetteer of `vocab`, built on first use and kept on the vocabulary until it changes."""
    cached = vocab.__dict__.get("_rules_gazetteer")
    sig = (len(vocab.brands), len(vocab.subcategories), id(vocab.brands), vocab.strict, len(vocab.weak_brands))
    if cached is not None and cached[0] == sig:
        return cached[1]
    brands, ambiguous, lines, outside = _brand_keys(vocab)
    weak = {" ".join(tokens(b.lower())) for b in vocab.weak_brands} | {brand_key(b) for b in vocab.weak_brands}
    subcats: dict[str, str] = {}
    for s in vocab.subcategories:
        if s in (PHONES, ACCESSORIES):
            continue
        low = " ".join(tokens(s.lower()))
        if low and low not in _generic():
            subcats[low] = s
            subcats[low + "s"] = s
    fuzzy_keys = [k for k in brands if " " not in k and len(k) >= 5 and k.isalpha() and k not in ambiguous
                  and k not in weak]
    shades = color_shades()
    g = Gazetteer(brands=brands, weak=weak - lines, fuzzy_keys=fuzzy_keys, first_tokens={k.split(" ")[0] for k in brands},
                  ambiguous=ambiguous, product_lines=lines,
                  max_len=max((k.count(" ") + 1 for k in brands), default=1), subcats=subcats,
                  has_phone_subcats=(not vocab.subcategories) or PHONES in vocab.subcategories
                  or ACCESSORIES in vocab.subcategories,
                  has_storage=bool(vocab.storage_gb), has_carriers=bool(vocab.carriers),
                  has_colors=bool(vocab.colors), open_brands=not vocab.strict,
                  known_tokens=frozenset(t for k in list(brands) + list(subcats) for t in k.split(" "))
                  | frozenset(c.lower() for c in vocab.colors) | frozenset(shades) | frozenset(BASE_COLORS),
                  outside=frozenset(outside))
    vocab.__dict__["_rules_gazetteer"] = (sig, g)
    return g


def _generic() -> set[str]:
    return COMMON_WORDS | set(BASE_COLORS) | {"grey"} | set(color_shades()) | {"unlocked", "prepaid"}


def _brand_keys(vocab: Vocabulary) -> tuple[dict[str, str], set[str], set[str], set[str]]:
    """(brand key -> canonical brand, ambiguous keys, product-line keys, keys of makers outside the catalog)."""
    brands: dict[str, str] = {}
    ambiguous: set[str] = set()
    lines: set[str] = set()
    generic = _generic()
    carrier_words = {a for aliases in carriers().values() for a in aliases}

    def add(alias: str, canonical: str, product_line: bool = False) -> None:
        toks = tokens(alias.lower())
        if not toks or len(toks) > 5:
            return
        key = " ".join(toks)
        if len(key) < 2 or key.isdigit() or key in carrier_words or key in ("phone", "phones", "case", "cases"):
            return
        brands.setdefault(key, canonical)
        if product_line:
            lines.add(key)
        if len(toks) == 1 and (key in generic or len(key) <= 2):
            ambiguous.add(key)
        elif len(toks) > 1 and all(t in generic for t in toks):
            ambiguous.add(key)

    for b in vocab.brands:
        add(b, b)
        k = brand_key(b)
        if k and k != b.lower():
            add(k, b)
        # A CamelCase brand is typed as two words too ("otter box", "pop sockets"); parts of 3+ letters only
        # ("boAt" is no "bo at").
        parts = re.split(r"(?<=[a-z])(?=[A-Z])", b)
        if len(parts) > 1 and all(len(p) >= 3 for p in parts):
            add(" ".join(parts), b)
    line_makers = product_lines()
    for line, parent in list(line_makers.items()) + list(device_lines().items()):
        canonical = vocab.brand(parent)
        if canonical:
            # The parent brand wins over a sub-brand listed on its own ("redmi" -> Xiaomi, not Redmi): a
            # filter on the parent also matches products sold under the sub-brand (facets.brand_keys).
            brands.pop(" ".join(tokens(line.lower())), None)
            add(line, canonical, product_line=True)
    outside: set[str] = set()
    if vocab.strict:
        # Makers the lexicon knows that this shop does not sell ("what about huawei" in a shop without Huawei):
        # read as brands, so a switch to one lets the old brands go; snapping then drops the unknown name
        # with a warning the assistant shows ("brand Huawei is not in the catalog").
        for b in default_brands():
            key = " ".join(tokens(b.lower()))
            if not vocab.brand(b) and key not in brands:
                add(b, b)
                outside.add(key)
    if vocab.brand("OnePlus"):
        add("one plus", vocab.brand("OnePlus"))  # the brand as it is said aloud ("no one plus please")
    for child, parent in brand_parents().items():
        canonical = vocab.brand(parent)
        if canonical and child not in brands:
            add(child, canonical, product_line=child in line_makers)
    return brands, ambiguous, lines, outside
