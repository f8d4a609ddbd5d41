"""Title words the query names: a small lexical signal added to the embedder's similarity.

A sentence embedder ranks "earbuds with active noise cancellation" by overall meaning, so earbuds that say
"ENC" or only "noise" come as high as those whose titles say "Active Noise Cancellation"; a point-and-shoot
camera query meets surveillance cameras. Titles name what a product is, so the share of the query's words
(weighted by how rare each is in the catalog's titles, idf) that a title carries is a cheap, exact signal:
`coverage` in [0, 1], added to the score as `RankingOptions.lexical_weight * coverage`. The hybrid rows of
evals/retrieval_eval.py (BM25 fused with the embedder) measured the same effect on the dev qrels.

Words that say nothing about a product (lexicon/data/fillers.toml) are not counted; a plural and its
singular are one word ("earbuds", "earbud").

    >>> lex = TitleWords(["Sony Active Noise Cancellation Earbuds", "Boat ENC Earbuds"])
    >>> [round(float(x), 2) for x in lex.coverage("earbuds with active noise cancellation")]
    [1.0, 0.17]
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

import numpy as np

from lexicon.load import load
from lexicon.words import singular

_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")


@functools.cache
def _stop() -> frozenset[str]:
    lex = load("fillers")
    return frozenset(lex.sets["tokens"] | lex.sets["never_topic"] | lex.sets["question_words"])


class TitleWords:
    """An inverted index of title words (built once per engine): word -> rows, and each word's idf."""

    def __init__(self, titles: Sequence[str]) -> None:
        self.size = len(titles)
        postings: dict[str, list[int]] = {}
        for row, title in enumerate(titles):
            for w in {singular(w) for w in _WORD.findall(title.lower())}:
                postings.setdefault(w, []).append(row)
        self._rows = {w: np.asarray(r, dtype=np.int64) for w, r in postings.items()}
        self._idf = {w: math.log(1.0 + self.size / len(r)) for w, r in postings.items()}
        numbers: dict[str, set[int]] = {}  # digit run -> rows whose title has a word with it ("11" in "note11")
        for w, r in postings.items():
            for run in _DIGITS.findall(w):
                numbers.setdefault(run, set()).update(r)
        self._numbers = {n: np.fromiter(sorted(r), dtype=np.int64) for n, r in numbers.items()}

    def with_number(self, number: str) -> np.ndarray:
        """Rows (sorted) whose title has a word carrying the digit run `number` ("23" in "S23", "s-23")."""
        return self._numbers.get(number, np.zeros(0, dtype=np.int64))

    def coverage(self, query: str) -> np.ndarray:
        """Per row, the idf-weighted share of the query's content words its title carries (zeros: none)."""
        words = [w for w in dict.fromkeys(singular(w) for w in _WORD.findall(query.lower())) if w not in _stop()]
        out = np.zeros(self.size, dtype=np.float32)
        # A word no title has still counts in the total: "rtx" unknown here makes no title a full match.
        total = sum(self._idf.get(w, math.log(1.0 + self.size)) for w in words)
        if not words or total <= 0:
            return out
        for w in words:
            rows = self._rows.get(w)
            if rows is not None:
                out[rows] += self._idf[w] / total
        return out
