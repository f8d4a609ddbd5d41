"""Does a message's topic name anything this catalog sells? The structural test for "no shopping content".

The rules (extraction/grammar/offtopic.py) know instructions to the assistant and chit-chat by their form.
What they miss ("what do you make of delhi today", "recommend a good novel") has the same shape: the turn
changes no constraint, makes no move, names no product, and the words left as its topic are English words
that no title, brand, category, attribute or feature of the serving catalog uses. Such a turn is not a search:
the state and the list stay, and the answer says what the assistant does (`unknown_topic`).

A word counts as known when the catalog uses it, or a form of it ("lighter" -> "light..." in
"lightweight"), or when it is shopping talk (lexicon/data/offtopic.toml `shopping_talk`: "gift", "second",
"mom"). A word that is not English ("wireles", "xperia1": a typo or a model name) is never the reason, so a
typo that the repair missed still searches.

    >>> words = CatalogWords.from_texts(["Samsung Galaxy A14 phone, lightweight, black"])
    >>> words.unknown("delhi today"), words.unknown("something lighter"), words.unknown("galaxy")
    (['delhi'], [], [])
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lexicon.load import load
from retrieval.catalog import Product

_TOKEN = re.compile(r"[a-z][a-z']*[a-z]|[a-z0-9]*\d[a-z0-9]*")
_SUFFIXES = (("iest", "y"), ("ier", "y"), ("ies", "y"), ("est", ""), ("er", ""), ("ing", ""), ("es", ""),
             ("ed", ""), ("ly", ""), ("s", ""))
MIN_ZIPF = 3.0  # an English word (about once per 1M words: "delhi" 4.3, "poem" 4.3); "xperia" 2.9, "wireles" 0
MIN_FEATURE_DF = 2  # a word in one product's feature text alone may be a slogan ("order today"), not a product word


def stem(word: str) -> str:
    """A crude stem for matching only, two suffixes deep ("lighter" -> "light", "chargers" -> "charg",
    "batteries" -> "battery"); 3 letters at least."""
    for _ in range(2):
        for suffix, repl in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) + len(repl) >= 3:
                word = word[: len(word) - len(suffix)] + repl
                if suffix in ("er", "est", "ing", "ed") and word[-1] == word[-2] and word[-1] not in "ls":
                    word = word[:-1]  # "bigger" -> "big", "thinnest" -> "thin"
                break
    return word


@functools.cache
def _ignored() -> frozenset[str]:
    """Words that never make a topic about something (fillers, question words, leftovers of chit-chat)."""
    fill = load("fillers")
    off = load("offtopic")
    return frozenset(fill.sets["never_topic"] | fill.sets["question_words"] | fill.sets["tokens"]
                     | off.sets["leftover"] | off.sets["shopping_talk"])


@dataclass(frozen=True)
class CatalogWords:
    """The words one catalog uses, with their stems in sorted order for prefix look-ups."""

    words: frozenset[str]
    stems: tuple[str, ...]

    @classmethod
    def from_texts(cls, texts: Iterable[str], extra: Iterable[str] = ()) -> CatalogWords:
        words = {t for text in texts for t in _TOKEN.findall(text.lower())} | set(extra)
        return cls(frozenset(words), tuple(sorted({stem(w) for w in words} | words)))

    @classmethod
    def from_products(cls, products: Sequence[Product]) -> CatalogWords:
        """Titles, brands, categories, colors and detail names of every product, and the words of feature
        texts that at least `MIN_FEATURE_DF` products use."""
        texts: list[str] = []
        features: Counter[str] = Counter()
        for p in products:
            texts.append(" ".join([p.title, p.brand or "", p.subcategory or "", p.color or "", *p.colors,
                                   *p.categories, *p.category_path, *p.details]))
            features.update({t for f in p.features for t in _TOKEN.findall(f.lower())})
        return cls.from_texts(texts, extra=(w for w, n in features.items() if n >= MIN_FEATURE_DF))

    def knows(self, word: str) -> bool:
        if word in self.words:
            return True
        root = stem(word)
        if root in self.words:
            return True
        i = bisect.bisect_left(self.stems, root)  # a known word that starts with the stem ("light" -> "lightweight")
        return len(root) >= 4 and i < len(self.stems) and self.stems[i].startswith(root)

    def unknown(self, topic: str) -> list[str]:
        """The words of `topic` that say something and that this catalog never uses. Empty when any content
        word is known, is not an English word (a typo or a model name) or has a digit ("a14")."""
        ignored = _ignored()
        content = [w for w in _TOKEN.findall(topic.lower()) if w not in ignored]
        if not content or any(self.knows(w) or not _english(w) or any(c.isdigit() for c in w) for w in content):
            return []
        return content


def _english(word: str) -> bool:
    from wordfreq import zipf_frequency  # lazy: it costs 0.1 s of start-up

    return zipf_frequency(word, "en") >= MIN_ZIPF
