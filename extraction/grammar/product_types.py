"""Product type: the kind of product the shopper names, in the serving catalog's own types and categories.

Runs only for catalogs beyond the paper's two phone subcategories (`categories.reads_types`); phone
catalogs keep the paper's subcategory behaviour exactly. The words are read by `extraction.categories`
("a notebook computer" -> laptop, "a bag for my laptop" -> bag, "tv wall mount" -> mount); a main type
leaves out the accessories made for it, because `Filters.product_type` matches the product's own kind.

The subcategory read from phone/accessory words in the same utterance ("bluetooth speaker" ->
"Cell Phone Accessories") is kept only where most of the catalog's products of that type sit in it;
otherwise it would hide the type's products filed elsewhere (speakers under "Speaker").
"""

from __future__ import annotations

from lexicon.words import plural

from ..categories import TypeRead, reads_types, resolve
from ..snapping import NOT_CARRIED
from .context import Turn
from .topic import ruled_out_words

# The subcategory read from the same words stays when at least this share of the type's products is in it.
SUBCATEGORY_SHARE = 0.8


def parse(t: Turn) -> None:
    vocab = t.vocab
    if not reads_types(vocab):
        return
    # Meaning is a fallback for a first request only: a refinement ("in black", "cheaper") must never turn
    # into a product type by similarity.
    first = t.state is None or (not t.state.product_type and not t.state.category)
    rest = _text(t)
    # "a point and shoot camera, not a case": the ruled-out words name no type (the camera is the head)
    low, _ = ruled_out_words(t.doc.low)
    said = t.spans.get("subcategory")
    if said and said in t.doc.low and said not in low:  # "not a case please": no accessories asked for
        t.update.set.pop("subcategory", None)
        t.spans.pop("subcategory")
    read = resolve(low, vocab, meaning_text=rest if first and _names_something(rest) else None)
    if read is None:
        return
    if read.absent:
        t.doc.warnings.append(NOT_CARRIED.format(what=plural(read.absent.replace("_", " "))))
        return
    _apply(t, read)


def _apply(t: Turn, read: TypeRead) -> None:
    if read.product_type:
        t.update.set["product_type"] = read.product_type
        t.spans["product_type"] = read.words
        sub = t.update.set.get("subcategory")
        share = t.vocab.type_subcategories.get(read.product_type, {}).get(sub, 0.0) if sub else 0.0
        if sub and share < SUBCATEGORY_SHARE:
            t.update.set.pop("subcategory")
            t.spans.pop("subcategory", None)
    elif read.category:
        t.update.set["category"] = read.category
        t.spans["category"] = read.words
        t.update.set.pop("subcategory", None)
        t.spans.pop("subcategory", None)


def _text(t: Turn) -> str:
    """The utterance less the spans other parsers took, for the meaning step (prices, colors, brands)."""
    return " ".join(t.doc.unread().split())


def _names_something(rest: str) -> bool:
    """A word of three letters or more is left once the constraints are read."""
    return any(len(w) > 2 and w.isalpha() for w in rest.split())
