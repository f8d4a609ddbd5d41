"""Typed word lists of the lexicon that more than one layer reads (facets, grammar, entities, synthetic data).

One list of product lines and makers, carriers, colors and move names for the whole tree: retrieval
and extraction both read these, so a new product line or carrier alias is one line in a data file.

    >>> product_lines()["pixel"], brand_parents()["redmi"]
    ('Google', 'xiaomi')
    >>> carriers()["AT&T"][:2], color_shades()["navy"]
    (('at&t', 'att'), 'blue')
"""

from __future__ import annotations

import functools

from .load import files, load


@functools.cache
def product_lines() -> dict[str, str]:
    """Product-line word -> maker brand ("pixel" -> "Google")."""
    return dict(load("product_lines").maps["lines"])


@functools.cache
def phone_lines() -> frozenset[str]:
    """The product lines that are phones ("ipad", "airpods" are not)."""
    return frozenset(load("product_lines").words["phone_lines"])


@functools.cache
def device_lines() -> dict[str, str]:
    """Lines accessories name beyond the phone lines ("apple watch" -> "Apple"); not brand aliases."""
    return dict(load("product_lines").maps["device_lines"])


@functools.cache
def brand_parents() -> dict[str, str]:
    """Sub-brand or line key -> parent brand key ("redmi" -> "xiaomi")."""
    return dict(load("product_lines").maps["parents"])


def phone_makers() -> tuple[str, ...]:
    """Phone makers besides the line makers and parent brands (brand keys)."""
    return load("product_lines").words["phone_makers"]


def brand_noise() -> frozenset[str]:
    """Words stores add to a brand name ("electronics", "inc")."""
    return frozenset(load("product_lines").words["brand_noise"])


def default_brands() -> tuple[str, ...]:
    return load("product_lines").words["default_brands"]


@functools.cache
def carriers() -> dict[str, tuple[str, ...]]:
    """Canonical carrier -> the spellings that mean it (catalog values and shoppers alike)."""
    return {k: tuple(v) for k, v in load("carriers").maps["aliases"].items()}


@functools.cache
def spoken_carrier_aliases() -> dict[str, tuple[str, ...]]:
    """More spellings shoppers use ("factory unlocked", "cricket wireless")."""
    return {k: tuple(v) for k, v in load("carriers").maps["spoken_aliases"].items()}


def base_colors() -> tuple[str, ...]:
    return load("colors").words["base"]


@functools.cache
def color_shades() -> dict[str, str]:
    """Marketing color word -> base color ("navy" -> "blue")."""
    return dict(load("colors").maps["shades"])


@functools.cache
def moves() -> tuple[str, ...]:
    """The relative moves, in the order the grammar reads them."""
    return tuple(dict.fromkeys(r.move for r in load("moves").rules if r.move))


@functools.cache
def common_words() -> frozenset[str]:
    """Common English and shopping words (a brand spelled like one is ambiguous)."""
    return frozenset(load("fillers").words["common_words"])


@functools.cache
def attributes() -> dict[str, str]:
    """The grammar's attribute names -> `Filters` attributes ("reviews" -> "review_count")."""
    return dict(load("fields").maps["attributes"])


def attribute_name(attribute: str) -> str:
    """How an answer names an attribute: "ram_gb" -> "RAM", "screen_in" -> "screen size"."""
    return load("fields").maps["attribute_names"].get(attribute, attribute.replace("_", " "))


def field_words(field: str) -> str:
    """How an answer names a constraint it dropped: "price_max" -> "the price limit"."""
    return load("fields").maps["field_words"].get(field, field.replace("_", " "))


# Typo repair snaps a misspelling to the nearest keyword; on a tie the earlier one wins. These files come
# first, in this order, so that the shopper's word wins over a rarer one equally near: "pricer" is pricier
# (moves) not price, "reviewe" reviews (fillers) not reviewed, "revewed" reviewed (levels) not renewed,
# "otver" other (moves) not over; then the others in name order.
REPAIR_FIRST = ("moves", "fillers", "levels")


@functools.cache
def repair_keywords() -> tuple[str, ...]:
    """Every data file's typo-repair words (`repair = [...]`), `REPAIR_FIRST` files first."""
    out: dict[str, None] = {}
    for name in REPAIR_FIRST + tuple(f for f in files() if f not in REPAIR_FIRST):
        out.update(dict.fromkeys(load(name).repair))
    return tuple(out)


_IRREGULAR_PLURALS = {"mouse": "mice", "tv": "TVs", "memory": "memories", "battery": "batteries"}


def plural(noun: str) -> str:
    """A product-type noun in the plural, as labels print it: "laptop" -> "laptops", "smartwatch" ->
    "smartwatches", "mouse" -> "mice"; the last word of a phrase ("power bank" -> "power banks")."""
    head, _, last = noun.rpartition(" ")
    if last.endswith("s") and not last.endswith(("ss", "us")):
        return noun
    if last in _IRREGULAR_PLURALS:
        out = _IRREGULAR_PLURALS[last]
    elif last.endswith(("ch", "sh", "x", "z", "ss", "us")):
        out = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        out = last[:-1] + "ies"
    else:
        out = last + "s"
    return f"{head} {out}" if head else out


def singular(word: str) -> str:
    """A crude singular for matching words, not for printing: a trailing "s" off words of 4+ letters
    ("chargers" -> "charger", "cases" -> "case"), but not off "-ss" ("glass")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
