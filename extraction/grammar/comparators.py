"""Comparators ("under", "at least", "not exceeding", "or more"), attribute cues, and setting a bound.

A comparator before a number decides its direction and may name its attribute ("max rating 4.5"); else a
cue word nearby names the attribute ("budget ... 300"). `assign` turns (attribute, direction, value) into
the fields of the update: "around X" is X +- 15%, a bare price is a budget, a bare size is exact.
"""

from __future__ import annotations

import functools
import re

from lexicon.load import Lexicon, load

from .context import AROUND_TOLERANCE, FIELDS, Turn


def _lex() -> Lexicon:
    return load("comparators")


@functools.cache
def _prefix_rx() -> re.Pattern[str]:
    """All comparator phrases in one pattern, anchored at the end of the text before a number."""
    return re.compile(
        r"(?:^|(?<=[^a-z0-9]))(?P<comp>" + "|".join(f"(?:{r.regex})" for r in _lex().rules) + r")"
        r"\s*(?:(?:a|an|the|of|just|only|maybe)\s+)?$")


@functools.cache
def _prefix_kinds() -> list[tuple[re.Pattern[str], str, str | None]]:
    return [(re.compile(rf"(?:{r.regex})$"), r.kind or "bare", r.attribute) for r in _lex().rules]


def cue_before(low: str, end: int, words: int = 5) -> str | None:
    """The attribute named by the nearest cue word among the last few words before `end` (same clause)."""
    lex = _lex()
    cues, quality = lex.maps["cue_words"], lex.sets["quality_adjectives"]
    window = low[max(0, end - 60):end]
    window = re.split(r"[.;!?]|\band\b(?=\s+(?:a|an|the|with|in|price|rating|at)\b)|,", window)[-1]
    toks = re.findall(r"[a-z$]+", window)[-words:]
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if tok in cues:
            # "good reviews under 300": a quality phrase, not the attribute the number bounds.
            if cues[tok] in ("reviews", "rating") and i > 0 and toks[i - 1] in quality:
                continue
            return cues[tok]
    return None


def prefix(low: str, start: int) -> tuple[str | None, str | None, int]:
    """(kind, implied attribute, start of the comparator) of the comparator ending at `start`, if any."""
    window = low[max(0, start - 60):start]
    m = _prefix_rx().search(window)
    if not m:
        return None, None, start
    comp = m.group("comp")
    comp_start = start - (len(window) - m.start("comp"))
    if _ends_previous_postfix(low, comp_start, comp_start + len(comp)):
        return None, None, start
    if comp in ("max", "plus", "ultra") or comp.startswith("max"):
        # "iphone 14 pro max 256 gb", "xs max 64gb": part of the model name, not "at most"
        if re.search(r"\b(?:pro|xs|note\s*\d*|mate|galaxy\s+\w+|iphone\s+\d+)\s*$", low[max(0, comp_start - 20):comp_start]):
            return None, None, start
    for rx, kind, attr in _prefix_kinds():
        if rx.fullmatch(comp) or rx.search(comp):
            return _kind_of(low, start, comp, comp_start, kind, attr)
    return None, None, start


def _kind_of(low: str, start: int, comp: str, comp_start: int, kind: str,
             attr: str | None) -> tuple[str | None, str | None, int]:
    if kind == "bare" and _lex().rx["around_words"].match(comp):
        return "around", attr, comp_start
    if kind == "bare" and re.match(r"(?:rated|rating|with a rating)", comp):
        return "bare", "rating", comp_start
    if kind == "bare" and comp in ("for", "priced at", "cost", "costs", "costing"):
        return "bare", "price" if comp != "for" else None, comp_start
    if comp == "from" and not low.startswith("$", start):
        return None, None, start  # "from 12 to 20" is a range; only "from $300" is a floor
    if kind == "max" and re.search(r"budget|price|spend|afford|pay|limit|cap|have|got", comp):
        attr = "price"
    if kind in ("min", "max") and _lex().rx["neg_flip"].search(low[max(0, comp_start - 40):comp_start]):
        # "i can't spend over $950", "nothing above 300": a negated bound is the opposite bound.
        kind = "max" if kind == "min" else "min"
        if re.search(r"spend|afford|pay|cost", low[max(0, comp_start - 40):comp_start]):
            attr = "price"
    return kind, attr, comp_start


def _ends_previous_postfix(low: str, comp_start: int, comp_end: int) -> bool:
    """Whether the comparator at low[comp_start:comp_end] ends the "or ..." postfix of the number just before it
    ("4.5/5 or less 32 gb": the rating's "or less", not a ceiling on 32 gb). Only after "or": after "and"/"&" a
    new bound starts ("under $250 & below 4 star")."""
    w0 = max(0, comp_start - 30)
    prev = re.search(r"\d\S*(?=\s+or\s+$)", low[w0:comp_start])
    if not prev:
        return False
    _, length = postfix(low[w0 + prev.end():])
    return length > 0 and w0 + prev.end() + length >= comp_end


def postfix(after: str) -> tuple[str | None, int]:
    """(direction, length) of a postfix right after a number ("or more" -> min, "max" -> max, "or so")."""
    lex = _lex()
    post = lex.rx["postfix"].match(after)
    if not post:
        return None, 0
    p = post.group("post")
    if p in lex.maps["post_kind"]:
        return lex.maps["post_kind"][p], post.end()
    if re.match(r"(?:or |and |& )?(?:more|higher|above|greater|better|up|over|bigger|larger)$|plus$|& up$"
                r"|at (?:the )?least$|minimum$|min$|or better$|(?:and|or) no (?:less|lower|fewer)$", p):
        return "min", post.end()
    return "max", post.end()


def assign(t: Turn, attr: str, kind: str, value: float, span: str, value2: float | None = None) -> bool:
    """Set the bound(s) `kind` of `attr` to `value` (a range: to value..value2); False when out of range."""
    update, spans = t.update, t.spans
    lo_f, hi_f = FIELDS[attr]
    if attr == "rating" and (value > 5 or (value2 is not None and value2 > 5)):
        t.doc.warnings.append(f"rating {value:g} in {span!r} is above 5 stars; ignored")
        return False
    if attr == "reviews":
        value = float(round(value))
    if kind == "range":
        lo, hi = sorted((value, value2 if value2 is not None else value))
        update.set[lo_f], update.set[hi_f] = lo, hi
        spans[lo_f] = spans[hi_f] = span
        return True
    if kind == "bare":
        kind = {"price": "max", "rating": "min", "reviews": "min", "storage": "exact"}[attr]
    if kind == "around" and attr == "storage":
        kind = "exact"
    if kind == "around" and attr == "rating":
        update.set[lo_f] = max(0.0, round(value - 0.2, 1))
        spans[lo_f] = span
        return True
    if kind == "around":
        lo, hi = value * (1 - AROUND_TOLERANCE), value * (1 + AROUND_TOLERANCE)
        if attr == "reviews":
            lo, hi = float(round(lo)), float(round(hi))
        else:
            lo, hi = round(lo, 2), round(hi, 2)
        update.set[lo_f], update.set[hi_f] = lo, hi
        spans[lo_f] = spans[hi_f] = span
        return True
    if kind == "exact":
        update.set[lo_f] = update.set[hi_f] = value
        spans[lo_f] = spans[hi_f] = span
        return True
    f = lo_f if kind == "min" else hi_f
    update.set[f] = value
    spans[f] = span
    return True
