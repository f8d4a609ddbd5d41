"""Questions about shown products: is the message a question, and which shown product(s) does it name?

"does the first pair have a mic?", "is no. 1 a 5g phone?", "any idea if #2 is waterproof", "the second one
has a charger, right?", "is the cheaper one waterproof?", "do any of these have a mic?": each names shown
products (by place, by number, by a ranking, by what they are, or all of them) and asks something the
listing can answer. Such a message is answered from the listing with a verdict, never with a new search
and never with the bare spec list. The question forms and reference words are data
(lexicon/data/questions.toml); ordinals and "the black one" stay with the other intents (agent/intents.py)
and come in as arguments.

    >>> is_question("any idea if the second one is waterproof?"), is_question("can you show me the first one")
    (True, False)
    >>> pick_reference("is the cheaper one waterproof?")
    ('cheapest', 'is it waterproof?')
    >>> about_all("which of them is waterproof?"), about_all("is the first one waterproof?")
    (True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.categories import rewrite
from lexicon.load import load
from retrieval.roles import kind_of

_SHORT = 8  # words
_SUPERLATIVE = re.compile(r"\bthe\s+(?:\w+est|most|least|best|highest|top)\b")


def is_question(t: str) -> bool:
    """True when the (lower-cased) message asks something: an auxiliary first ("does it..."), an embedded
    question ("any idea if..."), a tag ("..., right?"), a wh- word ("what's the battery like on #2"), or a
    question mark; requests that open like a question ("can you show me #2", "do you have it in blue") are not."""
    rx = load("questions").rx
    if rx["not_question"].search(t):
        return False
    # A bare question mark only on a short message ("the first one has a mic?"): a long request may end in one.
    return bool(rx["yes_no"].search(t) or rx["embedded"].search(t) or rx["tag"].search(t) or rx["wh"].search(t)
                or (t.rstrip().endswith("?") and len(t.split()) <= _SHORT))


def follow_up(t: str) -> bool:
    """ "and the second one?", "what about #3?", "same question for the last one": the previous question,
    asked again about another product (the message names a product and asks nothing itself)."""
    return bool(load("questions").rx["follow_up"].search(t))


def about_all(t: str) -> bool:
    """ "do any of these have a mic?", "which of them is waterproof", "which ones have 5g": every product shown."""
    return bool(load("questions").rx["everything"].search(t))


def names_other(t: str) -> bool:
    """ "which is the best samsung phone", "which phones have a mic": "which" with a product word and no "of
    these" asks for other products (a search), not about the ones shown."""
    if re.search(r"\b(?:of|in)\s+(?:them|these|those|the\s+(?:ones|results|options))\b|\b(?:these|those|they|them)\b", t):
        return False
    return kind_of(rewrite(t)) is not None


def plural(t: str) -> bool:
    """ "do they have a mic?", "are those waterproof": the products discussed (or every product shown)."""
    return bool(load("questions").rx["plural_ref"].search(t))


def singular(t: str) -> bool:
    """ "does it have 5g", "is that one unlocked": the product discussed last."""
    return bool(load("questions").rx["single_ref"].search(t))


def pick_reference(t: str) -> tuple[str | None, str]:
    """ "is the cheaper one waterproof?" -> ("cheapest", "is it waterproof?"): a shown product named by a
    ranking, and the message with that reference read as "it"; (None, t) when there is none."""
    m = load("questions").rx["pick_ref"].search(t)
    if not m:
        return None, t
    pick = next(name for name, v in m.groupdict().items() if v)
    return pick, t[:m.start()] + "it" + t[m.end():]


def numbered(t: str) -> list[int]:
    """Positions said as a noun and a number: "pair 2", "option three", "model no. 4" -> [2], [3], [4]."""
    # "one 10" is a count, not product 10
    nouns = "|".join(re.escape(w) for w in load("questions").words["reference_nouns"] if w not in ("one", "ones"))
    words = {w: int(v) for w, v in load("numbers").maps["word_numbers"].items() if 1 <= v <= 10}  # "option two"
    spelled = "|".join(words)
    found = re.finditer(rf"(?<!\bthe )\b(?:{nouns}|number)\s*(?:no\.?|number|#)?\s*(\d{{1,2}}|{spelled})\b"
                        rf"(?!\s*(?:(?:gb|tb|mp|hz|mah|inch|inches|in|w|k|stars?|of)\b|%|\$))", t)
    return [int(m.group(1)) if m.group(1).isdigit() else words[m.group(1)] for m in found]


@dataclass
class Asked:
    """What a question about shown products names: places, "it", a ranking, a description, or all of them."""

    positions: list[int]
    use_focus: bool = False
    pick: str | None = None
    describe: str | None = None
    all_shown: bool = False


def reference(t: str, positions: list[int], describe: str | None) -> Asked | None:
    """The shown products a question names, from the intents' own reading of places (`positions`) and
    descriptions (`describe`, "the samsung one"); None when it names none (then it is a search)."""
    if about_all(t):
        return Asked([], use_focus=True, all_shown=True)
    places = positions or numbered(t)
    if places:
        return Asked(places)
    pick, _ = pick_reference(t)
    if pick:  # "the cheaper one": of the two discussed or the first two shown; "the cheapest one": of all shown
        return Asked([], use_focus=True, pick=pick, all_shown=bool(_SUPERLATIVE.search(t)))
    if describe:
        return Asked([], describe=describe)
    if plural(t) and not singular(t):
        return Asked([], use_focus=True, all_shown=True)
    if singular(t):
        return Asked([], use_focus=True)
    return None
