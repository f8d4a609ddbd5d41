"""Preferences: "ideally in white", "samsung if possible", "256gb would be nice" mark what they soften.

The constraint is read as usual and kept in the state; its fields are listed in `StateUpdate.soft`, so the
search can apply it as a filter while products meet it and rank by it when none do. A cue reaches the
constraints after it in its clause ("if possible under 300"), or, with none there, the one before it
("black if possible"). The cue words are taken, so they never become the topic.
"""

from __future__ import annotations

from lexicon.load import load

from .context import Turn


def parse(t: Turn) -> None:
    low, rx = t.doc.low, load("preferences").rx
    said = [f for f in list(t.update.set) + list(t.update.add) if f in t.spans]
    if not said:
        return
    where = {f: _position(low, t.spans[f]) for f in said}
    soft: list[str] = []
    for m in list(rx["before"].finditer(low)) + list(rx["after"].finditer(low)):
        start, end = _clause(low, m.start(), m.end())
        after = [f for f, p in where.items() if p is not None and m.end() <= p < end]
        before = [f for f, p in where.items() if p is not None and start <= p < m.start()]
        hits = after if after else before[-1:] if before else []
        if hits and before and not after:  # the constraint just before: all fields read from its words
            hits = [f for f in before if where[f] == where[hits[0]]]
        soft += [f for f in hits if f not in soft]
        if hits:
            t.doc.take(m.start(), m.end())
    t.update.soft = soft


def _position(low: str, span: str) -> int | None:
    first = span.split(" ... ")[0].strip()
    i = low.find(first) if first else -1
    return i if i >= 0 else None


def _clause(low: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a cue: from the last boundary before it to the first after it."""
    ends = load("preferences").rx["clause_end"]
    before = [m.end() for m in ends.finditer(low, 0, start)]
    after = ends.search(low, end)
    return (before[-1] if before else 0), (after.start() if after else len(low))
