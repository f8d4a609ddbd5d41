"""Compatibility: "case for iphone 14", "samsung compatible charger", "band for my apple watch" name the
phone an accessory fits, not the brand the shopper wants."""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from lexicon.words import brand_parents, device_lines, phone_makers, product_lines
from retrieval.facets import brand_key

from ..gazetteer import Gazetteer
from .scan import Hit


@functools.cache
def _phone_makers() -> frozenset[str]:
    """Makers of phones: "<maker> phone case" is a case for that maker's phone, "<accessory brand> phone
    case" theirs."""
    return frozenset({brand_key(b) for b in product_lines().values()} | set(brand_parents().values())
                     | set(phone_makers()))


def names_a_phone(low: str, h: Hit, g: Gazetteer, spans: dict[str, str], accessory_ctx: bool, new_phone: bool) -> bool:
    """True when the brand word names the phone an accessory is for, not the brand wanted."""
    rx = load("brands").rx
    before, end, next_tok = low[max(0, h.start - 40):h.start], h.end, h.next_tok
    canonical = g.brands[h.key]
    # "compatible with an apple ipad", "for a samsung galaxy tablet": the maker's name before its line is part
    # of the device named, so the words before the maker say whether it is what the item is for
    maker = re.search(r"([a-z0-9]+)\s+$", before)
    if maker and g.brands.get(maker.group(1)) == canonical and h.key in g.product_lines:
        before = before[:maker.start()]
    if rx["compat_before"].search(before) and not rx["not_compat_for"].search(before) \
            and not rx["swap_for_before"].search(before):
        return True
    if rx["compat_after"].match(low[end:]) is not None:
        return True
    if h.key in device_lines():
        # "galaxy watch in silver", "show me airpods": the device itself is wanted, and its maker; "macbook pro
        # case cover", "apple watch band": an accessory named besides the device is what is wanted, for it
        return _accessory_besides(low, h)
    # a model number stands right after the brand ("samsung s23 case"); "anker & 4+ stars" is a brand and a rating
    attached = re.match(r"\s*" + re.escape(next_tok), low[end:]) is not None
    return accessory_ctx and not new_phone and bool(
        h.key in g.product_lines or (attached and rx["model_token"].match(next_tok))
        # "samsung galaxy case" is for a Galaxy; "iniu galaxy charger" is an Iniu charger
        or (next_tok in g.product_lines and g.brands[next_tok] == canonical)
        # "samsung phone case" is for a Samsung phone; "tozo phone case" is a Tozo case
        or (next_tok in load("brands").sets["device_next"] and not spans.get("subcategory", "").startswith(next_tok)
            and (next_tok != "phone" or brand_key(canonical) in _phone_makers()))
        or re.search(r"\bmy\s+$", before) is not None)


def _accessory_besides(low: str, h: Hit) -> bool:
    """Whether the message names an accessory or a fit besides the device line itself ("galaxy watch band",
    "case for my apple airpods", "compatible with galaxy watch 4"): then the device is what it is for."""
    rest = low[:h.start] + " , " + low[h.end:]
    for line in device_lines():  # "galaxy buds or pixel buds": another device named is no accessory for this one
        rest = re.sub(rf"(?<![\w-]){re.escape(line)}(?![\w-])", " , ", rest)
    accessory, last = load("subcategories").rx["accessory"], h.key.split()[-1]
    named_for = accessory.match(last + low[h.end:])  # "watch band": the accessory word takes the device's last word
    return bool(accessory.search(rest) or (named_for and named_for.end() > len(last))
                or load("brands").rx["fit_words"].search(rest))


def model_phrase(low: str, h: Hit) -> str | None:
    """The model named after a phone word an accessory is for: "case for the galaxy s21 ultra, black" ->
    "galaxy s21 ultra"; None when no model follows ("case for iphone")."""
    toks = re.findall(r"[a-z0-9+]+", low[h.start:h.start + 60])
    n = len(h.key.split())
    out = toks[:n]
    variants, lines = load("models").sets["variants"], set(product_lines())
    for w in toks[n:n + 5]:
        if load("brands").rx["model_token"].match(w) or w in variants or w in lines or len(w) == 1:
            out.append(w)
        else:
            break
    named = out[n:]
    return " ".join(out) if named and any(any(c.isdigit() for c in w) or w in variants for w in named) else None
