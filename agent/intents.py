"""What a shopper's message asks for, in the offline policy's terms (no model: word patterns).

Only the conversational moves live here (greeting, help, thanks, "show more", references to shown
products). Everything about *what* the shopper wants goes through the filter extractor.

    >>> i = classify("compare the first two"); (i.kind, i.positions, i.compare)
    ('details', [1, 2], True)
    >>> i = classify("is no. 1 a 5g phone?"); (i.kind, i.positions, i.question)
    ('details', [1], 'is no. 1 a 5g phone?')
    >>> classify("screen guard for the second one").ref
    '2'
    >>> classify("the cheaper of those two").pick
    'cheapest'
    >>> classify("what about pixel instead?").kind
    'search'
    >>> classify("is it unlocked?").question
    'is it unlocked?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage, HumanMessage

from lexicon.load import load
from tools.compare import aspect_of, flipped
from tools.fits import accessory_kind
from tools.questions import plain_question, question_terms

from . import references

_ORDINALS = {
    "first": 1, "1st": 1, "frist": 1, "top": 1, "second": 2, "2nd": 2, "secnd": 2, "seccond": 2, "secound": 2,
    "third": 3, "3rd": 3, "thrid": 3, "fourth": 4, "4th": 4, "forth": 4, "fifth": 5, "5th": 5, "sixth": 6,
    "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
    "last": -1,
}
_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "both": 2}
_GREETING = re.compile(r"^(hi+|hello+|hey+|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)( there| sift)?[!.\s]*$")
_HELP = re.compile(r"^(help|\?+|what can you do|how does (this|it) work|what (do|can) i (say|ask)|commands|"
                   r"what is this|who are you)[?!.\s]*$")
_THANKS = re.compile(r"^(ok(ay)?\s*,?\s*)?(thanks?|thank you|thx|ty|cheers|great,? thanks|perfect,? thanks?)"
                     r"( (so much|a lot))?[!.\s]*$")
_MORE_WORDS = {"more", "next", "others", "other", "mor", "moar", "else"}
_MORE_FILLER = {"show", "me", "more", "next", "page", "please", "pls", "plz", "some", "options", "results", "see",
                "load", "any", "other", "others", "ones", "can", "you", "i", "the", "ok", "okay", "shwo", "mor",
                "moar", "and", "yes", "sure", "what", "else", "got", "have", "u", "a", "few", "let", "lets", "let's",
                "give", "do", "there", "is", "are"}
_PICKS = (
    (re.compile(r"\b(cheap(er|est)|less expensive|lower price|more affordable|cheapo)\b"), "cheapest"),
    (re.compile(r"\b(pricier|priciest|more expensive|most expensive|expensiv\w*)\b"), "priciest"),
    (re.compile(r"\b(better|best|higher|highest|top)[ -]?rated\b|\bbetter reviews\b|\brated (better|higher)\b"),
     "best_rated"),
    (re.compile(r"\b(more|most) (reviews|ratings|popular)\b|\bmost reviewed\b"), "most_reviewed"),
)
_DEICTIC = re.compile(r"\b(those|these|them|it|that one|this one|that|this|either|the two|both)\b")
_ABOUT = re.compile(r"\b(tell me (more )?about|details?|more (info|information) (on|about)|what about|specs?|"
                    r"describe|show me|how about|info on|is|does|which)\b")


@dataclass
class Intent:
    # greeting | help | thanks | more | details | sort (an order and nothing else) | search
    # | accessory_for (accessories for a shown product: "a case for the first one"; `ref` says which)
    kind: str
    positions: list[int] = field(default_factory=list)
    use_focus: bool = False
    pick: str | None = None
    compare: bool = False
    question: str | None = None  # a question about the referenced product(s), answered from their listing
    describe: str | None = None  # "the black one" -> "black": the shown product with these words
    sort: str | None = None  # a requested result order (`retrieval.search.SORTS`)
    ref: str | None = None  # accessory_for: a position in the list ("1", "-1"), "it" (the product discussed) or words
    # that describe a shown product ("samsung" for "the samsung one")
    compare_on: str | None = None  # "which has the biggest battery?": an aspect of tools/compare.py to rank shown on
    fact: str | None = None  # "... she's on verizon": a fact about the shopper, for the extractor, beside a question
    all_shown: bool = False  # "do any of these have a mic?": the question is about every product shown
    buy: bool = False  # "i'll take the second one", "add it to my cart": the shopper chose; say how to buy it


_REF = r"(?:it|that|this|they|these|those|that one|this one|the (?:[a-z0-9+]+ ){1,2}one)"
# "the black one", "the samsung one", "the 128gb one": a shown product named by what it is, not where it is.
_DESCRIBED = re.compile(r"\bthe ((?:[a-z0-9+]+ ){0,1}[a-z0-9+]+) one\b")
_NOT_DESCRIPTORS = set(_ORDINALS) | {"other", "same", "next", "previous", "right", "best", "cheaper", "cheapest",
                                     "better", "pricier", "priciest", "only", "new", "one", "this", "that", "last",
                                     "more", "expensive", "most", "least", "second", "third"}
# "is it unlocked?", "does the second one have 5g", "can they do wireless charging", "how much storage does it have"
_QUESTION = re.compile(
    r"^(?:(?:and|so|but|ok(?:ay)?|hmm+|also|wait|oh)[,\s]+)*"
    r"(?:(?:is|are|was|does|do|did|can|could|will|would|has|have)\s+" + _REF + r"\b"
    r"|(?:how (?:much|many|big|long|good)|what|which)\b.*\b(?:does|do|is|are|can)\s+" + _REF + r"(?:\s+\w+){0,3}\s*\??$"
    # "what's the battery like on the first one?", "how's the camera on it", "what about the screen of that one"
    r"|(?:what'?s|what is|how'?s|how is|how are|what are|what about)\s+(?:the\s+)?\w+(?:\s+\w+)?\s+(?:like\s+)?"
    r"(?:on|of|for|in|with)\s+" + _REF + r"\s*\??$)")
# ... but "do they come in blue?" or "is it available in red" asks for other products: a refinement
# (lexicon/data/questions.toml, read by the extraction grammar too).
def _refine_question() -> re.Pattern[str]:
    return load("questions").rx["asks_for_other"]


# "which has the biggest battery?", "which of these is lightest", "which one's got the best camera": a
# superlative about the products on screen. "which phone has the best camera" names no shown product: a search.
_SUPERLATIVE = re.compile(
    r"^(?:(?:and|so|but|ok(?:ay)?|hmm+|also|then)[,\s]+)*(?:which|what)(?: one| ones| of (?:them|these|those|the \w+))?"
    r"(?:'s| is| has| have| got| does| comes with| charges| lasts| runs)(?: got| the| a)?\s+(?:the\s+)?"
    r"(?:best|better|biggest|bigger|largest|larger|most|more|longest|longer|lightest|lighter|heaviest|heavier|"
    r"smallest|smaller|highest|higher|greatest|least|lowest|fastest|loudest|louder|sharpest|sharper)\b[\w\s]{0,30}[?!.\s]*$")


# "which one would you recommend?", "which should i buy", "what's your pick": the best pick among those shown.
_RECOMMEND = re.compile(
    r"\b(?:which|what)(?: one| ones| phone| of (?:them|these|those))?(?: would| do| should| could)? (?:you )?"
    r"(?:recommend|suggest|pick|choose|go with|go for|get)\b"
    r"|\bwhich (?:one |phone |of (?:them|these|those) )?should i (?:buy|get|choose|pick|go with|go for)\b"
    r"|\bwhat(?:'s|s| is) your (?:pick|recommendation|favou?rite|top pick)\b"
    r"|\bwhich (?:one |of (?:them|these|those) )?is (?:the )?(?:best|better)(?: one| choice| option| value| deal)?\s*[?!.]*$"
    r"|^(?:any |your )?recommendations?\s*[?!.]*$")
_SORT_VERB = r"(?:sort(?:ed)?|order(?:ed)?|rank(?:ed)?|arrange)\s+(?:them\s+|it\s+|results\s+)?(?:by|on|according to)\s+"
_SORTS = (
    ("price_desc", re.compile(r"\b(?:most expensive|priciest|highest price[ds]?|pricier) (?:ones? )?first\b"
                              r"|\bprice\b[^.?!]{0,15}\b(?:highest|most expensive|descending|high to low)\b"
                              r"|(?:^|\bthe )(?:most expensive|priciest)\b"
                              r"|\bprice[sd]?:? (?:from )?high(?:est)? to low(?:est)?\b|\bhigh(?:est)? to low(?:est)? price"
                              r"|" + _SORT_VERB + r"(?:the )?(?:highest |most expensive )price|\bprice descending\b")),
    ("price_asc", re.compile(r"\b(?:cheapest|lowest price[ds]?|least expensive|cheaper) (?:ones? )?first\b"
                             r"|\bprice[sd]?:? (?:from )?low(?:est)? to high(?:est)?\b|\blow(?:est)? to high(?:est)? price"
                             r"|" + _SORT_VERB + r"(?:the )?(?:lowest |cheapest )?price|\bprice ascending\b"
                             r"|\bcheapest\b(?! (?:of|between)\b)"
                             r"|^(?:so |ok |and )?(?:what'?s|what is|which is|which one is|show me|show|give me) (?:the )?cheapest"
                             r"(?: one| ones| option| options| you have| of (?:them|these|those))?\s*[?!.]*$")),
    ("rating", re.compile(r"\b(?:best|highest|top|better)[ -]?rated (?:ones? )?first\b|\bhighest ratings? first\b"
                          r"|" + _SORT_VERB + r"(?:the )?(?:star )?(?:ratings?|stars|reviews? score)\b")),
    ("reviews", re.compile(r"\b(?:most (?:reviewed|reviews|ratings|popular)) (?:ones? )?first\b"
                           r"|" + _SORT_VERB + r"(?:the )?(?:number of |most )?(?:reviews|ratings count|popularity)\b")),
    ("relevance", re.compile(r"\bbest match(?:es)? first\b|" + _SORT_VERB + r"relevance\b|\bdefault order\b")),
)


# Words that may surround a sort request without asking for anything else ("ok, sort them by price please").
_SORT_FILLER = {"ok", "okay", "so", "and", "now", "please", "pls", "plz", "can", "could", "you", "u", "me", "them",
                "those", "these", "results", "the", "show", "one", "ones", "option", "options", "what's", "whats",
                "what", "is", "which", "first", "by", "sort", "order", "it", "instead", "then", "actually", "hmm",
                "i", "want", "would", "like", "to", "see", "list", "a", "an", "thanks", "of", "have", "do", "lets",
                "let's", "rather", "just", "again", "all", "everything"}


# "cases for the first one", "a charger that fits it", "screen protectors for #2": accessories for a shown product.
_FITS = (r"(?:for|that\s+fits?|fits?|to\s+fit|compatible\s+with|that\s+works?\s+with|works?\s+with|"
         r"to\s+go\s+with|that\s+goes?\s+with)")
_SHOWN = (r"(?:(?:the\s+)?(?:first|second|third|fourth|fifth|last|top|1st|2nd|3rd|4th|5th)(?:\s+(?:one|phone|option|"
          r"model|pair|set|item|product|result|device|handset|watch|laptop|tablet))?|#\s*\d{1,2}|"
          r"(?:number|option|no\.?|item|pair|model)\s*\d{1,2}|it|that|this|them|that\s+one|this\s+one|"
          r"(?:that|this|the|the\s+same)\s+(?:phone|model|device|handset|pair|one|watch|laptop|tablet))")


_FOR_DESCRIBED = re.compile(rf"\b{_FITS}\s+the\s+((?:[a-z0-9+]+\s+)?[a-z0-9+]+)\s+(?:one|phone|model|pair)\b")
_FOR_SHOWN = re.compile(rf"\b{_FITS}\s+{_SHOWN}(?![\w-])(?!\s+(?:is|was|has|costs?)\b)")


def accessory_for(t: str) -> Intent | None:
    """ "ok show me cases for the first one" -> accessories for shown product 1; "a charger that fits it" ->
    for the product discussed last. None when no shown product is named that way."""
    if load("questions").rx["included"].search(t):  # "is a charger included for #2?": a question about #2
        return None
    m = _FOR_SHOWN.search(t)
    # The words before "for" must name an accessory type (the type table and the shoppers' synonyms, as data):
    # "screen guard for the second one" is a search, "the price for the second one" is not.
    if not m:
        d = _FOR_DESCRIBED.search(t)  # "a case for the samsung one": a shown product named by what it is
        if d and not set(d.group(1).split()) & _NOT_DESCRIPTORS and accessory_kind(t[:d.start()]):
            return Intent("accessory_for", ref=d.group(1))
        return None
    if not accessory_kind(t[:m.start()]):
        return None
    positions = _positions(m.group(0))
    return Intent("accessory_for", ref=str(positions[0]) if positions else "it")


def sort_of(t: str) -> str | None:
    """The result order a (normalised) message asks for: "cheapest first" -> "price_asc"; None if none."""
    return next((name for name, pat in _SORTS if pat.search(t)), None)


def only_sort(t: str, sort: str) -> bool:
    """True when the message asks for an order and nothing else (no filter to extract)."""
    pat = dict(_SORTS)[sort]
    rest = re.findall(r"[a-z']+", pat.sub(" ", t))
    return all(w in _SORT_FILLER for w in rest)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()


def _verb_last(t: str, m: re.Match[str]) -> bool:
    """ "how long does the battery last on #2": "last" the verb, not the last product."""
    return m.group(0) == "last" and not re.search(r"\b(?:the|very|that|this)\s+$", t[:m.start()]) \
        and not re.match(r"\s+(?:one|ones|pair|option|item|model|product|result|two|three|2|3)\b", t[m.end():])


def _positions(t: str) -> list[int]:
    """1-based positions named in `t`: "the second one" -> [2]; "first two" -> [1, 2]; "1 and 3" -> [1, 3]."""
    m = re.search(r"\b(first|top|last)\s+(two|three|four|both|2|3|4)\b", t)
    if m:
        n = _COUNTS[m.group(2)]
        return list(range(1, n + 1)) if m.group(1) != "last" else list(range(-n, 0))
    out: list[int] = []
    for m in re.finditer(r"\b(?:number|no\.?|#|option|item|result|product)\s*(\d{1,2})\b|#(\d{1,2})\b", t):
        out.append(int(m.group(1) or m.group(2)))
    out += references.numbered(t)
    for m in re.finditer(r"[a-z0-9]+", t):
        word = m.group(0)
        if word in _ORDINALS and not (word == "top" and re.search(r"\btop[ -]?rated\b", t)) and not _verb_last(t, m):
            out.append(_ORDINALS[word])
    if not out:
        m = re.search(r"\b(\d{1,2})\s*(?:and|&|vs\.?|versus|or|,)\s*(\d{1,2})\b", t)
        if m and "compare" in t or (m and re.search(r"\b(vs|versus)\b", t)):
            out = [int(m.group(1)), int(m.group(2))]
    return list(dict.fromkeys(p for p in out if p != 0))


# A fact about the shopper said beside a question ("she's on verizon", "he only uses iphones", "my carrier is
# t-mobile"): it is a constraint for the extractor, while the question is answered from the listing.
_FACT = re.compile(r"^(?:(?:and|but|so|btw|also|oh)[,\s]+)*(?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|they are|we'?re|"
                   r"we are|(?:my|his|her|our|their) (?:carrier|network|plan|provider) is|"
                   r"(?:i|she|he|we|they) (?:only |mostly |always )?(?:use|uses|prefer|prefers|like|likes|have|has)"
                   r"(?: (?:an?|the))?) \w")
_CLAUSES = re.compile(r"(?<=[?.!;])\s+|,\s*|\s+(?:but|and|so)\s+(?=(?:i|she|he|we|they|my|his|her|our)\b)")


def with_fact(text: str) -> Intent | None:
    """ "does it need to be unlocked? she's on verizon" -> the question about the shown product, plus the fact
    "she's on verizon" for the extractor; None unless the message is exactly a question and such a fact."""
    t = _norm(text)
    parts = [p.strip(" ?.!") for p in _CLAUSES.split(t) if p and p.strip(" ?.!")]
    facts = [p for p in parts if _FACT.match(p)]
    rest = [p for p in parts if p not in facts]
    if not facts or not rest:
        return None
    # a request that only says more about the product ("a sofa, which should be grey") is no question
    if "?" not in t and not references.is_question(t) and not any(_QUESTION.search(p) for p in rest):
        return None
    asked = classify(" ".join(rest) + ("?" if "?" in t else ""))  # no question mark made up for a request
    if asked.kind != "details" or not asked.question:
        return None
    asked.question = text.strip()  # the fact words help find the answer ("will it work?" + "on t-mobile")
    asked.fact = ", ".join(facts)
    return asked


# "does the galaxy a54 have 5g?", "is the a14 any good?": a shown product named by its model (a word with a
# digit, maybe after a series name), right after the auxiliary that opens the question.
_MODEL_NAMED = re.compile(r"^(?:does|is|has|can|will|would|do)\s+the\s+((?:[a-z]+\s+)?[a-z]*\d+[a-z0-9+]*"
                          r"(?:\s+(?:pro|plus|max|ultra|mini|lite|fe|5g|neo|prime|power))*)"
                          r"\s+(?!one\b|ones\b|pair\b|model\b|option\b)")


def _described_words(t: str) -> str | None:
    dm = _DESCRIBED.search(t)
    if dm and not set(dm.group(1).split()) & _NOT_DESCRIPTORS:
        return dm.group(1)
    mm = _MODEL_NAMED.match(t)
    return mm.group(1) if mm and not set(mm.group(1).split()) & _NOT_DESCRIPTORS else None


_LONG = 20  # words: a longer message with an "it" in it is a request that describes what is wanted


def question_about(text: str, t: str, positions: list[int], compare: bool) -> Intent | None:
    # `compare`: the message compares or ranks ("which is cheaper?"); it stays with the comparisons.
    """ "does the first pair have a mic?", "is no. 1 a 5g phone?", "any idea if it's waterproof", "do any of
    these have a mic?": a question about shown products, answered from their listings (a verdict each).
    None when the message is no such question, asks for other products ("do they come in blue?") or compares."""
    if not references.is_question(t) or (len(t.split()) > _LONG and not positions):
        return None
    pick, rest = references.pick_reference(t)  # "the cheaper one" names a product, "a cheaper one" asks for one
    if compare and not pick:  # "which is cheaper", "compare them": a comparison, answered as one
        return None
    described = _described_words(t)
    if _refine_question().search(rest) or not question_terms(plain_question(rest, described or "")):
        return None  # "and number 3?" names a product and asks nothing new
    ref = references.reference(t, positions, described)
    if ref is None or (ref.all_shown and references.names_other(t)):
        return None
    return Intent("details", positions=ref.positions, use_focus=ref.use_focus, pick=ref.pick,
                  describe=ref.describe, question=text.strip(), all_shown=ref.all_shown)


def carried_question(text: str, earlier: Sequence[BaseMessage]) -> str | None:
    """ "does the first one have a mic?" ... "and the second one?": the shopper's previous message when it was
    a question about one shown product and this one only names another; None otherwise."""
    t = _norm(text)
    intent = classify(text)
    if intent.question or intent.compare or intent.pick or not references.follow_up(t):
        return None
    for before in (m for m in reversed(earlier) if isinstance(m, HumanMessage) and isinstance(m.content, str)):
        asked = classify(before.content)
        if asked.kind == "details" and asked.question:
            return None if asked.all_shown else asked.question
        if asked.kind != "details" or not references.follow_up(_norm(before.content)):
            return None  # "and the third one?" after "and the second one?" goes on looking further back
    return None


# "i'll take the second one", "add the first one to my cart", "let's go with that one", "i want to buy it".
_BUY = re.compile(r"\b(?:(?:i'?ll|i will|i'?d like to|i want to|i wanna|let'?s|we'?ll|gonna)\s+(?:take|buy|get|order|"
                  r"purchase|go with|go for)|add\b.*\bto (?:my |the )?(?:cart|basket|bag|order)|"
                  r"(?:buy|order|purchase) (?:it|that|this|them|the))\b")
_BUY_IT = re.compile(r"^(?:ok(?:ay)?\W+|great\W+|perfect\W+|nice\W+)*(?:i'?ll|i will|let'?s|i want to|i'?d like to)"
                     r" (?:take|buy|get|order|go with|go for) (?:it|that|this|that one|this one)\W*$")


def classify(text: str) -> Intent:
    """The conversational move in `text`; anything not recognised is "search" (goes to the extractor)."""
    t = _norm(text)
    if _BUY_IT.match(t):  # "i'll take it": the product being discussed
        return Intent("details", use_focus=True, buy=True)
    intent = _classify(text, t)
    if intent.kind == "details" and not intent.compare and not intent.question and _BUY.search(t):
        intent.buy = True
    elif intent.kind == "search" and _BUY.search(t):
        pick, _ = references.pick_reference(t)
        if pick:  # "i'll take the cheaper one": a choice among those shown, not a cheaper search
            return Intent("details", use_focus=True, pick=pick, buy=True)
    return intent


def _classify(text: str, t: str) -> Intent:
    if not t:
        return Intent("help")
    if _GREETING.match(t):
        return Intent("greeting")
    if _HELP.match(t):
        return Intent("help")
    if _THANKS.match(t):
        return Intent("thanks")
    words = re.findall(r"[a-z']+", t)
    if words and set(words) <= _MORE_FILLER and set(words) & _MORE_WORDS:
        return Intent("more")
    accessory = accessory_for(t)
    if accessory:
        return accessory
    fact = with_fact(text) if re.search(r"[?,;.] *\S|\b(?:but|and|so)\b", t) else None
    if fact:
        return fact

    aspect = aspect_of(t) if _SUPERLATIVE.search(t) else None
    if aspect:
        return Intent("details", positions=_positions(t), compare=True, compare_on=aspect + ("-" if flipped(t) else ""))
    compare = bool(re.search(r"\b(compare|comparison|vs\.?|versus|difference|differ)\b", t))
    pick = next((name for pat, name in _PICKS if pat.search(t)), None)
    if _RECOMMEND.search(t) and not re.search(r"\b(?:under|over|below|above|cheap|budget)\b|\$|\d", t):
        return Intent("details", positions=_positions(t), pick="recommended")
    sort = sort_of(t)
    if sort and re.search(r"\bfirst\b", t) and not re.search(r"\bthe first\b|\bfirst (?:one|two|three|2|3)\b", t):
        # "cheapest first" is an order, not the first product
        return Intent("sort" if only_sort(t, sort) else "search", sort=sort)
    positions = _positions(t)
    if re.search(r"\bthan\b", t):  # "cheaper than the first one" is a new search relative to a shown product
        return Intent("search")
    asked = None if (sort and only_sort(t, sort)) else question_about(text, t, positions, compare or bool(pick))
    if asked:
        return asked
    deictic = bool(_DEICTIC.search(t))
    # A reference needs an anchor: a position, "compare", or a pick among "those"/"them"/"the two".
    question = text.strip() if _QUESTION.search(t) and not _refine_question().search(t) else None
    if positions and (compare or pick or _ABOUT.search(t) or re.search(r"\b(one|ones|two|three)\b", t)
                      or len(words) <= 4):
        return Intent("details", positions=positions, pick=pick, compare=compare or len(positions) > 1,
                      question=question)
    describe = _described_words(t)
    if describe and not positions and not compare and (question or _ABOUT.search(t) or len(words) <= 4):
        return Intent("details", describe=describe, question=question)
    if question and not compare:
        return Intent("details", use_focus=True, pick=pick, question=question)
    if compare:
        return Intent("details", positions=[] if deictic else [1, 2], use_focus=deictic, pick=pick, compare=True)
    if pick and deictic and re.search(r"\b(of|which|between)\b", t):
        return Intent("details", use_focus=True, pick=pick)
    if re.fullmatch(r"(tell me (more )?about|more (info|details) (on|about)|details (on|about|of)|what about) "
                    r"(it|that|that one|this one|them|those)[?.!]*", t):
        return Intent("details", use_focus=True)
    return Intent("sort" if sort and only_sort(t, sort) else "search", sort=sort)
