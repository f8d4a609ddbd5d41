"""A bare question about the products on screen: "is there a headphone jack?", "waterproof?", "wireless charging?".

Such a message names no product ("does it", "the second one": agent/references.py reads those) and, read as a
search, changes no constraint: the grammar finds only a topic ("headphone jack"). Searched, it would replace
the list the shopper is asking about with products that mention the words, or be answered "I couldn't match
that". With products shown, a shopper asking it means them: it is answered from their listings, a verdict
for the product being discussed, or for each product shown. Words that ask for other products ("is there a
cheaper one?", "is there one with 5g?") or react ("really?", "why?") keep it a search or a reply. Words that
also name a product type ("is there a backlit keyboard?" about laptops) ask about the shown products when
their listings mention them (`part_of_shown`).

    >>> asks_about_shown("is there a headphone jack?"), asks_about_shown("waterproof?")
    (True, True)
    >>> asks_about_shown("is there one with 5g?"), asks_about_shown("really?"), asks_about_shown("a phone")
    (False, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extraction.grammar.offtopic import chatter_only
from lexicon.load import load
from lexicon.words import plural
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, Filters
from retrieval.roles import type_table

from .questions import question_terms


def asks_about_shown(utterance: str) -> bool:
    """True when `utterance` is a bare question about a feature (no product named, nothing asked for)."""
    return bool(asked_feature(utterance))


def asked_feature(utterance: str) -> str:
    """The feature a bare question asks about ("is there a backlit keyboard?" -> "backlit keyboard"), or ""."""
    t = " ".join((utterance or "").lower().replace("’", "'").split())
    lex = load("questions")
    m = lex.rx["bare_question"].match(t)
    if not m or chatter_only(t):
        return ""
    asked = (m.group("there") or m.group("short") or "").replace("?", " ").strip()
    words = set(asked.split())
    if not words or words & set(lex.words["not_a_feature"]):
        return ""
    return asked if question_terms(asked) else ""


# A type read from the question may be a part of what is shown ("is there a backlit keyboard?" about laptops):
# the fields such a reading changes.
TYPE_FIELDS = frozenset({"product_type", "subcategory", "category"})


def names_a_part(utterance: str, after: Filters, before: Filters) -> bool:
    """ "is there a backlit keyboard?" about laptops, "is there a case?" about phones: the question's words
    switched the search to an accessory type. Most shoppers asking it of products on screen mean them (is it
    backlit, does one come in the box); the answer says how to shop for the accessory instead."""
    if not asks_about_shown(utterance) or after.product_type == before.product_type and \
            after.subcategory == before.subcategory:
        return False
    if after.product_type and after.product_type != before.product_type:
        return type_table().info(after.product_type).accessory
    return after.subcategory == ACCESSORIES and before.subcategory != ACCESSORIES


def shop_instead(utterance: str) -> str:
    """What to say to shop for what the question named: "show me backlit keyboards"."""
    return f"show me {plural(asked_feature(utterance))}"


def part_of_shown(utterance: str, shown: Sequence[Product]) -> bool:
    """True when a bare question names something the shown listings themselves mention ("backlit keyboard"
    in a laptop's features): a question about them, though the words also name a product type."""
    asked = asked_feature(utterance)
    if not asked or not shown:
        return False
    rx = re.compile(r"(?<![a-z0-9])" + r"\W+".join(map(re.escape, asked.split())) + r"(?![a-z0-9])")
    return any(rx.search(" ".join([p.title, *p.features]).lower()) for p in shown)
