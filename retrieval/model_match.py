"""Model names in a query: listings whose title carries the named model rank first.

A query that names a model ("redmi note 11", "galaxy s23", "oneplus nord ce 2 lite") wants that model, yet an
embedder places "Redmi Note 12" and "Note 10" as close to it as "Note 11": one digit is a small part of the
text. So the tokens that name a model are matched in titles, word-boundary aware, and the engine ranks the
titles that carry them above the rest (`SearchEngine.search_batch`).

A model token is a word with digits that is no quantity ("s23", "m33", "12c", "rtx3050"; not "128gb", "5g",
"4k"), or a bare number after a word that is no bound or count ("note 11", "ce 2", "iphone 15"; not "under
2000", "top 5", "15.6 inch"). The match is on word boundaries with an optional space or hyphen where letters
meet digits: "s23" matches "S23" and "Galaxy S23 Ultra" (a variant of the same line, which the shopper may
want), but not "S230"; "note 11" matches "Note 11" and "Note 11 Pro" but not "Note 11T" or "Note 11S", which
are other models. The phrase then grows with the query's next words while some allowed title still carries
it: "nord ce 2 lite" narrows "ce 2" to "ce 2 lite" where the shop sells one, and "redmi note
12 phones" stays "redmi note 12" because no title says "note 12 phones". No model lists: any catalog.

    >>> [p.words for p in model_phrases("redmi note 11 under 15000")]
    [('note', '11')]
    >>> bool(title_pattern(("s23",)).search("samsung galaxy s23 ultra 5g")), bool(title_pattern(("s23",)).search("s230"))
    (True, False)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lexicon.load import load

_TOKEN = re.compile(r"[a-z0-9]+(?:\.\d+)?")
_SPLIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")  # where letters meet digits: "s23" -> "s", "23"


@dataclass(frozen=True)
class ModelPhrase:
    """Query tokens naming a model (`words`) and the query tokens after them (`after`: "lite", "pro", "5g").
    Words before a model are not added: "Case for S23" carries the model as well as "Galaxy S23"."""

    words: tuple[str, ...]
    after: tuple[str, ...] = ()


def model_phrases(query: str) -> list[ModelPhrase]:
    """The model names in `query` (lower-cased tokens), each with the words around it."""
    lex = load("model_names")
    unit, unit_after, not_before = lex.rx["unit_token"], lex.sets["unit_after"], lex.sets["not_model_before"]
    toks = _TOKEN.findall(query.lower())
    out: list[ModelPhrase] = []
    taken = -1
    for i, tok in enumerate(toks):
        if i <= taken or not any(c.isdigit() for c in tok) or unit.match(tok):
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if tok.replace(".", "").isdigit():
            prev = toks[i - 1] if i > 0 else ""
            if nxt in unit_after:
                continue
            if prev in ("or", "and") and out and taken == i - 2 and len(out[-1].words) == 2:
                # "iphone 13 or 14": the second number names a model of the same line
                out.append(ModelPhrase((out[-1].words[0], tok), tuple(toks[i + 1:i + 4])))
                taken = i
                continue
            if not prev.isalpha() or prev in not_before or i - 1 <= taken:
                continue
            start = i - 1
        else:
            start = i
        out.append(ModelPhrase(tuple(toks[start:i + 1]), tuple(toks[i + 1:i + 4])))
        taken = i
    return out


@functools.lru_cache(maxsize=512)
def title_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Word-boundary pattern for `words` in a lower-cased title ("note", "11" ~ "note 11", "note-11", "note11")."""
    parts = [r"[\s-]?".join(re.escape(p) for p in _SPLIT.split(w)) for w in words]
    return re.compile(r"(?<![a-z0-9])" + r"[\s-]*".join(parts) + r"(?![a-z0-9]|\.\d)")


def matching_rows(titles: Sequence[str], rows: np.ndarray, words: tuple[str, ...]) -> np.ndarray:
    """The rows among `rows` whose (lower-cased) title carries `words`."""
    rx = title_pattern(words)
    return np.array([r for r in rows.tolist() if rx.search(titles[r])], dtype=np.int64)


def model_rows(query: str, titles: Sequence[str], rows: np.ndarray,
               with_number: Callable[[str], np.ndarray] | None = None) -> np.ndarray | None:
    """Rows whose titles carry a model the query names, each grown by the query's next words while some
    title still carries it; None when the query names no model or no title carries one. `with_number`
    (a title index: digit run -> sorted rows) narrows the titles scanned to those with the model's number."""
    found: np.ndarray | None = None
    for phrase in model_phrases(query):
        words = phrase.words
        scan = rows
        if with_number is not None:
            scan = np.intersect1d(rows, with_number(re.findall(r"\d+", words[-1])[-1]), assume_unique=True)
        hit = matching_rows(titles, scan, words)
        if hit.size == 0:
            continue  # a model the shop does not sell ("note 99"): no boost rather than an empty page
        for w in phrase.after:  # "nord ce 2 lite": the longest phrase some title still carries
            wider = matching_rows(titles, hit, (*words, w))
            if wider.size == 0:
                break
            words, hit = (*words, w), wider
        found = hit if found is None else np.union1d(found, hit)
    return found
