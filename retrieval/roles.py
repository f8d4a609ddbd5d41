"""What a product is, and whether it is an accessory of another product type, from its title and category path.

"HP 15s Laptop" is a laptop; "Arctic Hunter Laptop Bag" is a bag that serves laptops; "Mi TV Remote" is a
remote that serves TVs. A shopper who asks for "a notebook computer" wants the first and not the others
(unless they ask for the bag). The rules are model-free and the words are data (product_types.toml):

1. The title is cut at the first "for" / "compatible with" / "suitable for"...: what follows names what
   the product serves, not what it is ("Case for iPhone 14").
2. The part before is split at separators (",", "|", "(", " with "...). In the first piece that names a
   type, the LAST type named is the head (English compounds end in their head: "laptop bag", "tv remote",
   "smart watch charging cable"). A type named right after a spec ("50MP dual camera", "5000mAh battery")
   is a part of the product and counts only when nothing else is named; so do phone makers' names
   ("Redmi 10 (8GB RAM)" is a phone, "Redmi Power Bank" a power bank).
3. No type in the title: the category path's leaf, when it names one ("Cell Phones" -> phone).
4. The accessory score is a logistic sum of signals (weights in product_types.toml): the head is an
   accessory type or a main type, a served product is named, the category path says accessories, the
   title has main-product specs ("8GB RAM, 128GB Storage"). >= 0.5 means an accessory.

    >>> classify("Arctic Hunter Backpack 35L Laptop Bag for Office Travel")
    Role(kind='bag', serves='laptop', score=0.982)
    >>> classify("Samsung 138 cm (55 inches) Crystal 4K Series Ultra HD Smart LED TV").accessory
    False

Measured on amazon_in_electronics: 160 titles drawn at random and labelled by hand
(evals/devsets/in_accessory_labels.csv, ids and labels only; docs/attributes.md has the numbers).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

TYPES_FILE = Path(__file__).with_name("product_types.toml")
ACCESSORY_THRESHOLD = 0.5


@dataclass(frozen=True)
class Role:
    """kind: what the product is ("laptop", "case"; None when nothing says); serves: the product type it is
    made for ("laptop" for a laptop bag; None when none is named); score: accessory score in [0, 1]."""

    kind: str | None
    serves: str | None
    score: float

    @property
    def accessory(self) -> bool:
        return self.score >= ACCESSORY_THRESHOLD


@dataclass(frozen=True)
class TypeInfo:
    name: str
    accessory: bool
    serves: str | None
    weak: bool
    brand: bool
    categories: tuple[str, ...]
    accessory_when_serving: bool = False  # a battery is a product; a battery "for Canon DSLR" an accessory


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    type: str
    weak: bool  # often a part of another product ("50MP camera"): counts only when nothing else is named
    brand: bool  # a maker's name: the type when nothing else is named
    model: bool = False  # a model name matched by a pattern ("galaxy s22", "redmi note 9")
    serves: str | None = None  # a main type inside an accessory phrase ("laptop" in "laptop ram")


class TypeTable:
    """The word table compiled once: one alternation for every phrase (longest first), plus patterns."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.types: dict[str, TypeInfo] = {}
        phrases: dict[str, str] = {}
        patterns: list[tuple[str, str]] = []
        for name, spec in data["types"].items():
            target = spec.get("same_as", name)
            self.types[name] = TypeInfo(target, bool(spec.get("accessory")), spec.get("serves"),
                                        bool(spec.get("weak")), bool(spec.get("brand")),
                                        tuple(_norm_category(c) for c in spec.get("categories", [])),
                                        bool(spec.get("accessory_when_serving")))
            for w in spec.get("words", []):
                phrases[_squash(w)] = name
                if not w.endswith("s"):  # plurals: "extension cords", "smartwatches"
                    phrases.setdefault(_squash(w) + ("es" if w.endswith(("ch", "sh", "x")) else "s"), name)
            patterns += [(p, name) for p in spec.get("patterns", [])]
        self._phrase_type = phrases
        # First word of a phrase -> most words a phrase starting with it has; a title word that starts no
        # phrase costs one dict lookup.
        self._span: dict[str, int] = {}
        for spec in data["types"].values():
            for w in spec.get("words", []):
                words = _WORD.findall(w.lower())
                self._span[words[0]] = max(self._span.get(words[0], 1), len(words))
                self._span.setdefault("".join(words), 1)
                self._span.setdefault("".join(words) + "s", 1)
                self._span.setdefault("".join(words) + "es", 1)
        # Model-name patterns, each run only when its longest literal word is in the text (a substring
        # test costs far less than a regex scan).
        self._patterns = [(max(re.findall(r"(?<!\\)[a-z]{2,}", p), key=len),
                           re.compile(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])"), name) for p, name in patterns]
        self._leaf_type = {c: info.name for info in self.types.values() for c in info.categories}
        # An accessory phrase that names what it serves ("laptop ram", "phone holder", "tv remote").
        self._phrase_serves: dict[str, str] = {}
        for key, name in phrases.items():
            if self.types[name].accessory:
                served = self._served_in_phrase(key, data, name)
                if served:
                    self._phrase_serves[key] = served
        title = data["title"]
        fors = sorted(title["for_words"], key=len, reverse=True)
        self._for = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(f) for f in fors) + r")(?![a-z0-9])")
        self._sep = re.compile("|".join(re.escape(s) for s in title["separators"]))
        self.part_nouns: frozenset[str] = frozenset(title["part_nouns"])
        self._part_after = re.compile(r"[\s-]*(?:" + "|".join(map(re.escape, title["part_nouns"])) + r")(?![a-z0-9])")
        self._main_specs = re.compile("|".join(title["main_specs"]))
        self._cat_accessory = re.compile("|".join(title["category_accessory"]))
        self.weights: dict[str, float] = {k: float(v) for k, v in data["score"].items()}

    def canonical(self, name: str) -> str:
        return self.types[name].name

    def info(self, kind: str) -> TypeInfo:
        return self.types[kind]

    def matches(self, text: str) -> list[_Match]:
        """Type mentions in `text` (lower case), left to right; a longer phrase hides what it contains.

        Phrases are looked up as joined word n-grams ("smart watch", "smart-watch" and "smartwatch" all
        join to "smartwatch"), which is several times faster than one regex alternation of every phrase.
        """
        spans = [m.span() for m in _WORD.finditer(text)]
        words = [text[a:b] for a, b in spans]
        span, phrase_type = self._span, self._phrase_type
        found: list[_Match] = []
        count, taken = len(words), -1
        for i in [i for i, w in enumerate(words) if w in span]:  # only words that start some phrase
            if i <= taken:
                continue
            for n in range(min(span[words[i]], count - i), 0, -1):
                key = words[i] if n == 1 else "".join(words[i:i + n])
                name = phrase_type.get(key)
                if name:
                    taken = i + n - 1
                    if self.names_a_part(text, spans[i + n - 1][1]):
                        break  # "sd card slot", "headphone jack": a part of the product, not a product
                    if not (self.types[name].weak and any(c.isdigit() for w in words[max(0, i - 2):i] for c in w)):
                        found.append(self._match(spans[i][0], spans[i + n - 1][1], name, key))
                    break  # "50MP quad camera", "3-day battery": a weak word after a number is a part
        for anchor, pattern, name in self._patterns:
            if anchor in text:
                info = self.types[name]
                found += [_Match(m.start(), m.end(), info.name, info.weak, info.brand, model=True)
                          for m in pattern.finditer(text) if not _SIZE_AFTER.match(text, m.end())]
        if len(found) > 1:
            found.sort(key=lambda x: (x.start, x.start - x.end))
        out: list[_Match] = []
        for x in found:  # drop a mention inside a longer one ("tv" in "fire tv stick")
            if out and x.start < out[-1].end:
                continue
            out.append(x)
        return out

    def names_a_part(self, text: str, end: int) -> bool:
        """True when the words after `end` make the type word before it a part ("sd card| slot")."""
        return self._part_after.match(text, end) is not None

    def _match(self, start: int, end: int, name: str, key: str = "") -> _Match:
        info = self.types[name]
        return _Match(start, end, info.name, info.weak, info.brand, serves=self._phrase_serves.get(key))

    def _served_in_phrase(self, key: str, data: dict[str, Any], name: str) -> str | None:
        """The main type an accessory phrase starts with: "laptop ram" -> laptop, "phone holder" -> phone."""
        for spec_name, spec in data["types"].items():
            info = self.types[spec_name]
            if info.accessory or info.brand or info.weak:
                continue
            for w in spec.get("words", []):
                if key != _squash(w) and key.startswith(_squash(w)):
                    return info.name
        return None


@cache
def type_table() -> TypeTable:
    with TYPES_FILE.open("rb") as fh:
        return TypeTable(tomllib.load(fh))


def known_types() -> list[str]:
    """Every product type name ("laptop", "tv", "case"...), for validating a `product_type` filter."""
    return sorted({t.name for t in type_table().types.values()})


def kind_of(text: str) -> str | None:
    """The product type a shopper's words name ("a notebook computer" -> "laptop"), or None."""
    table = type_table()
    every = table.matches(clean_title(text))
    found = [m for m in every if not (m.weak or m.brand)] or every
    return found[-1].type if found else None


def classify(title: str, categories: Sequence[str] = ()) -> Role:
    """The kind of a product, what it serves, and its accessory score (see the module docstring)."""
    table = type_table()
    text = clean_title(title)
    cut = table._for.search(text)
    zone, rest = (text[:cut.start()], text[cut.end():]) if cut else (text, "")
    if cut and len(zone.strip()) < 3:  # "For Samsung M32 Charger ...": the title starts with "for"
        zone, rest = text, ""
    head, modifier = _head(table, zone)
    served = _served(table, rest)
    if head is None and rest:  # "Amozo Designed for iPhone 14 Cover | ...": the type follows the model
        after, _ = _head(table, table._sep.split(rest)[0])
        head = after if after and table.info(after).accessory else None
    cats = [_norm_category(c) for c in categories or [] if c]
    if head is None and not served:
        head = _category_kind(table, cats)
    # What it serves: a product named after "for" ("Camera Lens Protector for iPhone 15"), else the product
    # named before the head ("Laptop Bag for Men"), else an accessory named after "for", else the default.
    served_main = served if served and not table.info(served).accessory else None
    serves = served_main or modifier or served
    if head and not serves and table.info(head).accessory:
        serves = table.info(head).serves
    if serves == head:
        serves = None
    return Role(head, serves, _score(table, head, bool(modifier or served) and serves is not None, cats, text))


def _head(table: TypeTable, zone: str) -> tuple[str | None, str | None]:
    """(head type, the main type it serves when named before it) of the first piece that names a type.

    Priority: a plain type word (the last one in its piece), then a maker's name in the product's name,
    then a weak word ("camera", "ssd"). Pieces after " with " name parts, and so does a type followed by
    "included", "life", "slot"... ("33W Charger Included", "8 Days Battery Life", "Memory Card Slot").
    """
    parts = table._sep.split(zone)
    seps = [m.group(0) for m in table._sep.finditer(zone)]
    brand_pick: str | None = None
    weak_pick: str | None = None
    for i, piece in enumerate(parts):
        if not piece.strip():
            continue
        is_part = i > 0 and seps[i - 1].strip() in _PART_SEPARATORS
        found = [m for m in table.matches(piece) if not _NOT_THE_PRODUCT.match(piece[m.end:])]
        strong = [m for m in found if not (m.weak or m.brand or is_part)]
        if strong:
            head = strong[-1]
            accessories = [m for m in strong if table.info(m.type).accessory]
            if head.model and accessories:  # "Back Cover Redmi Note 9 Pro": a cover for a Redmi
                head = accessories[-1]
            if head.model and not accessories and not table._main_specs.search(zone):
                later = _later_accessory(table, parts[i + 1:], seps[i:])
                if later:  # "CEDO Galaxy Tab A7 Lite 8.7 Inch (2021) Tempered Glass": glass for a tablet
                    return later, head.type
            named = [m.serves or m.type for m in found if m.start < head.start
                     and (m.serves or not table.info(m.type).accessory)]
            modifier = head.serves or (named[-1] if named and table.info(head.type).accessory else None)
            return head.type, modifier
        if brand_pick is None and not is_part:
            brand_pick = next((m.type for m in found if m.brand), None)
        if weak_pick is None:
            weak_pick = next((m.type for m in reversed(found) if m.weak), None)
    return brand_pick or weak_pick, None


def _later_accessory(table: TypeTable, pieces: list[str], seps: list[str]) -> str | None:
    """The first accessory type named in the pieces after a model name (pieces after "with" excluded)."""
    for piece, sep in zip(pieces, seps, strict=False):
        if sep.strip() in _PART_SEPARATORS:
            continue
        for m in table.matches(piece):
            if table.info(m.type).accessory and not m.weak and not _NOT_THE_PRODUCT.match(piece[m.end:]):
                return m.type
    return None


_PART_SEPARATORS = ("with", "w/", "+")
_NOT_THE_PRODUCT = re.compile(r"^\W*(?:included|inside|in the box|in box|life|backup|capacity|slot|port|"
                              r"support|mode|quality|resolution|friendly|not included|sold separately|"
                              r"to be purchased|purchased separately)\b")
_SIZE_AFTER = re.compile(r"(?:\.\d+)?\s*(?:cm|cms|inch|inches|\"|''|mm)(?![a-z])")  # "Redmi 80 cm (32 inches)" is a TV size


def _served(table: TypeTable, rest: str) -> str | None:
    """The first main product type named after "for" / "compatible with" (an accessory type if none)."""
    if not rest:
        return None
    found = table.matches(rest)
    main = [m for m in found if not table.info(m.type).accessory]
    ranked = [m for m in main if not (m.weak or m.brand)] or main or found  # "Remote for OnePlus ... Smart TV": a TV
    return ranked[0].type if ranked else None


def _category_kind(table: TypeTable, cats: list[str]) -> str | None:
    return table._leaf_type.get(cats[-1]) if cats else None


def _score(table: TypeTable, kind: str | None, serves_named: bool, cats: list[str], text: str) -> float:
    w = table.weights
    logit = w["bias"]
    if kind is not None:
        info = table.info(kind)
        accessory = info.accessory or (info.accessory_when_serving and serves_named)
        logit += w["head_accessory"] if accessory else w["head_main"]
    if serves_named:
        logit += w["serves_named"]
    if any(table._cat_accessory.search(c) for c in cats):
        logit += w["category_accessory"]
    leaf_kind = _category_kind(table, cats)
    if leaf_kind and not table.info(leaf_kind).accessory:
        logit += w["category_main"]
    if table._main_specs.search(text[:160]):
        logit += w["main_specs"]
    return round(1.0 / (1.0 + math.exp(-logit)), 3)


# Mojibake and typography in scraped titles: curly quotes, "â€" for a double prime, non-breaking spaces.
_CLEAN = str.maketrans({"\u201d": '"', "\u201c": '"', "\u2033": '"', "\u2019": "'", "\u00a0": " ", "\u200e": ""})


def clean_title(text: str) -> str:
    return " ".join((text or "").translate(_CLEAN).replace("â€", '"').lower().split())


_WORD = re.compile(r"[a-z0-9]+")


def _squash(phrase: str) -> str:
    return "".join(_WORD.findall(phrase.lower()))


@lru_cache(maxsize=4096)  # a catalog has few distinct category names and repeats them on every product
def _norm_category(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", str(name).lower())).strip()
