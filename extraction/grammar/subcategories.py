"""Subcategory: phone words and accessory words; accessory words win ("phone case" is an accessory).

Catalogs outside phones have their own subcategory names (from the vocabulary), matched as words.
"""

from __future__ import annotations

import re

from lexicon.load import load
from retrieval.filters import ACCESSORIES, PHONES
from retrieval.roles import type_table

from .context import Turn, phone_rx
from .gazetteer import tokens


def parse(t: Turn) -> None:
    low, doc, g = t.doc.low, t.doc, t.g
    acc = _accessory(t)
    # read on the words no parser took: "mint mobile phone" is the carrier Mint Mobile and a phone
    phone = next(phone_rx().finditer(doc.unread()), None)
    if g.has_phone_subcats:
        if acc is not None and phone is None and _for_other_device(t):
            return
        if acc is not None:
            t.update.set["subcategory"] = ACCESSORIES
            t.spans["subcategory"] = acc.group(0)
            return
        if phone is not None and not _fits_phone(t, phone):
            t.update.set["subcategory"] = PHONES
            t.spans["subcategory"] = phone.group(0)
            return
    if g.subcats:
        toks = tokens(low)
        for n in (3, 2, 1):
            for i in range(len(toks) - n + 1):
                key = " ".join(toks[i:i + n])
                if key in g.subcats:
                    t.update.set["subcategory"] = g.subcats[key]
                    t.spans["subcategory"] = key
                    return


def _fits_phone(t: Turn, phone: re.Match[str]) -> bool:
    """ "its for an iphone 13 btw" while accessories are shown: the phone the accessory is for, no switch."""
    if not (t.state and t.state.subcategory == ACCESSORIES):
        return False
    rx, before = load("brands").rx, t.doc.low[max(0, phone.start() - 40):phone.start()]
    return bool(rx["compat_before"].search(before)) and not rx["not_compat_for"].search(before)


def _accessory(t: Turn) -> re.Match[str] | None:
    """The first free accessory word that asks for an accessory."""
    low, lex = t.doc.low, load("subcategories")
    context_nouns = lex.sets["context_nouns"]
    for m in lex.rx["accessory"].finditer(low):
        word = m.group(0)
        if (lex.rx["product_question"].match(low) or phone_rx().search(low)) and lex.rx["included_before"].search(
                low[max(0, m.start() - 40):m.start()]):
            # "does it come with a charger?", "a phone that comes with a case": what a phone includes or
            # works with, not a request for chargers
            continue
        if word == "case" and lex.rx["in_case"].search(low[max(0, m.start() - 12):m.start()]):
            continue
        if word in context_nouns and not phone_rx().search(low) and not (t.state and t.state.subcategory == ACCESSORIES):
            continue
        if not t.doc.free(m.start(), m.end()) or type_table().names_a_part(low, m.end()):
            continue  # taken, or a part of the phone ("is there an sd card slot?", "the charger port")
        return m
    return None


def _for_other_device(t: Turn) -> bool:
    """The accessory is for a laptop, a console, a TV... and no phone is named: not a phone accessory."""
    if t.state and t.state.subcategory == ACCESSORIES:
        return False  # "a laptop stand too?" while browsing accessories: stay with them
    return load("subcategories").rx["other_device"].search(t.doc.low) is not None
