"""Answers to a shopper's question about a shown product, from the product's own text and attributes.

"is it unlocked?", "does it have 5g?", "is that one waterproof?": the offline assistant cannot reason,
but it can look. The question's content words (with a few synonyms: waterproof ~ "water resistant",
"IP68") are searched in the product's structured attributes (carriers, color, storage, condition) and
its title, features, description and detail fields; each found term comes back with the sentence that
mentions it, so the answer quotes its evidence, and terms the listing never mentions are reported as
unknown rather than answered "no".

    >>> from retrieval.catalog import Product
    >>> p = Product(id="1", title="Pixel 7a 5G, Unlocked", features=["IP67 water resistance", "Fast charging"])
    >>> a = answer(p, "is it waterproof and does it have 5g?")
    >>> [(f["term"], f["evidence"]) for f in a["found"]], a["unknown"]
    ([('waterproof', 'IP67 water resistance'), ('5g', 'Pixel 7a 5G, Unlocked')], [])
"""

from __future__ import annotations

import re
from typing import Any

from lexicon.load import load
from retrieval.catalog import Product
from retrieval.roles import type_table

from .describe import money
from .listing import Hit, ListingReader
from .verdicts import is_open, verdict

# Words that carry no content in a question about "it".
_STOP = {
    "is", "are", "was", "were", "be", "does", "do", "did", "can", "could", "will", "would", "has", "have", "had",
    "it", "its", "it's", "that", "this", "they", "them", "these", "those", "one", "ones", "the", "a", "an", "of",
    "first", "second", "third", "fourth", "fifth", "last", "top", "and", "or", "with", "come", "comes", "support",
    "supports", "work", "works", "get", "got", "any", "some", "there", "how", "what", "which", "much", "many",
    "also", "too", "really", "actually", "please", "pls", "thanks", "tell", "me", "you", "know", "in",
    "on", "for", "to", "if", "by", "from", "include", "includes", "included", "offer", "feature", "features",
    "hmm", "ok", "okay", "so", "but", "just", "still", "number", "option", "item", "good", "well", "at", "all",
    "use", "able", "like", "about", "i", "my", "we", "our", "your", "not", "yet", "enough", "kind", "easy",
    "hard", "nice", "great", "decent", "what's", "whats", "how's", "hows", "let", "lets",
    "pair", "pairs", "idea", "wonder", "wondering", "whether", "right", "correct", "no", "either", "each",
    "set", "product", "unit", "version", "curious", "sure", "check", "confirm", "phone", "phones", "device",
    "specs", "spec", "details", "detail", "info", "information", "more", "else",
}
# A term and the words a listing uses for it.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "waterproof": ("waterproof", "water resistant", "water-resistant", "water resistance", "ip68", "ip67", "ipx",
                   "water repellent", "water-repellent", "water repellant", "water-repellant", "splash"),
    "water": ("waterproof", "water resistant", "water-resistant", "water resistance", "ip68", "ip67", "ipx",
              "water repellent", "water-repellent", "water repellant", "water-repellant", "splash"),
    "wet": ("waterproof", "water resistant", "water-resistant", "water resistance", "ip68", "ip67", "ipx",
            "water repellent", "water-repellent", "water repellant", "water-repellant", "splash"),
    "rain": ("waterproof", "water resistant", "water-resistant", "water resistance", "ip68", "ip67", "ipx",
             "water repellent", "water-repellent", "water repellant", "water-repellant", "splash", "rain"),
    "unlocked": ("unlocked", "sim free", "sim-free"),
    "refurbished": ("renewed", "refurbished", "reconditioned"),
    "renewed": ("renewed", "refurbished", "reconditioned"),
    "used": ("renewed", "refurbished", "pre-owned", "used"),
    "charger": ("charger", "charging adapter", "power adapter", "charging brick"),
    "wireless": ("wireless", "qi"),
    "headphone": ("headphone jack", "3.5mm", "3.5 mm", "audio jack"),
    "mic": ("mic", "mics", "microphone", "microphones", "hands-free calls", "hands-free calling"),
    "anc": ("anc", "active noise cancellation", "active noise cancelling", "active noise canceling",
            "noise cancellation", "noise cancelling", "noise canceling", "hybrid anc"),
    "jack": ("headphone jack", "3.5mm", "3.5 mm", "audio jack"),
    "sd": ("microsd", "micro sd", "sd card", "expandable"),
    "expandable": ("microsd", "micro sd", "sd card", "expandable"),
    "dual": ("dual sim", "dual-sim"),
    "esim": ("esim", "e-sim"),
    "camera": ("camera", "mp ", "megapixel", "lens"),
    "battery": ("battery", "mah"),
    "screen": ("screen", "display", "inch", '"'),
    "big": ("screen", "display", "inch"),
    "gaming": ("gaming", "game", "games", "refresh rate", "120hz", "144hz", "165hz"),
}
_SENTENCE = re.compile(r"[^.;|\n]+")


def _money(v: float) -> str:
    return money(v, exact=True)  # in the catalog's currency (tools/describe.py)


# Question words answered from the structured attributes first ("how many stars does it have").
def _attr_evidence(p: Product, term: str) -> str | None:
    if term in ("stars", "star", "rating", "ratings", "rated", "reviews", "review", "reviewed"):
        if p.average_rating is None:
            return None
        n = f" from {p.rating_number:,} ratings" if p.rating_number else ""
        return f"{p.average_rating:g} stars{n}"
    if term in ("price", "cost", "costs", "expensive", "cheap", "priced"):
        return f"price {_money(p.price)}" if p.price is not None else None
    if term in ("storage", "gb", "space", "capacity"):
        return f"{p.storage_gb:g} GB storage" if p.storage_gb else None
    if term in ("color", "colour", "colors", "colours"):
        return f"color {p.color}" if p.color else None
    if term in ("carrier", "carriers", "network", "networks"):
        return "carriers: " + ", ".join(p.carriers) if p.carriers else None
    if term in ("brand", "make", "maker", "manufacturer"):
        return f"brand {p.brand}" if p.brand else None
    if term in ("condition", "new", "renewed", "refurbished", "used"):
        return "renewed (refurbished)" if p.condition == "renewed" else "new"
    return None


_OPINION = re.compile(r"\b(?:any good|(?:is|are) (?:it|they|this|that) good|good (?:one|phone|buy|choice|pick)|"
                      r"worth (?:it|buying|the money|the price)|reliable|recommended)\b")
_OPINION_WORDS = {"worth", "buying", "money", "price", "reliable", "recommended", "buy", "choice"}


def question_terms(question: str) -> list[str]:
    """Content words of a question ("does it have wireless charging?" -> ["wireless", "charging"])."""
    low = (question or "").lower().replace("’", "'")
    words = re.findall(r"[a-z0-9][a-z0-9+.'\-]*", low)
    terms = [w.strip(".'") for w in words if w.strip(".'") and w not in _STOP and w.strip(".'") not in _STOP]
    # "how much is the pink one?" asks for the price (unless it is "how much storage")
    if re.search(r"\bhow much\b", low) and not re.search(r"\b(?:storage|space|memory|gb|ram|battery)\b", low):
        terms.insert(0, "price")
    # "is the a14 any good?", "is it worth it?": an opinion, answered with what buyers rated it
    if _OPINION.search(low) and set(terms) <= _OPINION_WORDS:
        terms = ["rating"]
    return list(dict.fromkeys(terms))


def _texts(p: Product) -> list[str]:
    texts = [p.title, *p.features, *p.description]
    texts += [f"{k}: {v}" for k, v in (p.details or {}).items()]
    if p.carriers:
        texts.append("Carriers: " + ", ".join(p.carriers))
    if p.color:
        texts.append(f"Color: {p.color}")
    if p.storage_gb:
        texts.append(f"Storage: {p.storage_gb:g} GB")
    if p.condition == "renewed":
        texts.append("Condition: renewed (refurbished)")
    return [t for t in texts if t]


def _evidence(texts: list[str], needles: tuple[str, ...]) -> str | None:
    for text in texts:
        low = text.lower()
        for n in needles:
            i = low.find(n)
            if i < 0 or (n[0].isalnum() and i > 0 and low[i - 1].isalnum()):
                continue
            for m in _SENTENCE.finditer(text):  # the sentence (or bullet part) that mentions it
                if m.start() <= i < m.end():
                    return m.group(0).strip()[:160]
    return None


def keyword_answer(p: Product, question: str, skip: str = "") -> dict[str, Any]:
    """{"terms", "found": [{"term", "evidence"}], "unknown": [terms the listing does not mention]}.

    `skip`: words that named the product ("the black one") rather than asked about it."""
    skipped = set(re.findall(r"[a-z0-9+]+", skip.lower()))
    terms = [w for w in question_terms(question) if w not in skipped]
    texts = _texts(p)
    found, unknown = [], []
    for term in terms:
        needles = _SYNONYMS.get(term, (term,))
        attr = _attr_evidence(p, term)
        ev = attr or _evidence(texts, needles)
        if ev is None and len(term) > 3 and term.endswith("s"):
            ev = _evidence(texts, (term[:-1],))  # "games" -> "game"
        if ev:
            found.append({"term": term, "evidence": ev, **({"attribute": True} if attr else {})})
        else:
            unknown.append(term)
    return {"terms": terms, "found": found, "unknown": unknown}


# "is the second one waterproof" -> "is it waterproof": the reference says which product, not what is asked.
_NOUNS = r"(?:one|ones|phone|option|model|pair|set|item|product|unit|version|device|handset)"
_REFERENCE = re.compile(r"\b(?:the\s+)?(?:first|second|third|fourth|fifth|last|top|1st|2nd|3rd|4th|5th|other|black|"
                        r"white|cheaper|cheapest|pricier|priciest|more expensive|most expensive|less expensive|"
                        r"(?:better|best|higher|highest|top)[ -]?rated|most reviewed)\s+" + _NOUNS + r"\b"
                        r"|\b(?:that|this)\s+" + _NOUNS + r"\b"
                        r"|#\s*\d{1,2}\b|\b(?:number|option|no\.|no|item|pair|model)\s*#?\s*(?:\d{1,2}|one|two|three|four|five|six|"
                        r"seven|eight|nine|ten)\b(?!\s*(?:gb|mp|mah))"
                        r"|\b(?:any|either|each|all|none|both|which)(?:\s+one)?\s+of\s+(?:them|these|those|the\s+ones)\b"
                        r"|\b(?:these|those|they|them)(?:\s+ones)?\b")
# A sentence below this score (cosine plus the keyword bonus) does not answer the question: "not stated".
# Tuned on the dev half of evals/devsets/listing_questions.csv (python -m evals.listing_eval --sweep).
MIN_SCORE = 0.4
KEYWORD_BONUS = 0.15


def _asked(question: str, skip: str) -> str:
    """The question as a plain one about "it": the reference, an embedding ("any idea if ...") and a tag
    ("..., right?") left out: "any idea if no. 2 is waterproof?" -> "it is waterproof?"."""
    rx = load("questions").rx
    q = question.lower().replace("’", "'")
    q = rx["tag"].sub("?", rx["embedded"].sub("", q, count=1))
    q = _REFERENCE.sub("it", q)
    # "which ones have 5g?" asks the same of each product: "have 5g?", a yes or no for each
    q = re.sub(r"^\W*which(?:\s+ones?)?\s+(?=(?:is|are|has|have|does|do|can|will|supports?|comes?|includes?|got)\b)",
               "", q)
    if skip:
        q = re.sub(r"\bthe " + re.escape(skip.lower()) + r"(?: one)?\b", "it", q)  # "the black one", "the a14"
    return re.sub(r"\s+", " ", q).strip()


def plain_question(question: str, skip: str = "") -> str:
    """The question with its reference read as "it": "any idea if no. 2 is waterproof?" -> "it is waterproof?"."""
    return _asked(question, skip)


def _claims(evidence: str, term: str) -> bool:
    """True when `evidence` names `term` in what it says, not only in a field name ("Wireless Carrier: AT&T"
    says nothing about wireless charging)."""
    said = re.sub(r"^[^:]{1,40}:\s", "", evidence).lower()
    return any(n in said for n in _SYNONYMS.get(term, (term,))) or term in said


def _names_the_part(evidence: str, terms: list[str]) -> bool:
    """False when the question asks for a part ("jack", "slot", "port": `part_nouns` of the type table) that
    `evidence` does not name, by itself or by a synonym of the word before it ("3.5mm" for a headphone jack)."""
    parts = type_table().part_nouns
    low = evidence.lower()
    for i, term in enumerate(terms):
        if term in parts and term.rstrip("s") not in low:
            before = terms[i - 1] if i > 0 else ""
            if not any(n in low for n in _SYNONYMS.get(before, ())):
                return False
    return True


def _bonus(text: str, terms: list[str]) -> float:
    """The share of the question's terms (or their synonyms) that the sentence names."""
    if not terms:
        return 0.0
    low = text.lower()
    hits = sum(1 for t in terms if any(n in low for n in _SYNONYMS.get(t, (t,))) or t in low)
    return hits / len(terms)


def best_evidence(reader: ListingReader, p: Product, question: str, terms: list[str], k: int = 8,
                  min_score: float = MIN_SCORE) -> Hit | None:
    """The sentence of `p`'s listing that best answers `question`: nearest in meaning, ties broken toward
    sentences that name what was asked; None when none reaches `MIN_SCORE`."""
    hits = reader.nearest(p, question, k=k)
    scored = [Hit(h.piece, h.score + KEYWORD_BONUS * _bonus(h.piece.text, terms)) for h in hits]
    best = max(scored, key=lambda h: h.score, default=None)
    return best if best is not None and best.score >= min_score else None


def answer(p: Product, question: str, skip: str = "", reader: ListingReader | None = None,
           min_score: float = MIN_SCORE) -> dict[str, Any]:
    """The keyword answer (`keyword_answer`) plus a verdict: {"verdict": yes | no | partly | stated |
    not stated, "evidence": the sentence quoted, "source": where it stands in the listing}.

    With a `reader` (a sentence encoder) the evidence is the sentence nearest in meaning; without one,
    the first sentence the keywords found (the hashing embedder reads no meaning)."""
    asked = _asked(question, skip)
    out = keyword_answer(p, asked, skip)
    terms = out["terms"]
    evidence: str | None = None
    source: str | None = None
    score: float | None = None
    attr = next((f for f in out["found"] if f.get("attribute")), None)
    if attr is not None:  # price, rating, carriers...: the catalog's own fields answer before any sentence
        evidence, source = attr["evidence"], "attributes"
    elif reader is not None:
        hit = best_evidence(reader, p, asked, terms, min_score=min_score)
        evidence, source, score = (hit.piece.quote, hit.piece.source, round(hit.score, 3)) if hit else (None, None, None)
    claims = [f for f in out["found"] if _claims(f["evidence"], f["term"])]
    # No sentence close in meaning, but one names the asked words: all of them ("Fast charging" does not
    # answer "wireless charging?"), unless only one word was asked.
    whole = [f for f in claims if _bonus(f["evidence"], terms) >= 1.0]
    if evidence is None and (whole or (claims and len(terms) == 1)):
        evidence, source, score = (whole or claims)[0]["evidence"], "keywords", None
    if evidence and source != "attributes" and not _names_the_part(evidence, terms):
        # "is there a headphone jack?" answered by "Included Components: Headphones": a jack, port or slot
        # exists only where the listing names it
        evidence, source, score = None, None, None
    out["verdict"] = verdict(asked, evidence, terms) if evidence else "not stated"
    if evidence and terms == ["rating"] and _OPINION.search(asked.lower()):
        out["verdict"] = "stated"  # "is it any good?": what buyers rated it, not a yes of ours
    out.update(evidence=evidence, source=source, score=score, open=is_open(asked))
    return out
