"""Ranges: "between $200 and $400", "200-400", "1k-1.5k", "4 to 4.5 stars", "128-256gb"."""

from __future__ import annotations

import re

from lexicon.load import load
from lexicon.numbers import quantity_at, to_float, unit_kind

from .comparators import assign, cue_before
from .context import Turn, next_word


def parse(t: Turn) -> None:
    low = t.doc.low
    lex = load("comparators")
    for m in lex.rx["range"].finditer(low):
        if not t.doc.free(m.start(), m.end()):
            continue
        pre, sep = m.group("pre"), m.group("sep")
        if sep == "and" and pre != "between":
            continue
        values = _values(m.group("q1"), m.group("q2"))
        if values is None:
            continue
        v1, v2 = values
        after = quantity_at(low, m.start("q2"))
        unit2 = after.unit if after else ""
        end = after.end if after and after.unit else m.end()
        unit1m = re.search(r"(dollars?|bucks|usd|\$|stars?|gb|tb)$", m.group("q1"))
        unit = unit2 or (unit1m.group(1) if unit1m else "")
        nxt = next_word(low, end)
        if not unit and nxt and nxt not in lex.sets["free_after"] and re.match(r"[a-z]", nxt):
            continue  # "3-5 days", "54-90 in", "2 to 3 phones"... a quantity of something else
        kind_attr = _attribute(low, m, unit, v1, v2)
        if kind_attr is None:
            continue
        if kind_attr == "storage" and unit in ("tb", "terabyte", "terabytes"):
            v1, v2 = v1 * 1024, v2 * 1024
        if kind_attr == "price" and max(v1, v2) < 1:
            continue
        if assign(t, kind_attr, "range", v1, low[m.start():end], v2):
            t.doc.take(m.start(), end)


def _values(q1: str, q2: str) -> tuple[float, float] | None:
    value = load("numbers").rx["value"]
    v1m, v2m = value.search(q1), value.search(q2)
    if not v1m or not v2m:
        return None
    v1, v2 = to_float(v1m.group(1), v1m.group(2)), to_float(v2m.group(1), v2m.group(2))
    if v1 is None or v2 is None:
        return None
    if v2m.group(2) and not v1m.group(2) and v1 < 100:  # "1-1.5k": both in thousands
        v1 *= 1000
    return v1, v2


def _attribute(low: str, m: re.Match[str], unit: str, v1: float, v2: float) -> str | None:
    """What the range bounds: its unit's attribute, a price by its currency, else a cue; None: no range."""
    q1, q2, pre = m.group("q1"), m.group("q2"), m.group("pre")
    kind_attr = unit_kind(unit.lstrip("-")) if unit else None
    if "$" in q1 or "$" in q2 or "usd" in q1:
        kind_attr = "price"
    if kind_attr is not None:
        return kind_attr
    before = low[max(0, m.start() - 40):m.start()]
    cue = cue_before(low, m.start())
    if load("comparators").rx["name_before"].search(before[-16:]) or (v1 > v2 and cue is None and not pre):
        return None  # "iphone 12-13"; "1905019-5": a code (a range with no cue runs low to high)
    if cue is None and not pre and max(v1, v2) < 20:
        return None  # "2-3", "9-10": sizes and counts far more often than prices
    if all(1900 <= v <= 2100 and v == int(v) for v in (v1, v2)):
        return None  # "from 2006 - 2012": model years
    if re.search(r"\b(?:size|sizes|age|ages|aged|year|years|kids|months)\b", before):
        return None
    if re.search(r"(?:size|sizes|pack|inch|inches|mm|cm|ft|feet|x|by)\s*$", before[-12:]):
        return None
    return cue or "price"
