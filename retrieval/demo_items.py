"""Shared pieces of the demo catalog generator (`retrieval.demo_catalog`): one generated item and the
price and bullet helpers every leaf generator uses."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Item:
    """What a leaf generator decides; `_row` adds ratings, store and the fixed keys."""
    title: str
    brand: str
    features: list[str]
    description: list[str]
    details: dict[str, Any]
    price: float | None


def retail(rng: random.Random, x: float, floor: int = 5) -> float:
    """A shelf price: whole dollars plus a usual ending (.99 mostly)."""
    whole = max(floor, int(x))
    if whole >= 200 and rng.random() < 0.5:
        whole = whole // 10 * 10 + 9  # $809.99 rather than $803.99
    return round(whole + rng.choice((0.99, 0.99, 0.99, 0.95, 0.49, 0.0)), 2)


def bullets(rng: random.Random, kinds: Sequence[Sequence[str]], forced: Sequence[str] = ()) -> list[str]:
    """One template per bullet kind, then 3-6 bullets in total, kinds kept in their natural order."""
    chosen = [rng.choice(t) for t in kinds]
    k = min(len(chosen), rng.randint(3, 6) - len(forced))
    return list(forced) + [chosen[i] for i in sorted(rng.sample(range(len(chosen)), k))]
