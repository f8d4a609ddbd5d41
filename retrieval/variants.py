"""Variants of one model: a group key per product, and what a group's members differ in.

Shop feeds say which listings are variants of one product (`item_group_id`, the Shopify handle); Amazon
listings do not (each color, storage size and renewed copy is its own `parent_asin`), so the key falls back
to the model name read from the title: the words before the first storage size, color, carrier, condition
or "with"/"for", without part codes ("SM-G975F") and device words ("smartphone"), plus a year or a
generation and "5g" when the title names one. The words are data (lexicon/data/variants.toml, colors, carriers).

    >>> title_key("Apple iPhone 12, 64GB, Blue - Unlocked (Renewed)", "Apple", "Cell Phones")
    'apple iphone 12'
    >>> title_key("Samsung Galaxy S10+ Plus (128GB, 8GB) 6.4\\" AMOLED", "Samsung", "Cell Phones")
    'samsung galaxy s10 plus'

Accessories are keyed by the whole title less colors, sizes and pack counts: "Case for iPhone 12" and
"Case for iPhone 13" are two products, "Case for iPhone 12 - Black" and "- Blue" one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lexicon.load import load
from lexicon.words import base_colors, brand_parents, carriers, color_shades, product_lines

from .catalog import Product

PHONES = "Cell Phones"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9.&/+'-]*|[|,()\[\]]|\s-\s")
_SEPARATORS = {"|", ",", "(", ")", "[", "]", "-"}
_LETTERS_DIGITS = re.compile(r"^([a-z]{3,})(\d+[a-z]?)$")  # "note9" -> "note 9", but "s10" stays


@dataclass(frozen=True)
class _Words:
    stop: frozenset[str]
    drop: frozenset[str]
    colors: frozenset[str]
    condition: frozenset[str]
    storage: re.Pattern[str]
    spec: re.Pattern[str]
    pack: re.Pattern[str]
    code: re.Pattern[str]
    generation: re.Pattern[str]
    network: re.Pattern[str]
    lines: dict[str, str]  # product-line word -> maker brand key ("moto" -> "motorola")


@functools.cache
def _words() -> _Words:
    lex = load("variants")
    carrier_words = {w for spellings in carriers().values() for s in spellings for w in s.split()}
    colors = set(base_colors()) | set(color_shades()) | set(lex.sets["shade"])
    lines = {k: v.lower() for k, v in product_lines().items() if " " not in k}
    lines.update({k: v for k, v in brand_parents().items() if k != v})
    return _Words(stop=frozenset(lex.sets["stop"]) | frozenset(carrier_words - {"and", "by", "&"}),
                  drop=frozenset(lex.sets["drop"]), colors=frozenset(colors),
                  condition=frozenset(lex.sets["condition"]), storage=lex.rx["storage"], spec=lex.rx["spec"],
                  pack=lex.rx["pack"], code=lex.rx["code"], generation=lex.rx["generation"], network=lex.rx["network"],
                  lines=lines)


def _clean(title: str) -> str:
    w = _words()
    text = title.lower().replace("’", "'")
    text = re.sub(r"(?<=[a-z0-9])\+(?=\s|$|[,)(])", " plus", text)  # "S10+" -> "s10 plus"
    text = w.storage.sub(" , ", text)  # a size ends the model name like a comma does
    text = w.spec.sub(" , ", text)
    return w.pack.sub(" , ", text)


def _model_tokens(text: str, phone: bool) -> list[str]:
    """The model-name words of a cleaned title: leading noise skipped, then words up to the first stop."""
    w = _words()
    out: list[str] = []
    for raw in _TOKEN.findall(text):
        tok = raw.strip()
        tok = tok.strip("'.!")  # "motogo!" -> "motogo"
        if not tok:
            continue
        if tok in _SEPARATORS or tok in w.stop or tok in w.colors or tok in w.condition:
            if phone and _has_model(out):
                break
            continue
        if tok in w.drop or w.code.match(tok):
            continue
        m = _LETTERS_DIGITS.match(tok)
        out += [m.group(1), m.group(2)] if m else [tok]
    return [t for i, t in enumerate(out) if i == 0 or t != out[i - 1]]  # "s10 plus plus" -> "s10 plus"


def _has_model(tokens: list[str]) -> bool:
    """At least one word that is not a maker or a line name ("samsung galaxy" is not a model yet)."""
    w = _words()
    return any(t not in w.lines and t not in w.lines.values() for t in tokens)


def title_key(title: str, brand: str | None, subcategory: str | None) -> str | None:
    """The model key of a title, or None when no model name can be read (the product stays alone)."""
    w = _words()
    phone = subcategory == PHONES
    text = _clean(title)
    tokens = _model_tokens(text, phone)
    if not tokens or not _has_model(tokens):
        return None
    maker = (brand or "").lower().split()[0] if brand else ""
    head = tokens[0]
    if head in w.lines:
        tokens = [w.lines[head], *tokens]
    elif maker and head != maker and head not in w.lines.values():
        tokens = [maker, *tokens]
    if phone:
        gen = w.generation.search(title)
        extras = [(gen.group(1) or f"gen{gen.group(2)}") if gen else None, "5g" if w.network.search(title) else None]
        tokens += [x for x in extras if x and x not in tokens]
    return " ".join(tokens)


def group_key(p: Product) -> str:
    """The group of `p`: the feed's group id, else the model key of its title, else the product alone."""
    if p.item_group_id:
        return f"group:{p.item_group_id}"
    key = title_key(p.title, p.brand, p.subcategory)
    return f"model:{key}" if key else f"id:{p.id}"


class VariantIndex:
    """Group keys for every row of a catalog, and the rows of each group (built once per engine)."""

    def __init__(self, products: Sequence[Product]):
        self.products = products
        self.keys: list[str] = [group_key(p) for p in products]
        self.members: dict[str, list[int]] = {}
        for row, key in enumerate(self.keys):
            self.members.setdefault(key, []).append(row)

    def key(self, row: int) -> str:
        return self.keys[row]

    def variants(self, row: int, allowed: Any = None) -> dict[str, Any]:
        """What the group of `row` comes in (among `allowed` rows, a boolean mask, when given)."""
        rows = [r for r in self.members[self.keys[row]] if allowed is None or allowed[r]]
        return describe([self.products[r] for r in rows], self.products[row])


def describe(members: Sequence[Product], shown: Product) -> dict[str, Any]:
    """{"colors": [...], "storage": ["64 GB", ...], "renewed": bool, "count": n, "label": "..."}."""
    colors = sorted({(p.color or "").lower() for p in members if p.color})
    sizes = sorted({p.storage_gb for p in members if p.storage_gb})
    renewed = any(p.condition == "renewed" for p in members)
    new = any(p.condition != "renewed" for p in members)
    out: dict[str, Any] = {"colors": colors, "storage": [_size(s) for s in sizes], "renewed": renewed,
                           "count": len(members)}
    out["label"] = label(colors, sizes, shown, renewed, new) if len(members) > 1 else ""
    return out


def label(colors: Sequence[str], sizes: Sequence[float], shown: Product, renewed: bool, new: bool) -> str:
    """"also in: 3 colors, 64/128 GB, renewed" (only what differs from the shown product)."""
    parts = []
    if len(colors) > 1:
        parts.append(f"{len(colors)} colors")
    if len(sizes) > 1:
        parts.append("/".join(f"{s:g}" if s < 1024 else f"{s / 1024:g}T" for s in sizes) + " GB")
    if renewed and shown.condition != "renewed":
        parts.append("renewed")
    elif new and shown.condition == "renewed":
        parts.append("new")
    return "also in: " + ", ".join(parts) if parts else ""


def _size(gb: float) -> str:
    return f"{gb / 1024:g} TB" if gb >= 1024 else f"{gb:g} GB"
