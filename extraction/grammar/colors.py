"""Colors: base colors, shades ("navy", "onyx gray"), finishes ("white pearl"), and colors ruled out.

A marketing name is one color and its base word wins: "onyx gray" is gray, "white titanium" white. A shade
that is also an ordinary word ("rose", "mint", "clear") needs color context; a color ruled out ("not red",
"i hate pink") leaves the list it is in (excluding colors is not supported).
"""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from lexicon.words import base_colors, color_shades
from retrieval.facets import color_families

from ..vocabulary import COMMON_WORDS
from .context import Turn, drop_value, fuzzy, negated, set_or_add, unique


@functools.cache
def _color_rx() -> re.Pattern[str]:
    base, shades = set(base_colors()) | {"grey"}, color_shades()
    words = sorted(base | set(shades), key=len, reverse=True)
    shade_words = "|".join(sorted(set(shades) - set(base_colors()), key=len, reverse=True))
    base_words = "|".join(sorted(base, key=len, reverse=True))
    modifiers = "(?:" + "|".join(load("colors").words["modifiers"]) + ")"
    return re.compile(rf"(?<![\w-])(?:{modifiers}\s+|(?:{shade_words})\s+(?=(?:{base_words})(?![\w-])))?"
                      rf"(?P<c>{'|'.join(words)})(?![\w-])"
                      rf"(?P<finish>\s+(?:{shade_words}|metallic|matte|glossy)(?![\w-]))?")


def parse(t: Turn) -> None:
    if not t.g.has_colors:
        return
    found: list[tuple[str, int, int]] = []
    for m in _color_rx().finditer(t.doc.low):
        _read(t, m, found)
    if not found:
        _misspelt(t, found)
    if not found:
        return
    low = t.doc.low
    names = unique([c for c, _, _ in found])
    set_or_add(t, "color", names, t.state.color if t.state else [], found[0][1], found[-1][2])
    t.spans["color"] = " ... ".join(low[s:e] for _, s, e in found)


def _is_color_here(word: str, before: str, after: str, found: list[tuple[str, int, int]]) -> bool:
    rx, base = load("colors").rx, base_colors()
    if rx["not_after"].match(after):
        return False
    if word == "clear" and found and re.search(r"(?:\bor|\band|/|,)\s*(?:crystal\s+)?$", before):
        pass  # "black or clear", "prism black/crystal clear": listed with another color
    elif word == "clear" and not (rx["clear_context_after"].match(after) or before.endswith("crystal ") or re.search(
            r"\b(?:in|preferably|colou?r:?|the|a)\s+$", before) and re.match(r"\s*(?:[,.!?]|$|ones?\b|and\b|or\b|"
                                                                   r"please\b|nothing\b|only\b|with\b)", after)):
        return False
    if word not in base and word not in load("colors").sets["precise"] and not (
            rx["context_after"].match(after) or rx["context_before"].search(before)):
        return False
    return not (word == "rose" and not re.match(r"\s*gold\b", after))


def _read(t: Turn, m: re.Match[str], found: list[tuple[str, int, int]]) -> None:
    low, doc = t.doc.low, t.doc
    word = m.group("c")
    # a finish word only belongs to a base color ("white pearl"); "midnight navy" stays two words
    m_end = m.end() if word in base_colors() or word == "grey" else m.end("c")
    if not doc.free(m.start(), m_end):
        return
    after, before = low[m_end:], low[max(0, m.start() - 20):m.start()]
    if not _is_color_here(word, before, after, found):
        return
    fams = color_families(low[m.start():m_end])
    if not fams:
        return
    start = m.start()
    im = re.search(r"\b(?:in|colou?r:?|colou?red)\s+(?:the\s+)?(?:colou?r\s+)?$", before)
    if im:
        start -= len(before) - im.start()
    if _ruled_out(low, m, before):
        if all(drop_value(t, "color", fam, m.group(0)) for fam in fams):
            doc.take(start, m.end())  # "not black" while black is asked for: black leaves the list
            return
        doc.warnings.append(f"excluding a color ({fams[0]}) is not supported; ignored")
        doc.take(start, m.end())
        return
    end = m_end
    cm = re.match(r"\s*(?:colou?r(?:ed)?|one|ones|version)\b", after)
    if cm:
        end += cm.end()
    for fam in fams:
        found.append((fam, start, end))
    doc.take(start, end)


def _ruled_out(low: str, m: re.Match[str], before: str) -> bool:
    """ "not black", "any color but red", "swap black for white": the color is not wanted."""
    # "not mineral gray": the negation may stand before a shade word the pattern does not know
    pm = re.search(r"\b([a-z]{3,})\s+$", before)
    neg_at = m.start() - len(pm.group(0)) if pm and pm.group(1) not in load("fillers").sets["tokens"] else m.start()
    return bool(negated(low, m.start()) or negated(low, neg_at)
                or load("colors").rx["exclude_before"].search(before + " " if not before.endswith(" ") else before)
                or load("removals").rx["drop_before"].search(before)
                or load("brands").rx["swap_out_before"].search(before)
                or re.search(r"\b(?:instead of|rather than)\s+$", before))  # "swap black for white"


def _misspelt(t: Turn, found: list[tuple[str, int, int]]) -> None:
    """Misspelt colors ("blak ones", "in whte"): only in an unmistakable color slot."""
    low, doc = t.doc.low, t.doc
    for m in re.finditer(r"\b(?:in\s+)?([a-z]{4,7})(?=\s+(?:ones?|colou?r|version)\b)|\bin\s+([a-z]{4,7})\s*$", low):
        word = m.group(1) or m.group(2)
        hit = None if word in COMMON_WORDS or not doc.free(m.start(), m.end()) else fuzzy(
            word, [c for c in base_colors() if len(c) >= 4], 80.0)
        if hit:
            found.append((hit, m.start(), m.end()))
            doc.warnings.append(f"read {word!r} as the color {hit}")
            doc.take(m.start(), m.end())
            break
