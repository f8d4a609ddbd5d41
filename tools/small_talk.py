"""Small talk told by meaning: the sentence encoder as a last check after the rules and the catalog's words.

A message that changed nothing and named no product may still be small talk in words no rule lists ("any
news on the election", "is it sunny in london right now"). When the engine's embedder reads meaning (not the
hashing embedder), the message is compared with short prototypes of shopping and of chatter
(small_talk.toml); it is small talk when its best chatter similarity beats its best shopping similarity by
the file's `threshold`. At that margin it flags, on its own, 1 of the 11,562 WebShop shopping requests and
none of the 80 dev turns of the catalog conversation sets; it runs only after the rules and the catalog-words
check found nothing and the message is no request to buy.

    >>> SmallTalk.load(embedder).is_small_talk("any news on the election")        # doctest: +SKIP
    True
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).with_name("small_talk.toml")


@functools.cache
def _prototypes() -> tuple[tuple[str, ...], tuple[str, ...], float]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    shopping, chatter, threshold = data.get("shopping"), data.get("chatter"), data.get("threshold")
    if not shopping or not chatter or not isinstance(threshold, int | float):
        raise ValueError(f"{DATA} needs non-empty `shopping` and `chatter` lists and a numeric `threshold`")
    return tuple(shopping), tuple(chatter), float(threshold)


@dataclass(frozen=True)
class SmallTalk:
    """The prototypes encoded once by one embedder."""

    embedder: Any
    shopping: np.ndarray
    chatter: np.ndarray
    threshold: float

    @classmethod
    def load(cls, embedder: Any) -> SmallTalk:
        shopping, chatter, threshold = _prototypes()
        return cls(embedder, embedder.encode_queries(list(shopping)), embedder.encode_queries(list(chatter)),
                   threshold)

    def margin(self, text: str) -> float:
        """Best chatter similarity minus best shopping similarity (vectors are unit length)."""
        v = self.embedder.encode_queries([text])[0]
        return float((self.chatter @ v).max() - (self.shopping @ v).max())

    def is_small_talk(self, text: str) -> bool:
        return self.margin(text) > self.threshold
