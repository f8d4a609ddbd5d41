"""Colors: base colors, shades ("navy", "onyx gray"), finishes ("white pearl"), and colors ruled out.

A marketing name is one color and its base word wins: "onyx gray" is gray, "white titanium" white. A shade
that is also an ordinary word ("rose", "mint", "clear") needs color context. A color ruled out ("not red",
"she can't stand pink", "nothing green or orange") leaves the wanted list when it is there, and is
excluded otherwise (`color_exclude`); exclusions add up over the turns, like brands.
"""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from lexicon.tokens import Doc
from lexicon.words import base_colors, color_shades
from retrieval.facets import color_families

from ..vocabulary import COMMON_WORDS
from .brands.apply import reconcile
from .brands.roles import Roles
from .context import Turn, drop_value, fuzzy, negated, set_or_add, unique


@functools.cache
def _color_rx() -> re.Pattern[str]:
    base, shades = set(base_colors()) | {"grey"}, color_shades()
    split = [k.replace(" ", r"[\s-]") for k in load("colors").maps["split_shades"]]
    words = split + sorted(base | set(shades), key=len, reverse=True)
    shade_words = "|".join(sorted(set(shades) - set(base_colors()), key=len, reverse=True))
    base_words = "|".join(sorted(base, key=len, reverse=True))
    modifiers = "(?:" + "|".join(load("colors").words["modifiers"]) + ")"
    # A hyphen may come before a colour ("off-white", "cover -purple", "a-red": guide rule 2), but not after
    # "anti-"/"non-" ("anti-blue light") nor inside a word; after one only where nothing is glued ("gold-plated").
    return re.compile(rf"(?<!\w)(?<!anti-)(?<!non-)(?:{modifiers}(?:\s+|-)|(?:{shade_words})\s+(?=(?:{base_words})(?![\w-])))?"
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
    dropped = [("!" + f[0][1:], f[1], f[2]) for f in found if f[0].startswith("~")]
    excluded = [f for f in found if f[0].startswith("!")]
    found = [f for f in found if not f[0].startswith(("!", "~"))]
    if not found:
        excluded += dropped
    if excluded and found:
        # "not orchid, alpine blue", "blue instead of red": a swap, as for brands; nothing is excluded
        roles = Roles(wanted=list(found), excluded=list(excluded))
        reconcile(t.doc.low, roles)
        excluded = [] if _swap_shape(t.doc.low, excluded, found) else roles.excluded
    if excluded:
        _exclude(t, excluded)
    if not found:
        return
    low = t.doc.low
    names = unique([c for c, _, _ in found])
    set_or_add(t, "color", names, t.state.color if t.state else [], found[0][1], found[-1][2])
    t.spans["color"] = " ... ".join(low[s:e] for _, s, e in found)


@functools.cache
def _another_colour_after() -> re.Pattern[str]:
    """ "clear or black": a list joiner and another base colour right after a word."""
    others = sorted(set(base_colors()) - {"clear"})
    return re.compile(r"\s*(?:or|and|/|,)\s*(?:" + "|".join(others) + r")\b")


def _clear_is_a_colour(before: str, after: str, found: list[tuple[str, int, int]]) -> bool:
    """ "clear" is a colour listed with another one ("black or clear", "prism black/crystal clear", "clear or
    black"), as a list item of its own ("spigen, clear, under 20"), before a colour's noun ("clear case") or
    in a colour slot ("in clear", "the clear ones"); otherwise it is an ordinary word ("clear glass")."""
    return bool(
        (found and re.search(r"(?:\bor|\band|/|,)\s*(?:crystal\s+)?$", before))
        or _another_colour_after().match(after)
        or (re.search(r"(?:^|,)\s*$", before) and re.match(r"\s*(?:,|$)", after))
        or load("colors").rx["clear_context_after"].match(after) or before.endswith("crystal ")
        or (re.search(r"\b(?:in|preferably|colou?r:?|the|a)\s+$", before)
            and re.match(r"\s*(?:[,.!?]|$|ones?\b|and\b|or\b|please\b|nothing\b|only\b|with\b)", after)))


def _is_color_here(word: str, before: str, after: str, found: list[tuple[str, int, int]]) -> bool:
    rx, base = load("colors").rx, base_colors()
    if rx["not_after"].match(after):
        return False
    if word == "clear" and not _clear_is_a_colour(before, after, found):
        return False
    if word not in base and word not in load("colors").sets["precise"] and not (
            rx["context_after"].match(after) or rx["context_before"].search(before)):
        return False
    if word == "rose" and not re.match(r"\s*gold\b", after):
        # a bare "rose" is pink only in a colour slot ("rose colored", "rose instead?", "in rose"), never from an
        # article alone ("a rose scented candle", "rose water")
        slot = rx["context_after"].match(after)
        return bool(slot and slot.group(0).strip() or re.search(r"\b(?:in|colou?r:?|prefer)\s+$", before))
    return True


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
    joined = load("colors").maps["split_shades"].get(re.sub(r"[\s-]+", " ", word))
    fams = color_families(joined or low[m.start():m_end])
    if not fams:
        return
    start = m.start()
    im = re.search(r"\b(?:in|colou?r:?|colou?red)\s+(?:the\s+)?(?:colou?r\s+)?$", before) or re.search(
        # a shade's own name before its base colour: "in the color autumn green", "colour: misty blue"
        r"\b(?:in (?:the )?colou?r|colou?r:)\s+(?:[a-z]+\s+){1,2}$", before)
    if im and not doc.free(m.start() - (len(before) - im.start()), m.start()):
        im = None  # a word there is another constraint's
    if im:
        start -= len(before) - im.start()
    out = _ruled_out(low, m, low[max(0, m.start() - 40):m.start()], doc) or (
        "exclude" if _continues_exclusion(low, start, m.end(), found) else None)
    if out:
        if all(drop_value(t, "color", fam, m.group(0)) for fam in fams):
            # asked for before: it leaves the list ("drop the black"); "not black" also rules it out, as "not
            # Samsung" does (docs/state_rules.md rows 8 and 49), unless another colour takes its place in the
            # same message ("red is boring, rose instead": a swap; "~" = excluded only if alone)
            if out == "exclude":
                found.extend(("~" + fam, start, m.end()) for fam in fams)
            doc.take(start, m.end())
            return
        cm = re.match(r"\s*(?:colou?r(?:ed|s)?|ones?|versions?)\b", low[m.end():])
        end = m.end() + (cm.end() if cm else 0)
        found.extend(("!" + fam, start, end) for fam in fams)  # "!": ruled out, written by `_exclude`
        doc.take(_cue_start(low, start), end)  # "she hates", "nothing in": the cue is no topic either
        return
    end = m_end
    cm = re.match(r"\s*(?:colou?r(?:ed)?|one|ones|version)\b", after)
    if cm:
        end += cm.end()
    for fam in fams:
        found.append((fam, start, end))
    doc.take(start, end)


def _continues_exclusion(low: str, start: int, end: int, found: list[tuple[str, int, int]]) -> bool:
    """ "nothing green or orange", "no pink, purple or red": a color listed right after a ruled-out one.
    A bare comma continues the list only when it goes on after this color ("not gold, blue please" swaps)."""
    if not (found and found[-1][0].startswith("!")):
        return False
    gap = low[found[-1][2]:start]
    return bool(load("colors").rx["list_gap"].fullmatch(gap)) and (
        gap.strip() != "," or bool(re.match(r"\s*(?:,|or\b|and\b|nor\b)", low[end:])))


def _swap_shape(low: str, excluded: list[tuple[str, int, int]], found: list[tuple[str, int, int]]) -> bool:
    """ "not orchid, alpine blue": a message that opens by ruling one color out and names the one wanted
    next (an unknown shade word may stand before it) swaps colors; it excludes nothing."""
    first_wanted = min(s for _, s, _ in found)
    return bool(re.match(r"^\W*(?:(?:no|nope|nah|oh|sorry|actually)\W+)*not\s", low)) and all(
        e <= first_wanted for _, _, e in excluded) and bool(load("colors").rx["swap_gap"].fullmatch(
            low[max(e for _, _, e in excluded):first_wanted]))


def _cue_start(low: str, start: int) -> int:
    """Where the words ruling a color out begin ("can't stand" in "she can't stand purple")."""
    before = low[max(0, start - 40):start]
    cues = [rx.search(before) for rx in (load("colors").rx["exclude_before"], load("levels").rx["neg_before"],
                                         load("removals").rx["drop_before"])]
    starts = [m.start() for m in cues if m]
    return start - (len(before) - min(starts)) if starts else start


def _exclude(t: Turn, excluded: list[tuple[str, int, int]]) -> None:
    """Ruled-out colors join the exclusion list (the state's, or this utterance's)."""
    names = unique([c[1:] for c, _, _ in excluded])
    before = list(t.update.set.get("color_exclude", t.state.color_exclude if t.state else []))
    t.update.set["color_exclude"] = unique(before + names)
    t.spans["color_exclude"] = " ... ".join(t.doc.low[s:e] for _, s, e in excluded)


def _ruled_out(low: str, m: re.Match[str], before: str, doc: Doc) -> str | None:
    """ "not black", "any color but red", "black is boring": "exclude"; "drop the black", "swap black for white":
    "drop" (a colour asked for only leaves the list); None: the colour is not ruled out."""
    # "not mineral gray": the negation may stand before a shade word the pattern does not know
    # ("excluding marble gray", "i hate bay blue", "not in awesome violet": catalog shades have names the
    # gazetteer reads as one base color, so every cue is also tried before the word in front of it)
    # A word another parser took is no shade: "not too expensive black phone" wants black.
    pm = re.search(r"\b([a-z]{3,})\s+$", before)
    at = m.start() - len(before) + pm.start(1) if pm else 0
    shade = bool(pm and pm.group(1) not in load("fillers").sets["tokens"] and doc.free(at, at + len(pm.group(1))))
    neg_at = m.start() - len(pm.group(0)) if pm and shade else m.start()
    heads = [before + " " if not before.endswith(" ") else before] + ([before[:pm.start()]] if pm and shade else [])
    if (negated(low, m.start()) or negated(low, neg_at)
            or load("colors").rx["out_after"].match(low[m.end():])  # "black is boring, any red ones?"
            or any(load("colors").rx["exclude_before"].search(h) for h in heads)):
        return "exclude"
    if any(load("removals").rx["drop_before"].search(h) or load("brands").rx["swap_out_before"].search(h)
           or re.search(r"\b(?:instead of|rather than)\s+$", h) for h in heads):  # "swap black for white"
        return "drop"
    return None


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
