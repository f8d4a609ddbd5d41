"""Is a turn that changed nothing still a search? The last two checks on "no shopping content", after the rules.

A turn that set no constraint, made no move and named no phone to fit, but left a topic, is searched for
that topic unless it is no request to buy ("i need ...", "do you sell ...": those are searched, whatever the
catalog holds) and either the topic has no word the serving catalog uses (`catalog_words`: answer
"unclear") or, with a sentence encoder, the message reads as small talk (`small_talk`: answer "chitchat").
Both are built on the first turn that needs them, once per engine (0.4 s for 22k products). Of the 11,562
WebShop requests, 5 are answered "unclear" against the US phone catalog (products no phone catalog has:
"earthy fragrance for women") and 1 against the India electronics catalog; none is called small talk.
"""

from __future__ import annotations

from extraction.grammar.offtopic import shopping_frame
from retrieval.search import SearchEngine

from .catalog_words import CatalogWords
from .small_talk import SmallTalk


class NotASearch:
    """The checks for one engine; `semantic` says whether its embedder reads meaning."""

    def __init__(self, engine: SearchEngine, semantic: bool):
        self.engine, self.semantic = engine, semantic
        self._words: CatalogWords | None = None
        self._talk: SmallTalk | None = None

    def kind(self, topic: str | None, utterance: str) -> str | None:
        """"unclear", "chitchat", or None for a topic worth searching."""
        if not topic or shopping_frame(utterance):  # "i need a soy wax candle": a search, whatever the catalog
            return None
        if self._words is None:
            self._words = CatalogWords.from_products(self.engine.products)
        if self._words.unknown(topic):
            return "unclear"
        if self.semantic and self._small_talk().is_small_talk(utterance):
            return "chitchat"
        return None

    def _small_talk(self) -> SmallTalk:
        if self._talk is None:
            self._talk = SmallTalk.load(self.engine.embedder)
        return self._talk
