"""Synthetic shopper queries for products: the training data of the embedder.

The paper had an LLM write ~10 queries per product. Offline we build them from the product's own
title, bullets and details with templates of five kinds, then perturb them (word dropping, synonym
swaps, casing) so a query is never a copy of the title:

* ``name``: "galaxy s10 128gb unlocked"
* ``need``: "a phone with a long lasting battery for my dad"
* ``attribute``: "samsung phone 128gb black under $300"
* ``compat``: "slim case for pixel 4a" (accessories)
* ``conversational``: "hi, i'm looking for a galaxy s10 in black"

Compound model names ("Galaxy S6/S6 Edge") yield queries for each variant: the paper's generator
repeated the compound name verbatim, which no shopper types.

`LLMQueryGenerator` asks any LangChain chat model with the prompt `prompts/synth_product_queries.md`.

The model phrases the templates name and the held-out split shared by fine-tuning and the dev sets
(`is_held_out`) live in `training.product_groups`; they are re-exported here.

    >>> gen = TemplateQueryGenerator(seed=0, per_product=4)
    >>> p = Product(id="X1", title="Samsung Galaxy S10, 128GB, Prism Black - Unlocked (Renewed)",
    ...             brand="Samsung", subcategory="Cell Phones", storage_gb=128, colors=["black"])
    >>> qs = gen.generate(p)
    >>> len(qs), all(q.text != p.title.lower() for q in qs)
    (4, True)
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import prompts
from retrieval.catalog import Product
from retrieval.filters import ACCESSORIES, PHONES
from training.product_groups import (
    HELD_OUT_FRACTION,
    accessory_type,
    is_held_out,
    model_phrase_pattern,
    model_phrases,
    split_key,
    split_products,
    tokens,
)

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("name", "need", "attribute", "compat", "conversational")


@dataclass(frozen=True)
class ProductQuery:
    product_id: str
    text: str
    kind: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


# ------------------------------------------------------------------------------------------------ facts
@dataclass
class ProductFacts:
    """What templates may say about a product, all lower-case."""

    brand: str
    models: list[str]
    kind: str  # "phone" | accessory type | "accessory"
    storage: str | None
    color: str | None
    carrier: str | None
    renewed: bool
    needs: list[str]
    price: float | None


_NEEDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\b([4-9]\d{3})\s?mah|long[- ]lasting|all[- ]day battery|big battery", re.I),
     ("a long lasting battery", "battery that lasts all day", "big battery")),
    (re.compile(r"\b(\d{2,3})\s?mp\b|camera|photos", re.I), ("a good camera", "great photos", "a nice camera for pictures")),
    (re.compile(r"\b5g\b", re.I), ("5g", "fast 5g data")),
    (re.compile(r"dual sim|dual-sim", re.I), ("two sim cards", "dual sim")),
    (re.compile(r"water[- ]?(?:proof|resistant)|ip6[78]", re.I), ("water resistant", "survives rain")),
    (re.compile(r"fast charg|quick charg|\b\d{2,3}\s?w\b", re.I), ("fast charging", "charges quickly")),
    (re.compile(r"\b(6\.[5-9]|7\.\d)\s?(?:\"|inch|in\b)|large (?:display|screen)|big screen", re.I),
     ("a big screen", "large display")),
    (re.compile(r"wireless|bluetooth", re.I), ("wireless", "bluetooth")),
    (re.compile(r"slim|thin|lightweight", re.I), ("slim", "lightweight")),
    (re.compile(r"shock|drop|rugged|military", re.I), ("drop protection", "rugged", "survives drops")),
    (re.compile(r"noise cancel|anc\b", re.I), ("noise cancelling",)),
    (re.compile(r"magsafe|magnetic", re.I), ("magnetic", "magsafe")),
)


def product_facts(product: Product) -> ProductFacts:
    text = " ".join([product.title, *product.features[:6]])
    needs: list[str] = []
    for pat, phrases in _NEEDS:
        if pat.search(text):
            needs.append(phrases[0] if len(needs) % 2 == 0 else phrases[-1])
            needs.extend(p for p in phrases[1:2] if p not in needs)
    storage = f"{product.storage_gb:g}gb" if product.storage_gb and product.storage_gb >= 4 else None
    carrier = product.carriers[0].lower() if product.carriers else None
    kind = "phone" if product.subcategory == PHONES else (accessory_type(product) or "accessory")
    return ProductFacts(
        brand=(product.brand or "").lower(), models=model_phrases(product), kind=kind, storage=storage,
        color=product.colors[0] if product.colors else None, carrier=carrier,
        renewed=product.condition == "renewed", needs=needs[:6], price=product.price,
    )


# ------------------------------------------------------------------------------------------------ templates
SYNONYMS: dict[str, tuple[str, ...]] = {
    "phone": ("phone", "smartphone", "cell phone", "mobile"),
    "case": ("case", "cover", "phone case", "back cover"),
    "screen protector": ("screen protector", "tempered glass", "screen guard"),
    "charger": ("charger", "charging adapter", "wall charger"),
    "cable": ("cable", "charging cord", "charging cable"),
    "earbuds": ("earbuds", "earphones", "headphones"),
    "power bank": ("power bank", "portable charger", "battery pack"),
    "car mount": ("car mount", "car phone holder"),
    "smartwatch": ("smartwatch", "smart watch", "fitness watch"),
    "cheap": ("cheap", "budget", "affordable", "inexpensive"),
    "renewed": ("renewed", "refurbished", "refurb"),
    "unlocked": ("unlocked", "sim free"),
}
_PERSONS = ("my dad", "my mom", "my son", "my daughter", "my grandma", "a student", "work", "travel", "my wife")
_OPENERS = ("hi, i'm looking for", "hello! i need", "hey, can you find me", "i want to buy", "looking for",
            "could you show me", "help me find", "do you have")


def _syn(rng: random.Random, word: str) -> str:
    return rng.choice(SYNONYMS.get(word, (word,)))


def _drop_words(rng: random.Random, words: list[str], keep: set[str], rate: float = 0.2) -> list[str]:
    """Controlled word dropping: never drops the words in `keep` (the model name), never drops all."""
    out = [w for w in words if w in keep or rng.random() >= rate]
    return out or words


class TemplateQueryGenerator:
    """Template queries of the five kinds, perturbed. Deterministic per (seed, product id)."""

    def __init__(self, seed: int = 13, per_product: int = 6, kinds: Sequence[str] = KINDS):
        self.seed = seed
        self.per_product = per_product
        self.kinds = tuple(kinds)

    def generate(self, product: Product) -> list[ProductQuery]:
        rng = random.Random(f"{self.seed}:{product.id}")
        facts = product_facts(product)
        makers = {"name": self._name, "need": self._need, "attribute": self._attribute, "compat": self._compat,
                  "conversational": self._conversational}
        kinds = [k for k in self.kinds if k != "compat" or (facts.kind != "phone" and facts.models)]
        out: list[ProductQuery] = []
        seen: set[str] = set()
        # Cycle model variants so every variant of a compound name gets queries.
        variants = facts.models or [""]
        attempts = 0
        while len(out) < self.per_product and attempts < self.per_product * 6:
            kind = kinds[attempts % len(kinds)] if attempts < len(kinds) else rng.choice(kinds)
            model = variants[len(out) % len(variants)]
            attempts += 1
            text = _finish(rng, makers[kind](rng, facts, model, product))
            if text and text not in seen and text != product.title.lower():
                seen.add(text)
                out.append(ProductQuery(product.id, text, kind))
        return out

    def generate_all(self, products: Iterable[Product]) -> list[ProductQuery]:
        return [q for p in products for q in self.generate(p)]

    # Each maker returns a list of words; `_finish` joins and perturbs them.
    def _thing(self, rng: random.Random, f: ProductFacts) -> str:
        return _syn(rng, "phone") if f.kind == "phone" else _syn(rng, f.kind)

    def _name(self, rng: random.Random, f: ProductFacts, model: str, p: Product) -> list[str]:
        if not model:
            words = [w for w in tokens(p.title)[:7] if w not in {"-", "|"}]
            return _drop_words(rng, words, set(words[:2]), 0.3)
        words = ([f.brand] if f.brand and rng.random() < 0.4 and f.brand not in model else []) + model.split()
        if f.kind != "phone":
            words = [self._thing(rng, f), "for"] + words
        extras = [x for x in (f.storage, f.color, f.carrier and _syn(rng, f.carrier),
                              "renewed" if f.renewed else None) if x]
        rng.shuffle(extras)
        return words + extras[: rng.randint(0, 2)]

    def _need(self, rng: random.Random, f: ProductFacts, model: str, p: Product) -> list[str]:
        need = rng.choice(f.needs) if f.needs else rng.choice(("good value", "reliable", "easy to use"))
        who = rng.choice(_PERSONS)
        thing = self._thing(rng, f)
        forms = (f"a {thing} with {need} for {who}", f"{thing} for {who} with {need}", f"{thing} that has {need}",
                 f"best {thing} with {need}")
        s = rng.choice(forms)
        if f.kind != "phone" and model and rng.random() < 0.6:
            s += f" for {model}"
        elif f.brand and rng.random() < 0.5:
            s = f"{f.brand} " + s.removeprefix("a ")
        return s.split()

    def _attribute(self, rng: random.Random, f: ProductFacts, model: str, p: Product) -> list[str]:
        words = [f.brand] if f.brand else []
        words.append(self._thing(rng, f))
        attrs = [x for x in (f.storage, f.color and f.color, f.carrier, "renewed" if f.renewed else None) if x]
        words += rng.sample(attrs, k=min(len(attrs), rng.randint(1, 3))) if attrs else []
        if f.price and rng.random() < 0.5:
            bound = _round_up(f.price * rng.uniform(1.05, 1.4))
            words += [rng.choice(("under", "below", "less than", "max")), f"${bound}"]
        if f.kind != "phone" and model:
            words += ["for", model]
        return words

    def _compat(self, rng: random.Random, f: ProductFacts, model: str, p: Product) -> list[str]:
        adj = rng.choice(("slim", "protective", "cheap", "good", "sturdy", "")) if f.kind == "case" else ""
        lead = rng.choice(("", "need a", "any", "best"))
        return f"{lead} {adj} {self._thing(rng, f)} {rng.choice(('for', 'compatible with', 'that fits'))} {model}".split()

    def _conversational(self, rng: random.Random, f: ProductFacts, model: str, p: Product) -> list[str]:
        opener = rng.choice(_OPENERS)
        core = self._name(rng, f, model, p) if model and rng.random() < 0.6 else self._need(rng, f, model, p)
        tail = rng.choice(("", "", "please", "thanks!", "any suggestions?", "what do you have?"))
        if f.price and rng.random() < 0.4:
            tail = f"my budget is ${_round_up(f.price * rng.uniform(1.05, 1.5))}" + (" " + tail if tail else "")
        return [opener, "a", *core, *tail.split()] if core and core[0] != "a" else [opener, *core, *tail.split()]


def _round_up(x: float) -> int:
    step = 5 if x < 50 else 10 if x < 200 else 50
    return int(-(-x // step) * step)


def _finish(rng: random.Random, words: list[str]) -> str:
    """Join words, swap one synonym, drop a filler word now and then, collapse spaces, lower-case."""
    words = [w for w in words if w]
    if not words:
        return ""
    text = " ".join(words).lower()
    for key, syns in SYNONYMS.items():
        pat = rf"(?<!cell )(?<!smart)\b{re.escape(key)}\b"
        if rng.random() < 0.3 and re.search(pat, text):
            text = re.sub(pat, rng.choice(syns), text, count=1)
    if rng.random() < 0.15:
        text = re.sub(r"\b(a|the|with|that) ", "", text, count=1)
    return re.sub(r"\s+", " ", text).strip(" ,")


# ------------------------------------------------------------------------------------------------ LLM
PROMPT_NAME = "synth_product_queries"


def load_prompt(name: str = PROMPT_NAME) -> str:
    return prompts.load_prompt(name)


def product_card(product: Product, max_features: int = 5) -> str:
    """The product facts an LLM sees: title, brand, type, price, key bullets and details."""
    facts = product_facts(product)
    lines = [f"Title: {product.title}", f"Brand: {product.brand or 'unknown'}", f"Type: {facts.kind}"]
    if product.price is not None:
        lines.append(f"Price: ${product.price:.2f}")
    if facts.models:
        lines.append("Model names (write queries for EACH): " + "; ".join(facts.models))
    for feat in product.features[:max_features]:
        lines.append(f"- {feat[:200]}")
    details = {k: v for k, v in product.details.items() if "INR" not in k}
    if details:
        lines.append("Details: " + "; ".join(f"{k}: {v}" for k, v in list(details.items())[:8]))
    return "\n".join(lines)


class LLMQueryGenerator:
    """Queries written by any LangChain chat model (`invoke(messages)` -> message with `.content`).

    The reply should be a JSON list of {"query", "kind"}; a plain list of lines is accepted too.
    Garbage (no usable query) yields [] and a warning, never an exception.
    """

    def __init__(self, chat_model: Any, per_product: int = 8, prompt: str | None = None):
        self.chat_model = chat_model
        self.per_product = per_product
        self.prompt = prompt or load_prompt()

    def generate(self, product: Product) -> list[ProductQuery]:
        # lazy: LangChain's message types (~0.2 s) only for LLM-written queries; `sift --help` imports this module
        from langchain_core.messages import HumanMessage, SystemMessage

        system = self.prompt.replace("{n}", str(self.per_product))
        try:
            reply = self.chat_model.invoke([SystemMessage(system), HumanMessage(product_card(product))])
        except Exception as exc:  # a network or provider error must not kill a long generation run
            log.warning("LLM query generation failed for %s: %s", product.id, exc)
            return []
        content = getattr(reply, "content", reply)
        queries = parse_llm_queries(content if isinstance(content, str) else str(content), product)
        if not queries:
            log.warning("LLM reply for %s had no usable query: %.120r", product.id, content)
        return queries[: self.per_product]

    def generate_all(self, products: Iterable[Product]) -> list[ProductQuery]:
        return [q for p in products for q in self.generate(p)]


def parse_llm_queries(text: str, product: Product) -> list[ProductQuery]:
    """Parse a JSON list (of strings or {"query", "kind"}) or numbered/bulleted lines."""
    items: list[tuple[str, str]] = []
    m = re.search(r"\[.*\]", text, re.S)
    parsed: Any = None
    if m:
        try:
            parsed = json.loads(m.group(0))
        except ValueError:
            parsed = None
    if isinstance(parsed, list):
        for it in parsed:
            if isinstance(it, str):
                items.append((it, "llm"))
            elif isinstance(it, dict) and isinstance(it.get("query"), str):
                kind = str(it.get("kind") or "llm")
                items.append((it["query"], kind if kind in KINDS else "llm"))
    else:
        for line in text.splitlines():
            line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip('"')
            # Broken JSON is not a query: skip lines with brackets or braces.
            if line and not line.endswith(":") and len(line.split()) >= 2 and not re.search(r"[{}\[\]]", line):
                items.append((line, "llm"))
    out: list[ProductQuery] = []
    seen: set[str] = set()
    title = product.title.lower().strip()
    for q, kind in items:
        q = re.sub(r"\s+", " ", q).strip().lower()
        if 2 <= len(q) <= 300 and q not in seen and q != title:
            seen.add(q)
            out.append(ProductQuery(product.id, q, kind))
    return out


def write_queries(path: str | Path, queries: Iterable[ProductQuery]) -> int:
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for q in queries:
            fh.write(json.dumps(q.to_json()) + "\n")
            n += 1
    return n


__all__ = [
    "ACCESSORIES", "HELD_OUT_FRACTION", "KINDS", "LLMQueryGenerator", "ProductQuery", "TemplateQueryGenerator",
    "accessory_type", "is_held_out", "model_phrase_pattern", "model_phrases", "parse_llm_queries", "product_card",
    "split_key", "split_products",
]
