"""Storage read with RAM ("6-64gb", "4gb+64gb", "8/128gb"), and storage dropped for catalogs without it.

Storage sizes with comparators ("at least 128gb") are quantities (quantities.py); storage levels ("lots of
storage") are levels (levels.py).
"""

from __future__ import annotations

from lexicon.load import load

from .comparators import assign
from .context import Turn


def parse_ram_storage(t: Turn) -> None:
    """ "6-64gb", "4gb+64gb", "32gb+3gb": RAM and storage written together; the storage is the larger one."""
    for m in load("comparators").rx["ram_storage"].finditer(t.doc.low):
        a, b = float(m.group(1)), float(m.group(2))
        small, large = sorted((a, b))
        if small <= 16 < 32 <= large and t.doc.free(m.start(), m.end()):
            if assign(t, "storage", "exact", large, m.group(0)):
                t.doc.take(m.start(), m.end())


def drop_without_storage(t: Turn) -> None:
    """A catalog without storage sizes gets no storage constraint: it would empty the results."""
    if t.g.has_storage:
        return
    for f in ("storage_gb_min", "storage_gb_max"):
        if t.update.set.pop(f, None) is not None:
            t.doc.warnings.append("the catalog has no storage sizes; storage constraint ignored")
    t.update.moves = [m for m in t.update.moves if m != "more_storage"]
