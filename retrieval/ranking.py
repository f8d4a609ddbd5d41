"""What a shopper sees of a ranked list: a quality prior, one card per model, and only close matches.

Three steps over hits that already satisfy every filter (none of them adds a product):

* `prior` -> final score = similarity + w * quality (- a small penalty under 3 stars), where quality is the rating shrunk toward the
  catalog mean by its review count (a Bayesian average with `prior_reviews` pseudo-ratings), mapped from
  1-5 stars to [0, 1]: 4.6 stars from 2,000 ratings outranks 5.0 from 3, and a 2.5-star phone with few
  reviews needs a clearly better match to beat a 4.5-star one.
* `group` -> one hit per variant group (retrieval/variants.py), the best-scoring member standing for it;
  with grouping off, at most `max_per_model` hits of one group in a page, the rest moved down.
* `close` -> hits whose similarity is far below the best (under `close_ratio` x best AND under
  `close_floor`) are not close matches; the first page shows only close ones, so it may hold fewer than k.

    >>> round(bayesian_quality(np.array([5.0, 4.6]), np.array([3.0, 2000.0]), mean=4.0, m=20)[0], 3)
    0.783
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

H = TypeVar("H")


@dataclass(frozen=True)
class RankingOptions:
    """How results are shaped; the shell fills it from `Settings` (SIFT_QUALITY_WEIGHT, ...)."""

    quality_weight: float = 0.02  # w in similarity + w * quality; chosen on the dev qrels (evals/ranking_eval.py)
    prior_reviews: float = 20.0  # m: pseudo-ratings at the catalog mean that a product's own ratings outweigh
    group_variants: bool = True  # one card per model, its variants summarised on the card
    max_per_model: int = 2  # with grouping off: at most this many of one model in a page
    close_ratio: float = 0.8  # a hit is a close match when its similarity is at least this share of the best ...
    close_floor: float = 0.35  # ... or at least this absolute similarity
    pool: int = 60  # hits ranked and grouped per page shown (more pages ask for more)
    poor_rating: float = 3.0  # a product rated under this many stars ...
    poor_penalty: float = 0.03  # ... loses this much score: it needs a clearly better match to come first
    lexical_weight: float = 0.15  # + this x the share of the query's words a title carries (retrieval/lexical.py)


def prior(rating: np.ndarray, reviews: np.ndarray, options: RankingOptions) -> np.ndarray:
    """Per row, what the prior adds to the similarity: w * quality, less the penalty for a poor rating."""
    q = options.quality_weight * bayesian_quality(rating, reviews, m=options.prior_reviews)
    poor = np.nan_to_num(np.asarray(rating, dtype=np.float64), nan=5.0) < options.poor_rating
    return (q - options.poor_penalty * poor).astype(np.float32)


def bayesian_quality(rating: np.ndarray, reviews: np.ndarray, mean: float | None = None,
                     m: float = 20.0) -> np.ndarray:
    """(n * r + m * mean) / (n + m), mapped from 1-5 stars to [0, 1]; unrated products get the mean."""
    r = np.asarray(rating, dtype=np.float64)
    n = np.nan_to_num(np.asarray(reviews, dtype=np.float64), nan=0.0)
    n = np.where(np.isnan(r), 0.0, np.maximum(n, 0.0))
    rated = ~np.isnan(r) & (n > 0)
    if mean is None:  # the mean over rated products, not over ratings: best-sellers do not set it
        mean = float(r[rated].mean()) if rated.any() else 4.0
    score = (n * np.nan_to_num(r, nan=mean) + m * mean) / (n + m)
    return np.clip((score - 1.0) / 4.0, 0.0, 1.0).astype(np.float32)


def with_prior(rows: np.ndarray, similarity: np.ndarray, bonus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) reordered by similarity + bonus[row] (stable: similarity order breaks ties)."""
    valid = rows >= 0
    rows, similarity = rows[valid], similarity[valid]
    final = similarity + bonus[rows]
    order = np.argsort(-final, kind="stable")
    return rows[order], final[order].astype(np.float32)


# What a listing carrying the model a query names ("redmi note 11") adds to its score: more than any similarity
# difference, so the named model ranks above its neighbours in the line ("Note 12", "Note 10").
MODEL_BOOST = 1.0


def boosted(rows: np.ndarray, scores: np.ndarray, favoured: set[int], boost: float) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) with `boost` added to the `favoured` rows, reordered (stable: the old order breaks ties)."""
    if not favoured:
        return rows, scores
    final = scores + boost * np.array([int(r) in favoured for r in rows.tolist()], dtype=np.float32)
    order = np.argsort(-final, kind="stable")
    return rows[order], final[order].astype(np.float32)


def model_prefix(flags: Sequence[bool]) -> int:
    """How many of a ranked page's hits carry the named model before the first that does not (0: the first
    does not); a first page that starts with the named model shows only it."""
    return next((i for i, f in enumerate(flags) if not f), len(flags))


def group(hits: Sequence[H], key: Callable[[H], str], options: RankingOptions) -> list[H]:
    """One hit per group when grouping is on; else at most `max_per_model` per group before the rest."""
    seen: dict[str, int] = {}
    first: list[H] = []
    later: list[H] = []
    for h in hits:
        k = key(h)
        seen[k] = seen.get(k, 0) + 1
        if options.group_variants:
            if seen[k] == 1:
                first.append(h)
        elif seen[k] <= max(1, options.max_per_model):
            first.append(h)
        else:
            later.append(h)
    return first + later


def is_close(similarity: float, best: float, options: RankingOptions) -> bool:
    """A close match: at least `close_ratio` of the best similarity, or at least `close_floor`."""
    return best <= 0 or similarity >= options.close_ratio * best or similarity >= options.close_floor


def close_prefix(similarities: Sequence[float], options: RankingOptions, best: float | None = None) -> int:
    """How many of `similarities` (in ranked order) come before the first one that is not a close match."""
    if not similarities:
        return 0
    top = max(similarities) if best is None else best
    return next((i for i, s in enumerate(similarities) if not is_close(s, top, options)), len(similarities))
