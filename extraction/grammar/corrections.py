"""Corrections: "oops i meant 256 not 128", "my bad, garmin not fitbit", "sorry meant metro not cricket".

A shopper who slipped says the right value and the wrong one it replaces. The wrong one is in force (a value
of a list, or a number); the right one is of the same kind, read by the whole grammar on its own words. The
slip is replaced, and nothing is ruled out: "not" here undoes what was said, it does not exclude it. Only when
the whole message is such a correction (`lexicon/data/removals.toml` `correction`), and only when the state
before holds the value replaced; otherwise the other parsers read the message as usual ("samsung not apple"
said first is a brand wanted and one excluded).
"""

from __future__ import annotations

import re

from lexicon.load import load
from retrieval.filters import NUMERIC_FIELDS

from .context import Turn

_NUMBER = re.compile(r"\$?\s?(\d+(?:\.\d+)?)\s*(?:gb|gigs?|dollars?|bucks|stars?)?")


def parse_correction(t: Turn) -> None:
    """Replace the value in force the message names after "not" by the one it names before."""
    state = t.state
    m = load("removals").rx["correction"].match(t.doc.low)
    if state is None or state.is_empty() or not m or t.doc.consumed:
        return
    right, wrong = m.group("x").strip(), m.group("y").strip()
    if _numbers(t, right, wrong) or _values(t, right, wrong):
        t.doc.take(0, len(t.doc.low))


def _numbers(t: Turn, right: str, wrong: str) -> bool:
    """ "256 not 128": the numeric field in force whose value is the wrong number takes the right one."""
    r, w = _NUMBER.fullmatch(right), _NUMBER.fullmatch(wrong)
    if not (r and w):
        return False
    old, new = float(w.group(1)), float(r.group(1))
    for name in NUMERIC_FIELDS:
        if getattr(t.state, name) == old:
            t.update.set[name] = new
            t.spans[name] = t.doc.low
            return True
    return False


# Words alone can be ordinary words ("apple", "metro"): each list field is also read in a frame that makes them
# that field's value, the way the grammar reads them in a sentence.
_FRAMES = {"brand": "{} brand", "carrier": "{} carrier", "color": "in {}"}


def _read(t: Turn, words: str) -> dict[str, list[str]]:
    """List-field values `words` name, plain or in a field's frame."""
    out = {k: v for k, v in t.reparse(words).set.items() if isinstance(v, list) and v}
    for name, frame in _FRAMES.items():
        if name not in out:
            framed = t.reparse(frame.format(words)).set.get(name)
            if isinstance(framed, list) and framed:
                out[name] = framed
    return out


def _values(t: Turn, right: str, wrong: str) -> bool:
    """ "garmin not fitbit": a list field whose values in force hold what the wrong words name takes what the
    right words name instead (a value the catalog does not sell is dropped later, with its warning)."""
    said_right: dict[str, list[str]] | None = None  # read only once a slip is found in force
    for name, values in _read(t, wrong).items():
        current = getattr(t.state, name, None)
        slips = {str(v).lower() for v in values}
        if not isinstance(current, list) or not slips & {str(v).lower() for v in current}:
            continue
        said_right = _read(t, right) if said_right is None else said_right
        if name not in said_right:
            continue
        kept = [v for v in current if str(v).lower() not in slips]
        t.update.set[name] = kept + [v for v in said_right[name] if v not in kept]
        t.spans[name] = t.doc.low
        return True
    return False
