"""Carriers: "unlocked", "verizon phones", "works on visible", "t-mobile instead of verizon".

Aliases that are also ordinary words ("sprint", "cricket", "visible") count only with phone or carrier
context; a carrier ruled out leaves the list it is in (excluding carriers is not supported).
"""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from lexicon.words import carriers, spoken_carrier_aliases
from retrieval.filters import PHONES

from .context import Turn, drop_value, negated, phone_rx, set_or_add


@functools.cache
def _aliases() -> list[tuple[str, str, str, re.Pattern[str]]]:
    """(carrier, alias, first word of the alias, pattern), longest alias first ("metro by t-mobile" is Metro)."""
    extra = spoken_carrier_aliases()
    out = [(name, alias, re.findall(r"[a-z0-9]+", alias)[0],
            re.compile(r"(?<![a-z0-9&-])" + re.escape(alias) + r"(?![a-z0-9&-])"))
           for name, aliases in carriers().items() for alias in set(aliases) | set(extra.get(name, ()))]
    out.sort(key=lambda r: (-len(r[1]), r[1]))
    return out


def phone_context(t: Turn) -> bool:
    state = t.state
    return bool(phone_rx().search(t.doc.low)) or bool(state and state.subcategory == PHONES) or bool(
        state and state.carrier)


def parse(t: Turn) -> None:
    if not t.g.has_carriers:
        return
    low, doc = t.doc.low, t.doc
    found: list[tuple[int, str, int, int]] = []
    phone_ctx = phone_context(t)
    context_only = load("carriers").sets["context_only"]
    certain = [(m.start(), m.end()) for _, alias, first, rx in _aliases() if alias not in context_only
               and first in doc.words for m in rx.finditer(low)]
    for name, alias, first, rx in _aliases():
        if first not in doc.words:
            continue
        for m in rx.finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if alias in context_only and not _carrier_slot(t, m, alias, phone_ctx) and not _listed_with(low, m, certain):
                continue
            if alias == "unlocked" and re.match(r"\s+(?:door|doors|achievement|content|level|character)", low[m.end():]):
                continue
            if _lifted_or_ruled_out(t, m, name):
                continue
            start = m.start()
            pm = load("carriers").rx["prep_before"].search(low[max(0, start - 20):start])
            if pm:
                start -= len(low[max(0, start - 20):start]) - pm.start()
            found.append((m.start(), name, start, m.end()))
            doc.take(start, m.end())
    if not found:
        return
    found.sort()
    names: list[str] = []
    for _, name, _, _ in found:
        if name not in names:
            names.append(name)
    set_or_add(t, "carrier", names, t.state.carrier if t.state else [], found[0][2], found[-1][3])
    t.spans["carrier"] = " ... ".join(low[s:e] for _, _, s, e in found)


def _carrier_slot(t: Turn, m: re.Match[str], alias: str, phone_ctx: bool) -> bool:
    """An alias that is also an ordinary word is a carrier only in a carrier slot or while phones are discussed."""
    low, cased = t.doc.low, t.doc.cased
    capitalised = cased[m.start():m.end()][:1].isupper() and m.start() > 0 and cased[m.start() - 2:m.start()] \
        not in (". ", "! ", "? ")
    carrier_ctx = bool(load("carriers").rx["context_before"].search(low[max(0, m.start() - 20):m.start()])) or bool(
        re.match(r"\s+(?:carrier|network|wireless|plan|sim)\b", low[m.end():]))
    # "works on visible", "visible compatible" while phones are discussed: the carrier slot
    slot = bool(re.search(r"\b(?:on|via|through)\s+$", low[max(0, m.start() - 10):m.start()])) or bool(
        re.match(r"[\s-]+(?:compatible|friendly|ready)\b", low[m.end():]))
    # "or metro" while a carrier list is in force: another carrier for the list
    listed = bool(t.state and t.state.carrier) and bool(
        re.search(r"^\W*(?:(?:or|also|plus|and)\s+)+$", low[:m.start()]))
    return carrier_ctx or listed or phone_ctx and (capitalised or slot or alias not in ("visible", "metro", "boost"))


_LIST_JOIN = r"\s*(?:,|/|&|\bor\b|\band\b|\bnor\b)\s*(?:either\s+)?"


def _listed_with(low: str, m: re.Match[str], certain: list[tuple[int, int]]) -> bool:
    """An alias that is also a word is a carrier in a list with a carrier that is only one: "either straight talk
    or at&t", "for visible or t-mobile"."""
    return any(re.fullmatch(_LIST_JOIN, low[m.end():s]) or re.fullmatch(_LIST_JOIN, low[e:m.start()])
               for s, e in certain)


def _lifted_or_ruled_out(t: Turn, m: re.Match[str], name: str) -> bool:
    """ "doesn't need to be unlocked" lifts the field; "not verizon" drops it from the list (True: handled)."""
    low, rem = t.doc.low, load("removals").rx
    before25 = low[max(0, m.start() - 25):m.start()]
    ruled_out = negated(low, m.start()) or bool(rem["drop_before"].search(before25)) or bool(
        re.search(r"(?:\bnot|n't|\bno)\s+(?:on|with|through|via|from|for)\s+(?:the\s+)?$", before25)) or bool(
        load("brands").rx["swap_out_before"].search(before25) or re.search(r"\b(?:instead of|rather than)\s+$", before25))
    not_needed = rem["not_needed_before"].search(before25) or rem["not_needed_after"].match(low[m.end():])
    if not_needed:  # "doesn't need to be unlocked", "unlocked doesn't matter": the carrier filter goes
        t.update.remove.append("carrier")
        t.spans["carrier"] = low[m.start():m.end()]
        t.doc.take(m.start(), m.end() + (not_needed.end() if not_needed.re is rem["not_needed_after"] else 0))
        return True
    if ruled_out and name != "Unlocked":
        if not drop_value(t, "carrier", name, low[m.start():m.end()]):
            t.doc.warnings.append(f"excluding a carrier ({name}) is not supported; ignored")
        t.doc.take(m.start(), m.end())
        return True
    return False
