"""Category hierarchy index (path prefix -> product rows) behind the category filter and counts; apart from the columnar table since it knows only paths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .filter_values import CATEGORY_SEPARATOR


def category_key(levels: Sequence[str]) -> str:
    """The key of a category path: levels lower-cased, spaces collapsed, joined by " > "."""
    return CATEGORY_SEPARATOR.join(" ".join(x.lower().split()) for x in levels)


@dataclass
class CategoryIndex:
    """Every category node (a path prefix) -> sorted rows of the products at or below it."""

    rows: dict[str, np.ndarray]  # path key (lower-cased) -> rows
    label: dict[str, str]  # path key -> the path as the catalog spells it (first spelling seen)
    depth: dict[str, int]

    @classmethod
    def build(cls, paths: Sequence[Sequence[str]]) -> CategoryIndex | None:
        rows: dict[str, list[int]] = {}
        label: dict[str, str] = {}
        for row, path in enumerate(paths):
            for d in range(1, len(path) + 1):
                key = category_key(path[:d])
                rows.setdefault(key, []).append(row)
                label.setdefault(key, CATEGORY_SEPARATOR.join(path[:d]))
        if not rows:
            return None
        return cls({k: np.asarray(v, dtype=np.int64) for k, v in rows.items()}, label,
                   {k: k.count(CATEGORY_SEPARATOR) + 1 for k in rows})

    def lookup(self, value: str) -> list[str]:
        """Node keys a filter value names: the path from the top ("Electronics > Tv Video"), or when no such
        path exists, every node whose path ends with the value ("Tv Video", "Telephony > Mobile Phones")."""
        key = category_key(value.split(">"))
        if key in self.rows:
            return [key]
        tail = CATEGORY_SEPARATOR + key
        return [k for k in self.rows if k.endswith(tail)]

    def mask(self, value: str, size: int) -> np.ndarray:
        m = np.zeros(size, dtype=bool)
        for key in self.lookup(value):
            m[self.rows[key]] = True
        return m

    def counts(self, base: np.ndarray, depth: int, top: int) -> dict[str, int]:
        counts = {self.label[k]: int(base[r].sum()) for k, r in self.rows.items() if self.depth[k] == depth}
        ranked = sorted(((n, k) for k, n in counts.items() if n > 0), key=lambda t: (-t[0], t[1]))
        return {k: n for n, k in ranked[:top]}

    def paths(self) -> list[str]:
        """Every category path of the catalog, shallow first (the vocabulary a category value snaps to)."""
        return [self.label[k] for k in sorted(self.rows, key=lambda k: (self.depth[k], k))]
