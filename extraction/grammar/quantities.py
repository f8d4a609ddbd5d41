"""Single quantities: "under $300", "4.5+ stars", "150+ reviews", "at least 128gb", "300 or so".

A unitless number needs a comparator, a postfix or a price word to count as a price ("under 300"), and a
number followed by any other unit ("6 inch", "3 pack", "20w", "8gb ram") is never a constraint.
"""

from __future__ import annotations

import re

from lexicon.load import load
from lexicon.numbers import Quantity, g_storage_sizes, quantities, to_float
from retrieval.filters import PHONES

from .comparators import assign, cue_before, postfix, prefix
from .context import Turn, next_word


def parse(t: Turn) -> None:
    """Every free quantity of the utterance that bounds an attribute."""
    low = t.doc.low
    for q in quantities(low):
        if not t.doc.free(q.start, q.end) or q.value is None or _not_a_bound(low, q):
            continue
        post_kind, post_len = postfix(low[q.end:])
        post_end = q.end + post_len
        nxt = next_word(low, post_end)
        kind, implied, comp_start = prefix(low, q.start)
        if _a_count_or_name(low, q, kind, post_kind, nxt):
            continue
        attr = q.kind or _infer_attr(low, q, kind, implied, comp_start, post_kind)
        floor = attr == "price" and not q.kind and _a_storage_floor(t, q, kind, implied, post_kind)
        if floor:
            attr = "storage"
        if attr is None:
            continue
        if attr == "rating" and q.value > 5:
            if kind is None and not q.unit:
                continue
            if not q.unit and not q.kind and q.value >= 20:
                attr = "price"  # "4.5 stars but under 400": the cue was the stars before; no rating is 400
            else:
                attr = "reviews" if q.unit in ("ratings",) else attr
        if attr == "price" and (not q.unit and not q.currency and q.value < 1 or q.value <= 0):
            continue  # "$0" bounds nothing a shopper wants ("show all prices as $0" is not a budget)
        final_kind = _direction(low, q, kind, post_kind)
        if final_kind is None:
            continue
        value = q.value
        if attr == "storage":
            if kind is None and not q.unit and not floor:
                continue
            if q.unit in ("tb", "terabyte", "terabytes"):
                value *= 1024
            sm = re.match(r"\s*(?:of\s+)?(?:internal\s+)?(?:storage(?:\s+space)?|space|memory|capacity)\b",
                          low[post_end:])
            if sm:
                post_end += sm.end()
        span_start = comp_start if kind else q.start
        if assign(t, attr, final_kind, value, low[span_start:post_end].strip()):
            t.doc.take(span_start, post_end)


def _a_storage_floor(t: Turn, q: Quantity, kind: str | None, implied: str | None, post_kind: str | None) -> bool:
    """A bare storage size given as a minimum about a phone is storage, not a price: "at least 256 pls",
    "actually samsung instead and 256 min", "more storage pls, 128 min". Only sizes a phone is sold in
    (`numbers.toml` `g_sizes`), only as a floor, only with no price word in the turn, and only about a phone
    (a phone or storage word in the turn, or phones or a storage bound in the state): "at least 128" said
    about a case is still a price."""
    low = t.doc.low
    if q.value not in g_storage_sizes() or q.currency or q.multiplier or q.unit or implied is not None:
        return False
    if not (kind == "min" or post_kind == "min" or q.plus):
        return False
    cues = load("comparators").maps["cue_words"]
    words = re.findall(r"[a-z$₹€]+", low)
    if any(cues.get(w) == "price" for w in words):
        return False
    state = t.state
    about_a_phone = state is not None and (state.subcategory == PHONES or state.storage_gb_min is not None
                                           or state.storage_gb_max is not None)
    return about_a_phone or any(cues.get(w) == "storage" for w in words) \
        or load("subcategories").rx["phone"].search(low) is not None


def _not_a_bound(low: str, q: Quantity) -> bool:
    """Numbers that are sizes of other things, networks or names, whatever words are around them."""
    if q.unit == "g" and (q.value not in g_storage_sizes() or q.currency or q.multiplier):
        return True  # "5g phone", "4g lte": a network, not a size
    # A letter glued to the number that is not a known unit: "5g", "1080p", "s23" -> a name.
    if not q.unit and q.end < len(low) and re.match(r"[a-z]", low[q.end:q.end + 1]) and not q.multiplier:
        return True
    if q.kind == "storage" and load("fields").rx["ram_after"].match(low[q.end:]):
        return True  # "8gb ram" is not storage; it stays in the topic as a spec
    return q.kind == "storage" and bool(re.search(r"\bram\s*$", low[max(0, q.start - 8):q.start]))


def _a_count_or_name(low: str, q: Quantity, kind: str | None, post_kind: str | None, nxt: str) -> bool:
    """ "iphone 14", "more than 2 cameras", "50 by 60 inches": a name, a count or a dimension."""
    if kind is None and load("comparators").rx["name_before"].search(low[max(0, q.start - 16):q.start]) \
            and not q.currency and not q.unit:
        return True
    if not q.unit and not q.currency and nxt and re.match(r"[a-z]", nxt) \
            and nxt not in load("comparators").sets["free_after"] and post_kind is None:
        return True  # "more than 2 cameras", "up to 10 hours": a count of something else.
    return not q.unit and nxt in ("%", "x", '"', "'", "/", "-", "°", "*", "by") and not q.currency


def _infer_attr(low: str, q: Quantity, kind: str | None, implied: str | None, comp_start: int,
                post_kind: str | None) -> str | None:
    """The attribute of a unitless number: the comparator's, a cue word's, or by its shape."""
    attr = implied or cue_before(low, comp_start if kind else q.start)
    if attr is None and not q.currency and not q.multiplier and re.fullmatch(r"[0-5]\.\d", q.num) \
            and (kind or post_kind or q.plus):
        attr = "rating"  # "over 4.5", "4.5+", "4.2 or above": one decimal up to 5 is a star rating
    if attr is None and kind in ("min", "max", "around"):
        attr = "price"  # "under 300": a unitless number after a comparator is a price
    if attr is None and kind in (None, "bare") and implied is None and (
            post_kind or q.plus and q.value >= 20 and not low[q.end:q.end + 1].isalnum()):
        attr = "price"  # "300 or less", "300 or so", "100+": a bare bound with no unit is a price
    return attr


def _direction(low: str, q: Quantity, kind: str | None, post_kind: str | None) -> str | None:
    """A comparator before the number decides; else a postfix ("or more", "max", "+"); else "around";
    else the attribute's bare meaning (see `assign`). None: a unitless number with no cue at all."""
    if kind in ("min", "max"):
        return kind
    if q.plus:
        return "min"  # "256gb+" says it itself, whatever follows ("256gb+ and less than 350 bucks")
    if post_kind:
        return post_kind
    if kind == "around":
        return "around"
    if kind == "bare" or q.unit or q.currency:
        return "bare"
    if re.search(r"(?:price|budget|rating|rated|cost|priced)\s*(?:is|of|:|=)?\s*$", low[max(0, q.start - 20):q.start]):
        return "bare"  # unitless without a comparator needs a direct cue: "price 200", "rating 4.5"
    return None


UP_WORDS = ("more", "higher", "extra", "up")


def _budget_in_force(t: Turn) -> tuple[str, float] | None:
    """The bound a budget move changes: the ceiling in force, else the floor; None unless it is a number."""
    name = "price_max" if t.state is not None and t.state.price_max is not None else "price_min"
    value = getattr(t.state, name) if t.state is not None else None
    return (name, value) if isinstance(value, float) else None


def _set_budget(t: Turn, name: str, value: float, words: str) -> bool:
    """The whole message moved the budget: set it, and nothing else reads the message."""
    t.update.set[name] = round(value, 2)
    t.spans[name] = words.strip()
    t.doc.take(0, len(t.doc.low))
    return True


def _budget_scale(t: Turn) -> bool:
    """A budget in force multiplied ("double it", "cut that in half", "halve the budget"): the bound in force
    (the ceiling, else the floor) scales. True when read."""
    m = load("comparators").rx["budget_scale"].match(t.doc.low.strip())
    budget = _budget_in_force(t) if m else None
    if m is None or budget is None:
        return False
    factor = 2.0 if m.group("double") or m.group("twice") else 0.5
    return _set_budget(t, budget[0], budget[1] * factor, m.group(0))


def _budget_delta(t: Turn) -> bool:
    """A budget in force moved by an amount ("i can spend 100 more", "can you go 50 lower", "raise it by 100",
    "100 less"): the bound in force (the ceiling, else the floor) moves by the amount. A direction must be said;
    a bare amount without a verb or a currency must be a real share of the budget ("5 more" asks for more
    results). True when read."""
    m = load("comparators").rx["budget_delta"].match(t.doc.low.strip())
    budget = _budget_in_force(t) if m else None
    if m is None or budget is None:
        return False
    name, was = budget
    sign = (1 if m.group("dir") in UP_WORDS else -1) if m.group("dir") else (
        1 if m.group("up") or m.group("plus") else -1 if m.group("down") else 0)
    said_money = any(m.group(g) for g in ("verb", "up", "down", "cur", "unit"))
    value = to_float(m.group("n").replace(",", ""), m.group("k"))
    if not sign or value is None or was + sign * value <= 0:
        return False
    # A bare "100 less" moves the budget when the amount is at least 10 and 5% of it
    if not said_money and (value < 10 or value < 0.05 * was):
        return False
    return _set_budget(t, name, was + sign * value, m.group(0))


def parse_budget_correction(t: Turn) -> None:
    """A bare number said back while a budget is in force corrects that budget: "no, more like 300",
    "make that 250", "can we do 400?", "actually 300", "300 would be better". A storage size said back to a
    storage floor in force corrects the floor ("128 would do")."""
    state = t.state
    if state is None or _budget_scale(t) or _budget_delta(t):
        return
    m = load("comparators").rx["budget_correction"].match(t.doc.low.strip())
    if not m:
        return
    value = to_float(m.group("n").replace(",", ""), m.group("k"))
    if value is None or value <= 0:
        return
    budget = next((b for b in (state.price_max, state.price_min) if b is not None), None)
    # A storage size said back to a storage floor in force ("128 would do", "64 is enough"), unless a budget in
    # force is near the number (then it is the budget: "250 would do" under a $300 limit)
    near_budget = isinstance(budget, float) and 0.5 <= value / budget <= 2
    if isinstance(state.storage_gb_min, float) and value in g_storage_sizes() and not m.group("k") \
            and not near_budget:
        t.update.set["storage_gb_min"] = value
        t.spans["storage_gb_min"] = m.group(0).strip()
        t.doc.take(0, len(t.doc.low))
        return
    if budget is None:
        return
    # The bound in force is the one corrected; with a range, "more like 300" moves the ceiling.
    field_name = "price_min" if state.price_max is None else "price_max"
    t.update.set[field_name] = value
    if field_name == "price_max" and isinstance(state.price_min, float) and state.price_min > value:
        t.update.remove.append("price_min")
    t.spans[field_name] = m.group(0).strip()
    t.doc.take(0, len(t.doc.low))
