"""Which shown product wins on a measurable aspect: "which has the biggest battery?", "which is lightest?".

Values come from the parsed attributes (retrieval/specs.py: battery mAh, storage GB, screen inches,
weight grams...) and, for cameras, from the megapixel figures of the listing (the largest rear figure:
"Rear Camera: 48MP + 8MP, Front Camera: 16MP" -> 48). Aspect words are data (compare.toml).

    >>> from retrieval.catalog import Product
    >>> a = Product(id="a", title="Phone A, 6000mAh", specs={"battery_mah": 6000.0})
    >>> b = Product(id="b", title="Phone B", features=["5000 mAh battery"])
    >>> aspect_of("which has the biggest battery?")
    'battery'
    >>> rank([a, b], "battery")["winner"]
    'a'
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from retrieval.catalog import Product
from retrieval.specs import format_value, parse_specs, product_value

DATA = Path(__file__).with_name("compare.toml")
_MP = re.compile(r"(\d{1,3}(?:\.\d)?)\s*(?:mp|megapixels?|mega\s*pixels?)\b", re.IGNORECASE)
_FRONT = re.compile(r"\b(?:front|selfie)(?:[\s-]+(?:facing|camera|cam))*\s*:?\s*(?:camera\s*)?", re.IGNORECASE)
# Battery life in hours ("Playback: up to 30hr", "21H Playtime", "50 hours of music"), read where the words
# around it speak of playing or the battery, never standby or charging time ("charges in 2 hours").
_HOURS = re.compile(r"(\d{1,3}(?:\.\d)?)\s*\+?\s*(?:hrs?|hours?|h)\b", re.IGNORECASE)
_PLAY = re.compile(r"play\s*(?:back|time)|battery|music|backup|talk\s*time|non[- ]?stop|listening", re.IGNORECASE)
_NOT_PLAY = re.compile(r"stand\s*-?by|charg(?:e|es|ed|ing)\s+(?:in|within|time)|full(?:y)?\s+charg|minutes?\s+charg",
                       re.IGNORECASE)


@cache
def aspects() -> dict[str, dict[str, Any]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    for name, entry in data.items():
        if name != "flip" and not {"words", "attribute", "best", "noun"} <= set(entry):
            raise ValueError(f"{DATA}: aspect [{name}] needs words, attribute, best and noun")
    return data


def _has(words: list[str], text: str) -> bool:
    return any(re.search(r"\b" + re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else r"\b"), text)
               for w in words)


def aspect_of(text: str) -> str | None:
    """The aspect a question compares on, or None ("which is cheaper" is a pick, not an aspect)."""
    low = text.lower()
    for name, entry in aspects().items():
        if name != "flip" and _has(entry["words"], low):
            return name
    return None


def flipped(text: str) -> bool:
    """True for "the smallest screen", "least storage": the other end of the aspect."""
    return _has(aspects()["flip"]["words"], text.lower())


def megapixels(p: Product) -> float | None:
    """The largest rear-camera megapixel figure in the title and features (front-camera figures skipped)."""
    best = None
    for text in [p.title, *p.features, *(f"{k}: {v}" for k, v in p.details.items())]:
        for m in _MP.finditer(text):
            before = text[max(0, m.start() - 25):m.start()]
            if _FRONT.search(before) and not re.search(r"\brear\b", before, re.IGNORECASE):
                continue
            v = float(m.group(1))
            if 0.3 <= v <= 250:
                best = v if best is None else max(best, v)
    return best


def playtime_hours(p: Product) -> float | None:
    """The longest battery life in hours the title, features and details state ("up to 30hr playback")."""
    best = None
    for text in [p.title, *p.features, *(f"{k}: {v}" for k, v in p.details.items())]:
        for m in _HOURS.finditer(text):
            around = text[max(0, m.start() - 40):m.end() + 25]
            if not _PLAY.search(around) or _NOT_PLAY.search(around):
                continue
            v = float(m.group(1))
            if 1 <= v <= 200:
                best = v if best is None else max(best, v)
    return best


def value(p: Product, attribute: str) -> float | None:
    if attribute == "megapixels":
        return megapixels(p)
    if attribute == "playtime_hours":
        return playtime_hours(p)
    v = product_value(p, attribute)
    if v is None:
        v = parse_specs(p.title, p.details).get(attribute)
    if v is None and attribute == "battery_mah":  # a battery is often only in the features
        v = parse_specs(" ".join(p.features)[:2000]).get(attribute)
    return v


def label(attribute: str, v: float) -> str:
    if attribute == "playtime_hours":
        return f"{v:g} hours"
    return f"{v:g} MP" if attribute == "megapixels" else format_value(attribute, v)


def rank(products: list[Product], aspect: str, flip: bool = False) -> dict[str, Any]:
    """{"aspect", "noun", "best", "values": [{"id", "value", "label"}] (best first), "winner": id or None,
    "missing": [ids without a value]}; no winner on a tie for first or with fewer than one value."""
    entry = aspects()[aspect]
    best = entry["best"] if not flip else ("min" if entry["best"] == "max" else "max")
    known, missing = _values(products, entry["attribute"])
    if not known and entry.get("fallback"):  # earbuds state hours of playback, not mAh
        aspect = entry["fallback"]
        entry = aspects()[aspect]
        known, missing = _values(products, entry["attribute"])
    known.sort(key=lambda pv: -pv[1] if best == "max" else pv[1])
    values = [{"id": p.id, "value": v, "label": label(entry["attribute"], v)} for p, v in known]
    tie = len(known) >= 2 and known[0][1] == known[1][1]
    return {"aspect": aspect, "noun": entry["noun"], "best": best, "values": values,
            "winner": known[0][0].id if known and not tie else None, "tie": tie, "missing": missing}


def _values(products: list[Product], attribute: str) -> tuple[list[tuple[Product, float]], list[str]]:
    known, missing = [], []
    for p in products:
        v = value(p, attribute)
        (known.append((p, v)) if v is not None else missing.append(p.id))
    return known, missing


_COMPARATIVE = re.compile(r"\b(?:bigger|larger|longer|lighter|heavier|smaller|more|better|faster|higher|greater|"
                          r"thinner|brighter|sharper|bigger|longest|biggest|largest|lightest|best|most)\b")


def unfiltered_aspect(topic: str, changed: list[str] | dict[str, Any]) -> str | None:
    """The aspect a comparative phrase left in the search topic asks for ("a longer battery" -> "battery")
    when no constraint on its attribute was set: the catalog has no figures for it, so the words only rank
    by meaning. None when the phrase became a constraint or names no aspect."""
    low = (topic or "").lower()
    aspect = aspect_of(low) if _COMPARATIVE.search(low) else None
    if aspect is None:
        return None
    attribute = aspects()[aspect]["attribute"]
    if any(str(f).startswith(attribute) for f in changed):
        return None
    return str(aspects()[aspect]["noun"])
