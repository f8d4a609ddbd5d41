"""A shopper's words for a kind of product -> the serving catalog's own product types and categories.

"a notebook computer", "earphones", "a telly", "juice pack" name kinds of products; a shop calls them by
its own names ("laptop", "headphones", "Electronics > Tv Video"). Three steps, exact first:

1. Words. Shopper phrases are rewritten to the title phrase they mean (lexicon/data/product_words.toml:
   "telly" -> "tv", "buds" -> "earbuds"), then `retrieval.roles.classify` reads the product type the way it
   reads a title: the head of the compound, what follows "for" is served ("a bag for my laptop" is a bag,
   "tv wall mount" a mount). The type counts only if the catalog carries it.
2. Category names. A phrase equal to a leaf of the catalog's category paths ("tablets" -> "Electronics >
   Tablet") sets `Filters.category` when no product type was read.
3. Meaning. When nothing matched and the vocabulary has an encoder (the packaged MiniLM the index uses),
   the phrase is compared with each catalog type (its name and a few typical titles) and each category
   leaf; a clear winner is taken. Vectors are computed on first use and kept on the vocabulary; without an
   encoder this step is skipped (synonyms only).

Catalogs whose subcategories are the paper's two ("Cell Phones", "Cell Phone Accessories") or a subset keep
the paper's behaviour: `reads_types` is False there and nothing here runs.

    >>> shopper_type("a bag for my laptop").product_type
    'bag'
    >>> shopper_type("i want a telly").product_type
    'tv'
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lexicon.load import load
from lexicon.words import singular
from retrieval.catalog import Product
from retrieval.facets import brand_key
from retrieval.filters import ACCESSORIES, PHONES
from retrieval.roles import classify, clean_title, type_table

if TYPE_CHECKING:
    from .vocabulary import Vocabulary

# Meaning fallback: the best label's cosine must reach this, and beat the runner-up by MARGIN. Set high on
# purpose: a wrong type is a hard filter. Probed on the Amazon India catalog, "something to keep my phone
# charged on a trek" came nearest to phones (0.50) and "cheaper ones" reached 0.42 against screen
# protectors, while "a device to read ebooks" -> tablet scored 0.47: a lower bar takes more wrong than right.
MEANING_MIN = 0.55
MEANING_MARGIN = 0.06
EXAMPLE_TITLES = 3  # typical titles per type in its meaning vector


@dataclass(frozen=True)
class TypeRead:
    """What the shopper's words name: a catalog product type and/or a category path, the words, and how."""

    product_type: str | None
    category: str | None
    words: str
    how: str  # "words" | "category" | "meaning"
    absent: str | None = None  # a type named that this catalog does not carry


def reads_types(vocab: Vocabulary) -> bool:
    """Does this catalog go beyond the paper's two phone subcategories (so product types are read)?"""
    if not vocab.product_types and not vocab.categories:
        return False
    return beyond_phones(vocab.subcategories)


def beyond_phones(subcategories: Sequence[str]) -> bool:
    """Subcategories other than the paper's two (or none at all): the catalog's product types are read."""
    return not subcategories or not set(subcategories) <= {PHONES, ACCESSORIES}


# A type needs this many products to be offered; fewer are misread titles more often than a real range.
_MIN_TYPE_PRODUCTS = 3
_EXAMPLES = 3


def catalog_types(products: Sequence[Product]) -> dict[str, Any]:
    """The catalog's product types (retrieval/roles.py), typical titles, subcategory shares and category
    paths: the `Vocabulary` fields extraction/categories.py reads."""
    by_type: dict[str, list[Product]] = {}
    paths: set[str] = set()
    specs: Counter[str] = Counter()
    for p in products:
        specs.update(p.specs or {})
        path = [c for c in (p.category_path or p.categories or []) if c]
        if path:
            paths.add(" > ".join(path))
        kind = classify(p.title, path).kind
        if kind:
            by_type.setdefault(kind, []).append(p)
    kept = {k: v for k, v in by_type.items() if len(v) >= _MIN_TYPE_PRODUCTS}
    examples = {k: [" ".join(p.title.split()[:12]) for p in sorted(v, key=lambda p: -(p.rating_number or 0))[:_EXAMPLES]]
                for k, v in kept.items()}
    shares = {k: {s: n / len(v) for s, n in Counter(p.subcategory for p in v if p.subcategory).items()}
              for k, v in kept.items()}
    counts = {k: dict(Counter(brand_key(p.brand) for p in v if p.brand)) for k, v in kept.items()}
    prices = {k: _median_price([p.price for p in v]) for k, v in kept.items()}
    return {"type_brand_counts": counts, "type_prices": {k: m for k, m in prices.items() if m},
            "product_types": sorted(kept), "type_examples": examples, "type_subcategories": shares,
            "categories": sorted(paths),
            "type_brands": {k: sorted({p.brand for p in v if p.brand}) for k, v in kept.items()}, "specs": sorted(a for a, n in specs.items() if n >= _MIN_TYPE_PRODUCTS)}


@functools.cache
def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    lex = load("product_words")
    table = {k.lower(): str(v).lower() for k, v in lex.maps["synonyms"].items()}
    keys = sorted(table, key=len, reverse=True)
    rx = re.compile(r"(?<![a-z0-9-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9-])")
    return rx, table


def rewrite(text: str) -> str:
    """Shopper phrases rewritten to title phrases ("a telly for the lounge" -> "a tv for the lounge")."""
    low = load("product_words").rx["not_a_product"].sub(" ", clean_title(text))
    rx, table = _synonyms()

    def sub(m: re.Match[str]) -> str:
        target = table[m.group(0)]
        if _squash(low[m.start():]).startswith(_squash(target)):  # "micro sd card" already says it
            return m.group(0)
        return target
    return rx.sub(sub, low)


def shopper_type(text: str) -> TypeRead | None:
    """The product type the words ask for, from the words alone (no catalog), or None."""
    low = rewrite(text)
    subs = load("subcategories").rx
    cut = load("product_words").rx["purpose"].search(low)
    role = classify(low[:cut.start()]) if cut else classify(low)
    if role.kind is None and cut:  # "to" led the request: "what to get for a 10 year old... a tablet"
        role = classify(low)
    if role.kind is None:
        return None
    mention = next((m for m in reversed(type_table().matches(low)) if m.type == role.kind), None)
    start = mention.start if mention else 0
    before = low[max(0, start - 40):start]
    if subs["product_question"].match(low) and subs["included_before"].search(before):
        return None  # "does it come with a charger?": what a product includes, not a request
    if _NEGATED.search(low[max(0, start - 25):start]):
        return None  # "not a case", "no cover needed": the type is ruled out, not asked for
    words = low[mention.start:mention.end] if mention else role.kind.replace("_", " ")
    return TypeRead(role.kind, None, words, "words")


def _median_price(prices: Sequence[float | None]) -> float | None:
    """The median of the known prices (robust to the misfiled cheap listings a type collects: laptop stands
    read as laptops), or None with fewer than `_MIN_TYPE_PRODUCTS`."""
    known = [float(x) for x in prices if x is not None and x > 0]
    return float(np.median(known)) if len(known) >= _MIN_TYPE_PRODUCTS else None


_NEGATED = re.compile(r"\b(?:not|no|without|don'?t want|do not want|never|except|other than|instead of)"
                      r"\s+(?:an?\s+|the\s+|any\s+)?(?:[\w-]+\s+)?$")


def resolve(text: str, vocab: Vocabulary, meaning_text: str | None = None) -> TypeRead | None:
    """The catalog's type or category for the shopper's words (see the module docstring), or None.

    `meaning_text`: the words to compare by meaning when no word matched (None: no meaning step); the
    caller passes the utterance less its constraints ("under 2000", "in black").
    """
    read = shopper_type(text)
    if read is not None:
        if read.product_type in vocab.product_types:
            return read
        cat = category_named(read.words, vocab) or category_named(read.product_type or "", vocab)
        if cat:
            return TypeRead(None, cat, read.words, "category")
        return TypeRead(None, None, read.words, "words", absent=read.product_type)
    cat = category_named(text, vocab)
    if cat:
        return TypeRead(None, cat, text, "category")
    if meaning_text and vocab.encoder is not None:
        return by_meaning(meaning_text, vocab)
    return None


def category_named(text: str, vocab: Vocabulary) -> str | None:
    """The category path whose leaf the text names word for word ("tablets" -> "Electronics > Tablet")."""
    toks = [singular(t) for t in re.findall(r"[a-z0-9]+", clean_title(text))]
    if not toks:
        return None
    joined = " " + " ".join(toks) + " "
    best: str | None = None
    for path in vocab.categories:
        leaf = [singular(t) for t in re.findall(r"[a-z0-9]+", path.split(">")[-1].lower())]
        if leaf and f" {' '.join(leaf)} " in joined and (best is None or path.count(">") > best.count(">")):
            best = path
    return best


def by_meaning(text: str, vocab: Vocabulary) -> TypeRead | None:
    """The catalog type or category nearest the phrase in meaning, when one is clearly nearest."""
    labels, vectors = _label_vectors(vocab)
    if not labels:
        return None
    q = np.asarray(vocab.encoder([text]), dtype=np.float32)[0]  # type: ignore[misc]
    sims = vectors @ (q / (np.linalg.norm(q) or 1.0))
    order = np.argsort(-sims)
    best = float(sims[order[0]])
    second = float(sims[order[1]]) if len(order) > 1 else -1.0
    if best < MEANING_MIN or best - second < MEANING_MARGIN:
        return None
    kind, name = labels[int(order[0])]
    if kind == "type":
        return TypeRead(name, None, text, "meaning")
    return TypeRead(None, name, text, "meaning")


def _label_vectors(vocab: Vocabulary) -> tuple[list[tuple[str, str]], np.ndarray]:
    """(("type" | "category", name) per row, unit vectors): computed on first use, kept on the vocabulary."""
    cached = vocab.__dict__.get("_category_vectors")
    if cached is not None:
        return cached
    labels: list[tuple[str, str]] = []
    texts: list[str] = []
    for t in vocab.product_types:
        labels.append(("type", t))
        examples = "; ".join(vocab.type_examples.get(t, [])[:EXAMPLE_TITLES])
        texts.append(f"{t.replace('_', ' ')}: {examples}" if examples else t.replace("_", " "))
    # Category leaves only for catalogs whose titles name no known types: elsewhere they restate the types
    # ("Cell Phones" beside "phone") and split the margin.
    leaves = {p.split(">")[-1].strip().lower() for p in vocab.categories}
    for path in vocab.categories if not vocab.product_types else []:
        leaf = path.split(">")[-1].strip()
        if leaf.lower() in leaves and not any(leaf.lower() == t.replace("_", " ") for t in vocab.product_types):
            labels.append(("category", path))
            texts.append(leaf)
            leaves.discard(leaf.lower())
    if not texts:
        out: tuple[list[tuple[str, str]], np.ndarray] = ([], np.zeros((0, 1), dtype=np.float32))
    else:
        vecs = np.asarray(vocab.encoder(texts), dtype=np.float32)  # type: ignore[misc]
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
        out = (labels, vecs)
    vocab.__dict__["_category_vectors"] = out
    return out


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text)
