"""Attributes with units, read into the `Filters` bounds of retrieval/specs.py's attributes.

"at least 8gb of ram" -> ram_gb_min 8; "a 65 inch one" -> screen_in 63.05..66.95; "10000mah or more" ->
battery_mah_min; "a 30w charger" -> power_w_min 30; "4k tv" -> resolution_p_min 2160; "120hz" ->
refresh_hz_min; "under 200 grams" -> weight_g_max 200. Units come from retrieval/units.toml; comparators
from the comparator grammar (`prefix`, `postfix`); what a bare quantity means from lexicon/data/spec_phrases.toml.

RAM and storage stay apart: only GB said with "ram"/"memory" is RAM; other sizes are storage, read by the
quantity parser before this one (a memory card's "128gb" is storage, and the product type keeps it a
memory card's). Runs only for catalogs beyond the paper's phone subcategories, and only for attributes
the catalog states (`Vocabulary.specs`), so phone catalogs read exactly what they read before.
"""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from retrieval.filters import NUMERIC_PAIRS
from retrieval.specs import attributes

from ..categories import reads_types
from .comparators import assign, postfix, prefix
from .context import Turn

_UNIT_ATTRS = ("screen_in", "battery_mah", "power_w", "refresh_hz", "weight_g")


@functools.cache
def _unit_patterns() -> dict[str, re.Pattern[str]]:
    """attribute -> number-and-unit pattern, from units.toml (spellings that are ordinary words left out)."""
    skip = load("spec_phrases").sets["skip_units"]
    out: dict[str, re.Pattern[str]] = {}
    for name in _UNIT_ATTRS:
        attr = attributes()[name]
        units = sorted((u for u in {**attr.units, attr.unit.lower(): 1.0} if u not in skip), key=len, reverse=True)
        alt = "|".join(re.escape(u) for u in units)
        out[name] = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?)\s*-?\s*({alt})(?![a-z0-9+])")
    return out


@functools.cache
def _resolution_rx() -> re.Pattern[str]:
    names = sorted(attributes()["resolution_p"].words, key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w+])")


def mentions(low: str) -> list[tuple[str, int, int, float]]:
    """(attribute, start, end, value in the canonical unit) of every attribute quantity, left to right."""
    lex = load("spec_phrases")
    found: list[tuple[str, int, int, float]] = []
    for m in lex.rx["ram"].finditer(low):
        found.append(("ram_gb", m.start(), m.end(), float(m.group("n1") or m.group("n2"))))
    for name, rx in _unit_patterns().items():
        units = attributes()[name].units
        for m in rx.finditer(low):
            factor = units.get(m.group(2), 1.0)
            found.append((name, m.start(), m.end(), round(float(m.group(1)) * factor, 2)))
    for m in lex.rx["grams"].finditer(low):
        found.append(("weight_g", m.start(), m.end(), float(m.group(1))))
    words = attributes()["resolution_p"].words
    for m in _resolution_rx().finditer(low):
        found.append(("resolution_p", m.start(), m.end(), words[m.group(1)]))
    found.sort(key=lambda x: (x[1], x[1] - x[2]))
    out: list[tuple[str, int, int, float]] = []
    for x in found:  # one reading per place: the longest, first
        if not out or x[1] >= out[-1][2]:
            out.append(x)
    return out


def parse(t: Turn) -> None:
    if not reads_types(t.vocab):
        return
    low, lex = t.doc.low, load("spec_phrases")
    for name, start, end, value in mentions(low):
        if name not in t.vocab.specs or not t.doc.free(start, end):
            continue
        if lex.rx["not_a_spec_after"].match(low[end:]):
            continue
        kind, _, comp_start = prefix(low, start)
        post, post_len = postfix(low[end:])
        direction = kind if kind in ("min", "max", "around") else post or lex.maps["bare"][name]
        span_start = comp_start if kind else start
        span_end = end + (post_len if post and not kind else 0)
        _bound(t, name, str(direction), value, low[span_start:span_end].strip())
        t.doc.take(span_start, span_end)
    if "ram_gb_min" in t.update.set and "storage_gb_min" not in t.update.set and t.g.has_storage:
        for m in lex.rx["storage_after_ram"].finditer(low):
            if t.doc.free(m.start(), m.end()):
                gb = float(m.group(1)) * (1024 if m.group(2) == "tb" else 1)
                if assign(t, "storage", "exact", gb, m.group(0)):
                    t.doc.take(m.start(), m.end())
                break


def _bound(t: Turn, name: str, direction: str, value: float, span: str) -> None:
    lo_f, hi_f = NUMERIC_PAIRS[name]
    tol = float(load("spec_phrases").maps["tolerance"].get(name, 0.0))
    if direction == "around":
        tol = max(tol, 0.1)
    if direction == "exact" and name == "screen_in":
        t.update.set[lo_f], t.update.set[hi_f] = screen_range(value)
        t.spans[lo_f] = t.spans[hi_f] = span
    elif direction in ("exact", "around"):
        t.update.set[lo_f], t.update.set[hi_f] = round(value * (1 - tol), 2), round(value * (1 + tol), 2)
        t.spans[lo_f] = t.spans[hi_f] = span
    else:
        field = lo_f if direction == "min" else hi_f
        t.update.set[field] = value
        t.spans[field] = span


def screen_range(inches: float) -> tuple[float, float]:
    """The sizes a stated screen size admits: its rounding (lexicon/data/spec_phrases.toml `screen_rounding`).

    >>> screen_range(15.6), screen_range(15.0), screen_range(55.0)
    ((15.5, 15.7), (14.9, 15.9), (54.5, 55.5))
    """
    r = load("spec_phrases").maps["screen_rounding"]
    if inches >= float(r["large_from"]):
        below = above = float(r["large"])
    elif inches != int(inches):
        below = above = float(r["stated_digit"])
    else:
        below, above = float(r["whole_below"]), float(r["whole_above"])
    return round(inches - below, 2), round(inches + above, 2)
