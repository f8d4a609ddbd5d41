"""Removals and resets: "start over", "never mind, i need a case", "any brand", "forget the price",
"no need for 128gb" (a constraint in force said to be unnecessary is lifted)."""

from __future__ import annotations

import functools
import re

from lexicon.load import load
from lexicon.numbers import to_float
from retrieval.filters import EXCLUSION_OF, FIELD_GROUPS

from .context import NUMERIC_GROUP, Turn, drop_value
from .moves import move_rules


@functools.cache
def _removal_rules() -> list[re.Pattern[str]]:
    return [re.compile(r.regex) for r in load("removals").rules]


def parse_resets_and_removals(t: Turn) -> None:
    """Resets first (a reset drops the state the rest of the utterance refines), then field removals."""
    low, doc, rx = t.doc.low, t.doc, load("removals").rx
    for m in rx["reset"].finditer(low):
        t.update.reset = True
        t.spans.setdefault("_reset", m.group(0))
        doc.take(m.start(), m.end())
    opener = rx["dismiss_opener"].match(low)
    # "nvm, cheaper phones" is relative to what is shown: a refinement, not a new search
    if opener and (rx["new_request"].search(low, opener.end())
                   or load("subcategories").rx["accessory"].search(low, opener.end())) and not any(
            r.search(low, opener.end()) for r, _ in move_rules()):
        t.update.reset = True
        t.spans.setdefault("_reset", opener.group(0).strip())
        doc.take(opener.start(), opener.end())
    for removal in _removal_rules():
        for m in removal.finditer(low):
            if doc.free(m.start(), m.end()):
                _remove(t, m)
    for m in rx["open_bound"].finditer(low):
        if doc.free(m.start(), m.end()):
            _open_bound(t, m)
    for m in rx["doesnt_matter"].finditer(low):
        if doc.free(m.start(), m.end()):
            doc.warnings.append(f"{m.group(0)!r} without naming what: nothing removed (say e.g. 'any brand')")
            doc.take(m.start(), m.end())
    if t.update.reset:
        t.state = None


def _remove(t: Turn, m: re.Match[str]) -> None:
    low = t.doc.low
    if re.search(r"\b(?:hardly|barely|scarcely|without|nor)\s+$|n't\s+(?:have|has|got)\s+$",
                 low[max(0, m.start() - 20):m.start()]):
        return  # "hardly any reviews" is a level, "without any brand" no removal
    group = next(g for g in m.groups() if g)
    name = load("removals").maps["group_field"].get(group)
    if name == "rating" and re.search(r"\b(?:number|amount|count)\s+of\b|\bhow many\b", m.group(0)):
        name = "reviews"  # "any number of ratings" counts reviews, not stars
    if name and name not in t.update.remove:
        t.update.remove.append(name)
        for f in FIELD_GROUPS.get(name, ()):
            t.spans[f] = m.group(0)
    t.doc.take(m.start(), m.end())


def _open_bound(t: Turn, m: re.Match[str]) -> None:
    """ "no minimum", "forget the max": the bound on that side goes, the price's where one is in force, else
    the only one of that side in force; nothing when several are and none is the price ("no max" with a
    storage and a screen ceiling)."""
    side = "_min" if m.group("low") else "_max"
    state = t.state
    if state is None:
        return
    in_force = [f for f in NUMERIC_GROUP if f.endswith(side) and getattr(state, f) is not None]
    said = load("removals").maps["group_field"].get(m.group("what") or "", "price")  # "stars": not a group word
    named = [f for f in in_force if NUMERIC_GROUP[f] == ("rating" if m.group("what") == "stars" else said)]
    name = named[0] if named else in_force[0] if len(in_force) == 1 and not m.group("what") else None
    if name is None:
        return
    if name not in t.update.remove:
        t.update.remove.append(name)
    t.spans[name] = m.group(0)
    t.doc.take(m.start(), m.end())


def parse_not_needed(t: Turn) -> None:
    """A constraint in force said to be unnecessary is lifted: "no need for 128gb", "i don't need it to be
    black", "without the samsung filter", "lose the 300 cap". What the words would set is what goes.

    Only when nothing before it read the utterance: the whole message is about what is not needed.
    """
    state = t.state
    if t.doc.consumed or state is None or state.is_empty():
        return
    m = load("removals").rx["not_needed"].match(t.doc.low)
    if not m:
        return
    words = (m.group("x") or m.group("y") or "").strip()
    said = t.reparse(words).set if words else {}
    bare = re.fullmatch(r"\$?\s?(\d[\d,.]*)(k?)(?:\s*(?:dollars?|bucks|usd))?", words)
    if not said and bare:
        # "no need for 256" with 256 GB+ asked: the bound in force with that number; else "lose the 300 cap": a
        # bare amount is the budget
        number = to_float(bare.group(1), bare.group(2) or None)
        named = [f for f in NUMERIC_GROUP if number is not None and getattr(state, f) == number]
        said = {named[0]: number} if named else {"price_max": 0.0}
    lifted = False
    for name, value in said.items():
        if name == "subcategory" or getattr(state, name) in (None, [], "new") and name != "condition":
            continue
        lifted |= _lift(t, name, value, words)
    if not said:
        return  # words this reading does not know ("new", "anything fancy"): the other parsers may
    if not lifted:
        t.doc.warnings.append(f"{words!r} is not a constraint in force; nothing to lift")
    t.doc.take(0, len(t.doc.low))  # a message about what is not needed asks for nothing new


def _lift(t: Turn, name: str, value: object, words: str) -> bool:
    state, update = t.state, t.update
    if isinstance(value, list):
        lifted = False
        for v in value:
            lifted |= drop_value(t, name, v, words)
        return lifted
    if name in NUMERIC_GROUP:
        group = NUMERIC_GROUP[name]
        in_force = [getattr(state, f) for f, g in NUMERIC_GROUP.items() if g == group]
        if value != 0.0 and value not in in_force:
            return False  # "no need for 256gb" while 128 GB+ is asked: nothing of that is in force
        if group not in update.remove:
            update.remove.append(group)
        t.spans[name] = words
        return True
    if getattr(state, name) == value:
        update.remove.append(name)
        t.spans[name] = words
        return True
    return False


def money_no_object(t: Turn) -> None:
    """ "money is no object" with no budget to lift: the shopper wants the top end."""
    state, update = t.state, t.update
    nm = load("levels").rx["no_object"].search(t.doc.low)
    if "price" in update.remove and nm and not (state and (
            state.price_min is not None or state.price_max is not None)) and not any(
            f.startswith("price") for f in update.set):
        update.remove.remove("price")
        update.set["price_min"] = "high"
        t.spans["price_min"] = nm.group(0)


def set_wins_over_remove(t: Turn) -> None:
    """ "any brand, Samsung or Apple" would remove and set in one breath: what is set wins."""
    # Setting only the group's exclusion list keeps the removal: "any color but red" drops the wanted colors.
    t.update.remove = [r for r in t.update.remove
                       if not any(f.startswith(r) and f != EXCLUSION_OF.get(r) for f in t.update.set)]
