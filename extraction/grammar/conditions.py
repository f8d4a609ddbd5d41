"""Condition: "brand new", "refurbished", "used phones"; "new or used" and "refurbished is ok too" set none."""

from __future__ import annotations

import re

from lexicon.load import load
from retrieval.filters import Filters

from .context import Turn, negated


def _tolerates_other(t: Turn, start: int, end: int, value: str) -> bool:
    """True when the shopper accepts `value` besides another condition: "refurbished is ok too",
    "new or used", "or refurbished" (when new was asked before). Such wording sets no condition."""
    rx, low, state = load("conditions").rx, t.doc.low, t.state
    if rx["either"].search(low):
        return True
    if rx["also_ok_after"].match(low[end:]) and re.match(r"^.*?\b(?:too|as well|also)\b", low[end:]):
        return True
    if state is None or state.condition is None or state.condition == value:
        return False
    return bool(rx["also_ok_after"].match(low[end:]) or rx["also_ok_before"].search(low[max(0, start - 12):start]))


def _not_needed(low: str, start: int, end: int) -> bool:
    rx = load("removals").rx
    return bool(rx["not_needed_before"].search(low[max(0, start - 25):start]) or rx["not_needed_after"].match(low[end:]))


def _lift(t: Turn, m: re.Match[str]) -> None:
    t.update.remove.append("condition")
    t.spans["condition"] = m.group(0)
    t.doc.take(m.start(), m.end())


def parse(t: Turn) -> None:
    low, doc, rx = t.doc.low, t.doc, load("conditions").rx
    nn = rx["new_not_needed"].search(low)
    if nn and doc.free(nn.start(), nn.end()):  # "doesn't have to be new": bare "new" is no condition elsewhere
        _lift(t, nn)
        return
    either = rx["either"].search(low)
    if either and doc.free(either.start(), either.end()):  # "new or used", "refurbished or new is fine"
        if isinstance(t.state, Filters) and t.state.condition is not None:
            t.update.remove.append("condition")
        t.spans["condition"] = either.group(0)
        doc.take(either.start(), either.end())
        return
    for m in rx["new"].finditer(low):
        if doc.free(m.start(), m.end()):
            if _tolerates_other(t, m.start(), m.end(), "new") or _not_needed(low, m.start(), m.end()):
                _lift(t, m)
                return
            t.update.set["condition"] = "new"
            t.spans["condition"] = m.group(0)
            doc.take(m.start(), m.end())
            return
    for which in ("renewed", "used"):
        for m in rx[which].finditer(low):
            if not doc.free(m.start(), m.end()):
                continue
            if which == "used" and rx["used_not_before"].search(low[max(0, m.start() - 20):m.start()]) and not re.search(
                    r"\b(?:that|which) (?:is|are)\s+$", low[max(0, m.start() - 12):m.start()]):
                # "cases that is used" (a clause ending in the condition) is a condition; "it is used" is not
                continue
            if _not_needed(low, m.start(), m.end()):
                t.update.remove.append("condition")  # "doesn't have to be refurbished"
            elif negated(low, m.start()):
                t.update.set["condition"] = "new"
            elif _tolerates_other(t, m.start(), m.end(), "renewed"):
                t.update.remove.append("condition")
            else:
                t.update.set["condition"] = "renewed"
            t.spans["condition"] = m.group(0)
            doc.take(m.start(), m.end())
            return
