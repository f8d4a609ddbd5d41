"""Writing the brand roles into the update: swaps replace, exclusions add up, additive wording adds."""

from __future__ import annotations

import re

from lexicon.load import load

from ..context import Turn, drop_value, set_or_add, unique
from .roles import Roles, Span


def reconcile(low: str, roles: Roles) -> None:
    """ "google instead of motorola", "rather pixel than samsung", "not samsung, tcl": with a wanted brand,
    the brand it replaces is not also put on the exclusion list."""
    if not (roles.wanted and roles.excluded):
        return
    swap_before = load("brands").rx["swap_before"]
    excluded = [e for e in roles.excluded if not swap_before.search(low[max(0, e[1] - 45):e[1]])]
    first_wanted = min(s for _, s, _ in roles.wanted)
    if excluded and re.match(r"^\W*(?:(?:no|nope|nah|oh|sorry|actually)\W+)*not\s", low) and all(
            e[2] <= first_wanted for e in excluded) and re.fullmatch(
            r"\s*(?:,|but|, but|;|-)\s*(?:(?:rather|instead|maybe|show(?: me)?|i meant?|make it)\s+)?",
            low[max(e[2] for e in excluded):first_wanted]):
        excluded = []
    roles.excluded = excluded


def write(t: Turn, roles: Roles) -> None:
    low, state, update, spans = t.doc.low, t.state, t.update, t.spans
    if roles.swapped_out:
        _swap_out(t, roles.swapped_out, roles.wanted)
    if roles.unexcluded and not roles.excluded:
        update.set["brand_exclude"] = [b for b in state.brand_exclude if b not in roles.unexcluded]
        spans["brand_exclude"] = ", ".join(roles.unexcluded)
    if roles.excluded:
        names = unique([b for b, _, _ in roles.excluded])
        update.set["brand_exclude"] = unique(list(state.brand_exclude if state else []) + names)
        spans["brand_exclude"] = " ... ".join(low[s:e] for _, s, e in roles.excluded)
    if roles.wanted:
        names = unique([b for b, _, _ in roles.wanted])
        if roles.swapped_out:  # "forget samsung, show google": a swap replaces, whatever else the wording says
            update.set["brand"] = names
        else:
            set_or_add(t, "brand", names, state.brand if state else [], roles.wanted[0][1], roles.wanted[-1][2])
        spans["brand"] = " ... ".join(low[s:e] for _, s, e in roles.wanted)


def _swap_out(t: Turn, swapped_out: list[Span], wanted: list[Span]) -> None:
    """Brands after "forget", "switch from", "replace": out of the brand list, and never excluded.

    With a new brand in the same utterance the new one simply replaces the list (done by the caller). Alone
    ("forget samsung"), a chosen brand leaves the list; a brand that was not chosen was only being shown,
    so dismissing it excludes it (the shopper does not want to see it again).
    """
    state = t.state
    current = list(state.brand) if state else []
    for name, s, e in swapped_out:
        span = t.doc.low[s:e]
        if wanted:
            continue
        if name in current:
            drop_value(t, "brand", name, span)
            current = [b for b in current if b != name]
        else:
            t.update.set["brand_exclude"] = unique(list(t.update.set.get(
                "brand_exclude", state.brand_exclude if state else [])) + [name])
            t.spans["brand_exclude"] = span
