"""What a brand mention does: wanted, excluded ("not samsung"), swapped out ("forget samsung"), or an
exclusion lifted ("ugreen is fine after all")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lexicon.load import load

from ..context import Turn
from .scan import Hit

Span = tuple[str, int, int]  # (canonical brand, start, end)


@dataclass
class Roles:
    wanted: list[Span] = field(default_factory=list)
    excluded: list[Span] = field(default_factory=list)
    unexcluded: list[str] = field(default_factory=list)
    swapped_out: list[Span] = field(default_factory=list)
    last_excluded_end: int = -10
    last_brand_end: int = -10

    def in_list(self, low: str, start: int) -> bool:
        """The mention continues a list of brands ("apple, samsung or lg")."""
        return self.last_brand_end >= 0 and load("brands").rx["continues_list"].match(
            low[self.last_brand_end:start]) is not None


def unexcludes(t: Turn, h: Hit, canonical: str) -> bool:
    """ "ugreen is fine after all", "stop excluding ugreen": an excluded brand accepted again."""
    low, rx = t.doc.low, load("brands").rx
    before = low[max(0, h.start - 40):h.start]
    return t.state is not None and canonical in t.state.brand_exclude and bool(
        rx["unexclude_before"].search(before) or load("conditions").rx["also_ok_after"].match(low[h.end:])
        or rx["is_ok_after"].match(low[h.end:]))


def classify(t: Turn, h: Hit, canonical: str, is_line: bool, roles: Roles) -> None:
    """Record the mention's role and take its words (and the cue words before or after it)."""
    low, doc, rx = t.doc.low, t.doc, load("brands").rx
    start, end = h.start, h.end
    before = low[max(0, start - 40):start]
    roles.last_brand_end = end
    gap = low[roles.last_excluded_end:start] if roles.last_excluded_end >= 0 else ""
    swap_out = rx["swap_out_before"].search(before)
    take_off = re.search(r"\btake\s+(?:the\s+)?$", before) and re.match(r"\s+(?:off|out)\b", low[end:])
    if swap_out or take_off:  # "take samsung off" as well
        roles.swapped_out.append((canonical, start, end))
        doc.take(start - (len(before) - (swap_out or take_off).start()), end)
        return
    out_after = rx["out_after"].match(low[end:])
    if out_after:  # "google's out too", "samsung is off the list"
        roles.excluded.append((canonical, start, end))
        roles.last_excluded_end = end
        doc.take(start, end + out_after.end())
        return
    # "not samsung, google" swaps; "not samsung, apple or lg" lists: a bare comma continues the
    # exclusion only when the list goes on after this brand.
    continues = roles.last_excluded_end >= 0 and bool(rx["continues_list"].match(gap)) and (
        gap.strip() != "," or bool(re.match(r"\s*(?:,|or\b|and\b|nor\b)", low[end:])))
    ex = rx["exclude_before"].search(before)
    if ex or continues:
        roles.excluded.append((canonical, start, end))
        roles.last_excluded_end = end
        doc.take(start - (len(before) - ex.start()) if ex else start, end)
    else:
        roles.wanted.append((canonical, start, end))
        if not is_line:  # "iphone", "pixel 7" stay in the topic: they say which model
            doc.take(start, end)
