"""A product listing as the sentences and fields a shopper's question can be answered from.

The title is cut at its separators ("|", " - ", ","-lists of specs), features and description into
sentences (a "." followed by a space and no digit: "6.5 inch" stays whole), and every detail field is one
"Key: value" line. Each piece keeps where it came from, so an answer can say "the listing's details say".
`ListingReader` embeds the pieces of a product once (vectors cached per product id, least recently used
products dropped first) and returns the pieces nearest in meaning to a question.

    >>> from retrieval.catalog import Product
from retrieval.hashing_embedder import HashingEmbedder
    >>> p = Product(id="1", title="Acme X | 6.5 inch | 5000mAh", features=["Water-repellent design. 2-day battery."])
    >>> [s.text for s in pieces(p)]
    ['Acme X', '6.5 inch', '5000mAh', 'Water-repellent design', '2-day battery']
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from retrieval.catalog import Product
from retrieval.hashing_embedder import HashingEmbedder

# Sentence ends: ". " / "! " / "? " / ";" / newline / bullets; not the point inside "6.5" or "6. 3 inch".
_SPLIT = re.compile(r"(?<=\D[.!?])\s+|(?<=[.!?])\s+(?=\D)|[;\n\u2022|]+|\s+-\s+|(?<=[\u3011\])])\s*(?=[\u3010\[])")
_TITLE_SPLIT = re.compile(r"\s*[|\u2013]\s*|\s+-\s+|\s*[,()]\s*")
_DROP = re.compile(r"make sure this fits by entering your model number\.?|report incorrect product information\.?",
                   re.IGNORECASE)
# Details that never answer a question a shopper asks about the product itself.
_SKIP_DETAILS = {"Best Sellers Rank", "Customer Reviews", "ASIN", "Date First Available", "Price (INR)",
                 "List Price (INR)"}
MAX_CHARS = 220  # a quote longer than this is cut (a bullet of 600 characters says many things)
MAX_PIECES = 120


@dataclass(frozen=True)
class Piece:
    """One sentence or field of a listing; `source` is title | feature | description | detail | attribute.
    `context`: the sentence a list item was cut from ("Sprint" from "Will NOT work with Verizon, Sprint"),
    which is what a verdict reads and an answer quotes."""

    text: str
    source: str
    context: str = ""

    @property
    def quote(self) -> str:
        return self.context or self.text


def _sentences(text: str, source: str) -> list[Piece]:
    out = []
    for part in _SPLIT.split(_DROP.sub(" ", text)):
        part = part.strip(" .,:-\u3010\u3011[]\t")
        if len(part) < 3:
            continue
        while len(part) > MAX_CHARS:  # a run-on bullet: cut at a comma near the limit, not mid-word
            cut = part.rfind(", ", 0, MAX_CHARS)
            cut = cut if cut > 40 else part.rfind(" ", 0, MAX_CHARS)
            cut = cut if cut > 0 else MAX_CHARS
            out.append(Piece(part[:cut].strip(" ,"), source))
            part = part[cut:].strip(" ,")
        if len(part) >= 3:
            out.append(Piece(part, source))
        items = [x.strip() for x in part.split(",")]
        if len(items) >= 3 and sum(map(len, items)) / len(items) <= 40:  # a list of specs: each is a claim too
            out += [Piece(x, source, part) for x in items if len(x) >= 3]
    return out


def pieces(p: Product) -> list[Piece]:
    """The sentences and fields of `p`'s listing, in listing order, duplicates dropped."""
    out: list[Piece] = []
    title_parts = [t.strip(" .") for t in _TITLE_SPLIT.split(p.title or "") if len(t.strip(" .")) >= 2]
    out += [Piece(t, "title") for t in title_parts]
    for f in p.features:
        out += _sentences(f, "feature")
    for d in p.description:
        out += _sentences(d, "description")
    for key, value in (p.details or {}).items():
        if key not in _SKIP_DETAILS and str(value).strip():
            out.append(Piece(f"{key}: {str(value).strip()}"[:MAX_CHARS], "detail"))
    if p.carriers:
        out.append(Piece("Carriers: " + ", ".join(p.carriers), "attribute"))
    if p.condition == "renewed":
        out.append(Piece("Condition: renewed (refurbished), not new", "attribute"))
    seen: set[str] = set()
    unique = []
    for piece in out:
        key = piece.text.lower()
        if key not in seen:
            seen.add(key)
            unique.append(piece)
    return unique[:MAX_PIECES]


class Encoder(Protocol):
    name: str

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray: ...


def is_semantic(embedder: Any) -> bool:
    """True for an encoder that reads meaning; the hashing embedder (bag of words) and none are not."""
    return embedder is not None and not isinstance(embedder, HashingEmbedder)


@dataclass(frozen=True)
class Hit:
    piece: Piece
    score: float


class ListingReader:
    """Finds the sentences of a listing nearest in meaning to a question; one per engine (it holds a cache).

    `cache_size` products keep their sentence vectors: a second question about a shown product embeds only
    the question (one short text)."""

    def __init__(self, embedder: Encoder, cache_size: int = 64) -> None:
        self.embedder = embedder
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[list[Piece], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[str, Future[None]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def vectors(self, p: Product) -> tuple[list[Piece], np.ndarray]:
        pending = self._pending.get(p.id)
        if pending is not None:  # being embedded by a prefetch: wait for it rather than embed twice
            pending.result()
        with self._lock:
            hit = self._cache.get(p.id)
            if hit is not None:
                self._cache.move_to_end(p.id)
                return hit
        self.warm([p])
        with self._lock:
            return self._cache.get(p.id) or ([], np.zeros((0, 1), np.float32))

    def warm(self, products: Sequence[Product]) -> None:
        """Embed the listings of `products` now (all in one batch), so questions about them are cheap later."""
        with self._lock:
            todo = [p for p in products if p.id not in self._cache]
        if not todo:
            return
        per = [pieces(p) for p in todo]
        flat = [x.text for items in per for x in items]
        vecs = self.embedder.encode_queries(flat) if flat else np.zeros((0, 1), np.float32)
        start = 0
        with self._lock:
            for p, items in zip(todo, per, strict=True):
                self._cache[p.id] = (items, vecs[start:start + len(items)])
                start += len(items)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def prefetch(self, products: Sequence[Product]) -> None:
        """Embed these listings in the background (one worker thread): products just shown are what the
        next question is about, and the shopper's typing time hides the ~40 ms per listing it costs."""
        with self._lock:
            todo = [p for p in products if p.id not in self._cache and p.id not in self._pending]
        if not todo:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="listing-prefetch")
        future = self._pool.submit(self.warm, todo)
        for p in todo:
            self._pending[p.id] = future
        future.add_done_callback(lambda _f: [self._pending.pop(p.id, None) for p in todo])

    def cached(self, product_id: str) -> bool:
        with self._lock:
            return product_id in self._cache

    def nearest(self, p: Product, question: str, k: int = 3) -> list[Hit]:
        """The `k` pieces of `p`'s listing nearest to `question`, best first, with cosine scores."""
        items, vecs = self.vectors(p)
        if not items:
            return []
        q = self.embedder.encode_queries([question])[0]
        scores = vecs @ q
        order = np.argsort(-scores)[:k]
        return [Hit(items[i], float(scores[i])) for i in order]
