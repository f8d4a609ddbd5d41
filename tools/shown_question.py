"""A bare question about the products on screen: "is there a headphone jack?", "waterproof?", "wireless charging?".

Such a message names no product ("does it", "the second one": agent/references.py reads those) and, read as a
search, changes no constraint: the grammar finds only a topic ("headphone jack"). Searched, it would replace
the list the shopper is asking about with products that mention the words, or be answered "I couldn't match
that". With products shown, a shopper asking it means them: it is answered from their listings, a verdict
for the product being discussed, or for each product shown. Words that ask for other products ("is there a
cheaper one?", "is there one with 5g?") or react ("really?", "why?") keep it a search or a reply. Words that
also name a product type ask about the shown products when that type is an accessory ("is there a case?" about
phones: `switched_to_accessory`, the answer then says how to shop for cases) or when their listings mention
them ("is there a backlit keyboard?" about laptops: `part_of_shown`).

    >>> asked_feature("is there a headphone jack?"), asked_feature("waterproof?")
    ('headphone jack', 'waterproof')
    >>> asked_feature("is there one with 5g?"), asked_feature("really?"), asked_feature("a phone")
    ('', '', '')
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


def asked_feature(utterance: str) -> str:
    """The feature a bare question asks about ("is there a backlit keyboard?" -> "backlit keyboard"), or "" when
    `utterance` is no such question (it names a product, asks for other products, or reacts)."""
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


def switched_to_accessory(asked: str, after: Filters, before: Filters) -> bool:
    """ "is there a backlit keyboard?" about laptops, "is there a case?" about phones: the words of the bare
    question (`asked`, from `asked_feature`) switched the search to an accessory type. Most shoppers asking it
    of products on screen mean them (is it backlit, does one come in the box); the answer says how to shop for
    the accessory instead."""
    if not asked or after.product_type == before.product_type and after.subcategory == before.subcategory:
        return False
    if after.product_type and after.product_type != before.product_type:
        return type_table().info(after.product_type).accessory
    return after.subcategory == ACCESSORIES and before.subcategory != ACCESSORIES


def shop_instead(asked: str) -> str:
    """What to say to shop for what the bare question named: "show me backlit keyboards"."""
    return f"show me {plural(asked)}"


def part_of_shown(asked: str, shown: Sequence[Product]) -> bool:
    """True when the feature a bare question asks about (`asked`) is something the shown listings themselves
    mention ("backlit keyboard" in a laptop's features): a question about them, though the words also name a
    product type."""
    if not asked or not shown:
        return False
    rx = re.compile(r"(?<![a-z0-9])" + r"\W+".join(map(re.escape, asked.split())) + r"(?![a-z0-9])")
    return any(rx.search(" ".join([p.title, *p.features]).lower()) for p in shown)
