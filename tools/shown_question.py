"""A bare question about the products on screen: "is there a headphone jack?", "waterproof?", "wireless charging?".

Such a message names no product ("does it", "the second one": agent/references.py reads those) and, read as a
search, changes no constraint: the grammar finds only a topic ("headphone jack"). Searched, it would replace
the list the shopper is asking about with products that mention the words, or be answered "I couldn't match
that". With products shown, a shopper asking it means them: it is answered from their listings, a verdict
for the product being discussed, or for each product shown. Words that ask for other products ("is there a
cheaper one?", "is there one with 5g?") or react ("really?", "why?") keep it a search or a reply.

    >>> asks_about_shown("is there a headphone jack?"), asks_about_shown("waterproof?")
    (True, True)
    >>> asks_about_shown("is there one with 5g?"), asks_about_shown("really?"), asks_about_shown("a phone")
    (False, False, False)
"""

from __future__ import annotations

from extraction.grammar.offtopic import chatter_only
from lexicon.load import load

from .questions import question_terms


def asks_about_shown(utterance: str) -> bool:
    """True when `utterance` is a bare question about a feature (no product named, nothing asked for)."""
    t = " ".join((utterance or "").lower().replace("’", "'").split())
    lex = load("questions")
    m = lex.rx["bare_question"].match(t)
    if not m or chatter_only(t):
        return False
    asked = m.group("there") or m.group("short") or ""
    words = set(asked.replace("?", " ").split())
    if not words or words & set(lex.words["not_a_feature"]):
        return False
    return bool(question_terms(asked))
