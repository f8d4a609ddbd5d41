"""Spelling repair for the words the rule grammar keys on ("doollars", "barnd", "starss", "filtres").

Shoppers type fast. A comparator or a unit with a typo makes the grammar miss a whole constraint
("raise my budget to 150 doollars"), so before parsing, a word that is *not* an English word is replaced
by the grammar keyword it is one or two edits away from. "Not an English word" is decided by word
frequencies (the `wordfreq` package: a word with Zipf frequency >= 2, about once per 100M words, is
real), plus the rule extractor's own lexicon and the catalog's brand and color words. So "stairs" is
never read as "stars", "projector" never as "protector"; only unknown tokens are repaired.

    >>> repair("raise my budget to 150 doollars pls")[0]
    'raise my budget to 150 dollars pls'
    >>> repair("barnd isn't important")[0]
    "brand isn't important"
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import OSA  # a swap of two letters ("barnd") is one edit

from lexicon.load import load
from lexicon.words import repair_keywords

_WORD = re.compile(r"[A-Za-z]{4,14}")


MIN_ZIPF = 2.0  # below this a token is a typo or a rare name ("cheeper" 1.3, "brans" 1.6; "teal" 3.3)


def keywords() -> tuple[str, ...]:
    """Words the grammar keys on: every lexicon data file lists its own (`repair = [...]`); on a tie the
    earlier word wins (see `lexicon.words.repair_keywords`)."""
    return repair_keywords()


@functools.cache
def _keyword_set() -> frozenset[str]:
    return frozenset(repair_keywords())


@functools.cache
def _colour_words() -> frozenset[str]:
    return frozenset(load("colors").repair)


def is_word(low: str) -> bool:
    """True for a real English word (or a grammar keyword): such a token is never "repaired"."""
    from wordfreq import zipf_frequency  # lazy: it costs 0.1 s of start-up

    return low in _keyword_set() or zipf_frequency(low, "en") >= MIN_ZIPF


@functools.lru_cache(maxsize=4096)
def _correct(word: str) -> str | None:
    low = word.lower()
    if is_word(low):
        return None
    # Four letters allow one edit, only towards a longer colour word ("wite" -> "white", "clor" -> "color"):
    # a short typo is as likely another word's as ours ("uder ratings" is "user", not "under").
    limit = 1 if len(low) <= 6 else 2
    best, best_d = None, limit + 1
    for kw in keywords():
        if kw[0] != low[0] or abs(len(kw) - len(low)) > limit or (len(low) == 4 and (len(kw) <= 4 or kw not in _colour_words())):
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

    `extra_known`: lower-case words never to touch (the catalog's brands and colors, e.g. "ugreen"). They are
    not repair targets: on a large catalog, rare real words ("outsole", "toslink") came one edit from a brand.
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
