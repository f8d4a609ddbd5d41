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

This module also owns the held-out split shared by fine-tuning and the dev sets (`is_held_out`):
a product is held out by the hash of its *group* (brand + model phrase + accessory type), so
near-duplicate listings of the same model fall on the same side and the fine-tuned model never saw
any listing of a held-out model.

    >>> gen = TemplateQueryGenerator(seed=0, per_product=4)
    >>> p = Product(id="X1", title="Samsung Galaxy S10, 128GB, Prism Black - Unlocked (Renewed)",
    ...             brand="Samsung", subcategory="Cell Phones", storage_gb=128, colors=["black"])
    >>> qs = gen.generate(p)
    >>> len(qs), all(q.text != p.title.lower() for q in qs)
    (4, True)
"""

from __future__ import annotations

import hashlib
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
from retrieval.facets import brand_key
from retrieval.filters import ACCESSORIES, PHONES

log = logging.getLogger(__name__)

HELD_OUT_FRACTION = 0.2
SPLIT_SALT = "sift-split-v1"
KINDS: tuple[str, ...] = ("name", "need", "attribute", "compat", "conversational")


@dataclass(frozen=True)
class ProductQuery:
    product_id: str
    text: str
    kind: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


# ------------------------------------------------------------------------------------------------ parsing
_STORAGE_TOK = re.compile(r"^\d+(?:\.\d+)?(?:gb|tb|mb)$")
_MODEL_CODE = re.compile(r"^[a-z]{1,4}-?\d{3,}[a-z0-9/-]*$|^[a-z]{2,4}-[a-z0-9]+$|^\d{4,}[a-z0-9-]*$")
# "S6/S6 Edge", "7/7 Plus": a slash between two model tokens names two variants.
_SLASH_VARIANT = re.compile(r"([a-z]*\d+[a-z+]*)\s*/\s*([a-z]*\d+[a-z+]*(?:\s+(?:edge|plus|pro|max|mini|lite|ultra|xl))?)")
_STOP_AT = {"with", "and", "unlocked", "smartphone", "phone", "cell", "mobile", "dual", "single", "international",
            "version", "renewed", "refurbished", "certified", "prepaid", "factory", "gsm", "cdma", "lte", "4g",
            "5g", "by", "in", "-", "|", "fully", "sim", "no", "contract", "us", "android", "global", "locked",
            "verizon", "sprint", "at&t", "t-mobile", "tracfone", "cricket", "boost", "wireless", "straight",
            "total", "simple", "net10", "for", "ram", "storage", "memory", "display", "inch", "camera",
            "flip", "back", "cover", "case", "tempered", "glass", "screen", "protector", "guard", "charger", "cable",
            "bumper", "shockproof", "silicone", "leather", "transparent", "soft", "hard", "wallet", "series",
            "models", "model", "devices", "device", "only", "edition", "cellphone", "smartphones", "mobiles"}
_MEASURE = re.compile(r"^\d+\.\d+|^\d+(?:\.\d+)?(?:\"|in|inch|inches|mp|mah|hz|w|cm|mm)$")
# Words that make a different model when they follow a model name ("Galaxy S7" vs "Galaxy S7 Edge").
VARIANT_WORDS = {"edge", "plus", "+", "pro", "max", "mini", "lite", "ultra", "xl", "neo", "prime", "fe", "go",
                 "power", "play", "stylus", "note", "active", "e", "s", "r", "c", "a", "5g", "fold", "flip"}
_COLOR_WORDS = {"black", "white", "blue", "red", "green", "silver", "gold", "gray", "grey", "pink", "purple",
                "yellow", "orange", "brown", "rose", "midnight", "graphite", "titanium", "coral", "aura", "prism",
                "just", "clearly", "oh", "so", "mystic", "phantom", "cosmic", "arctic", "jet", "space", "night", "dark",
                "light", "deep", "sky", "ocean", "sea", "forest", "ice", "starlight", "sunset", "glacier",
                "moonlight", "aurora", "matte", "glossy", "carbon", "ceramic", "crystal", "sierra", "alpine"}
_FOR = re.compile(r"\b(?:for|compatible with|compatible for|fits|suitable for)\s+(.+)", re.IGNORECASE)
_DEVICE_HEAD = re.compile(r"\b(iphone|galaxy|pixel|redmi|poco|moto|oneplus|nord|realme|oppo|vivo|iqoo|nokia|"
                          r"xiaomi|mi|ipad|airpods|apple watch|samsung|motorola|huawei|honor|narzo|lg)\b",
                          re.IGNORECASE)

# Accessory types: (name a shopper uses, keywords in the title or category path).
ACCESSORY_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("screen protector", ("screen protector", "tempered glass", "screen guard", "protector")),
    ("case", ("case", "cover", "holster", "sleeve", "bumper")),
    ("charger", ("charger", "power adapter", "charging adapter", "adapter")),
    ("cable", ("cable", "cord")),
    ("earbuds", ("earbuds", "earphone", "earphones", "headphone", "headphones", "headset", "neckband", "tws")),
    ("power bank", ("power bank", "powerbank", "battery pack")),
    ("car mount", ("car mount", "car holder", "mount", "holder", "car charger")),
    ("smartwatch", ("smartwatch", "smart watch", "fitness band", "smart band")),
    ("watch band", ("watch band", "watch strap", "band", "strap")),
    ("stand", ("stand", "tripod", "selfie stick")),
)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9+&'.-]*|\||-", text.lower())


def accessory_type(product: Product) -> str | None:
    """Shopper's name for an accessory's kind ("case", "charger"...), None for phones or unknown."""
    if product.subcategory == PHONES:
        return None
    low = " " + product.title.lower() + " " + " ".join(product.categories[1:]).lower() + " "
    for name, words in ACCESSORY_TYPES:
        if any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", low) for w in words):
            return name
    return None


def _clean_phrase(words: list[str]) -> str:
    return " ".join(w.strip(",.;:()[]") for w in words).strip()


def _trim_model(words: list[str], brand: str) -> list[str]:
    """Leading model words: stop at storage, colors, carriers, marketing words and model codes."""
    out: list[str] = []
    for w in words:
        w = w.strip(",.;:()[]\"'")
        if not w:
            if out:
                break
            continue
        if w == brand or (not out and w in {"the", "new", "apple", "samsung", "google", "electronics", "official"}):
            continue
        if (w in _STOP_AT or _STORAGE_TOK.match(w) or _MEASURE.match(w) or w in _COLOR_WORDS
                or (out and _MODEL_CODE.match(w))):
            break
        out.append(w)
        if len(out) >= 4:
            break
    return out


def model_phrases(product: Product) -> list[str]:
    """The model name(s) a shopper would type, lower-case; one per variant of a compound name.

    Phones: the title's leading model words ("galaxy s7 edge"); accessories: the device after "for"
    ("pixel 4a"). "Galaxy S6/S6 Edge" gives ["galaxy s6", "galaxy s6 edge"].

        >>> model_phrases(Product(id="1", title="Case for Samsung Galaxy S6/S6 Edge, Black",
        ...                       subcategory="Cell Phone Accessories"))
        ['galaxy s6', 'galaxy s6 edge']
        >>> model_phrases(Product(id="2", title="Samsung Galaxy S7 Edge, 5.5in 32GB (Verizon) - Blue",
        ...                       brand="Samsung", subcategory="Cell Phones"))
        ['galaxy s7 edge']
    """
    title = re.sub(r"\([^)]*\)", " ", product.title)  # "(Renewed)", "(Blue)", "(8GB RAM, 128 Storage)"
    bkey = brand_key(product.brand)
    if product.subcategory != PHONES:
        m = _FOR.search(title)
        if not m:
            return []
        target = m.group(1)
        target = re.split(r"\s[|–-]\s|[;]|\bwith\b|\band\b(?!\s*\d)", target, maxsplit=1)[0]
        head = _DEVICE_HEAD.search(target)
        if not head:
            return []
        target = target[head.start():]
        parts = [p.strip() for p in re.split(r"/|,|\bor\b|&", target) if p.strip()]
        phrases: list[str] = []
        base_words: list[str] = []
        for i, part in enumerate(parts[:4]):
            words = _trim_model(part.lower().split(), bkey)
            if not words:
                break
            # "S6/S6 Edge": the second part inherits the first part's line word ("galaxy").
            if i > 0 and base_words and not _DEVICE_HEAD.match(words[0]):
                words = base_words[:1] + words if len(base_words) > 1 else base_words + words
            if i == 0:
                base_words = words[:-1] if len(words) > 1 else words
            phrase = _clean_phrase(words)
            if phrase and phrase not in phrases and len(phrase) > 2:
                phrases.append(phrase)
        return phrases
    low = title.lower().replace(",", " , ")
    words = _trim_model(_tokens(low.split("/")[0]), bkey)
    phrases = [_clean_phrase(words)] if words else []
    m = _SLASH_VARIANT.search(low)
    if phrases and m and words[-1] == m.group(1) and not _STORAGE_TOK.match(m.group(2)):
        cand = _clean_phrase(words[:-1] + m.group(2).split())
        if cand not in phrases:
            phrases.append(cand)
    # "OnePlus 7T", "Nokia 225": a phrase with no line word is the brand's model number; keep the brand.
    phrases = [p if re.search(r"[a-z]{2,}", p.split()[0]) and not p.split()[0][0].isdigit()
               else f"{bkey} {p}".strip() for p in phrases]
    return [p for p in phrases if p and p != bkey]


def model_phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole-word match of a model phrase not followed by a variant word ("s7" does not match "s7 edge")."""
    words = [re.escape(w) for w in phrase.split()]
    variants = "|".join(re.escape(v) for v in sorted(VARIANT_WORDS, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])" + r"\s*".join(words) + r"(?![a-z0-9+])(?!\s*(?:" + variants + r")(?![a-z0-9]))")


# ------------------------------------------------------------------------------------------------ split
def split_key(product: Product) -> str:
    """The group a product belongs to for the train/held-out split: near-duplicates share it."""
    phrases = model_phrases(product)
    if not phrases:
        return "id:" + product.id
    return "|".join([brand_key(product.brand), phrases[0], accessory_type(product) or product.subcategory or ""])


def is_held_out(product: Product, fraction: float = HELD_OUT_FRACTION, salt: str = SPLIT_SALT) -> bool:
    """Deterministic: the same product (group) is held out on every machine and every run."""
    digest = hashlib.sha1((salt + "\x00" + split_key(product)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def split_products(products: Sequence[Product], fraction: float = HELD_OUT_FRACTION) -> tuple[list[Product], list[Product]]:
    """(train, held_out)."""
    train, held = [], []
    for p in products:
        (held if is_held_out(p, fraction) else train).append(p)
    return train, held


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
            words = [w for w in _tokens(p.title)[:7] if w not in {"-", "|"}]
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
