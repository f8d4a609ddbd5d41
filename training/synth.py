"""Synthetic (state, utterance) -> new state examples for training and evaluating filter extractors.

Everything is drawn from one `random.Random(seed)` over a catalog's own vocabulary (brands per
subcategory, colour names, carriers, storage sizes), so a different catalog gives different values.

Two kinds of examples:
- single-turn queries in the paper's style: a product need plus 0-4 constraints, numbers in many
  spellings ("$1,200", "1.2k", "two hundred", "200 bucks"), both directions of every comparator
  ("not exceeding", "or less", "4+ stars", "at least"...), ranges, qualitative phrases ("cheap" ->
  price_max=low), brands and product lines, colours (marketing names too), storage, carriers, condition;
- multi-turn refinements of a state: add, replace ("what about Pixel instead?"), remove ("any colour is
  fine"), reset, relative moves (`move=cheaper`), brand exclusion, and no-constraint turns (chit-chat,
  "show me more") whose target is the input state unchanged.

Every utterance comes from a *template family* (a sentence frame, or one phrasing of a refinement
operation). `split_by_family` puts whole families in train, dev or test, so the test set measures
phrasings the model never saw. The constraint phrase pools ("under {price}", "4+ stars") are shared by
all families: a model trained from scratch cannot know words it has never seen, so what is held out is
the sentence around them, not the vocabulary of constraints.

    >>> from training.synth import SynthConfig, generate_examples, split_by_family
    >>> ex = generate_examples(SynthConfig(n_single=20, n_multi=10, seed=1))
    >>> ex[0].target_state  # doctest: +SKIP
    Filters(price_max=200.0, subcategory='Cell Phones', brand=['Samsung'], ...)
    >>> splits = split_by_family(ex, seed=1)
    >>> sorted(splits)
    ['dev', 'test', 'train']
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction.state import StateUpdate, apply_update
from lexicon.words import moves
from retrieval.catalog import LoadReport, Product, load_catalog, product_from_amazon
from retrieval.facets import CARRIERS, COLOR_SYNONYMS, PRODUCT_LINE_BRANDS, brand_key, color_families
from retrieval.filters import ACCESSORIES, LIST_FIELDS, PHONES, Filters

MOVES: tuple[str, ...] = moves()  # the relative moves of lexicon/data/moves.toml


# ================================================================================================ data
@dataclass
class Example:
    """One turn: the extractor sees `input_state` + `utterance` and must write `target_state` + moves."""

    input_state: Filters
    utterance: str
    target_state: Filters
    moves: list[str] = field(default_factory=list)
    reset: bool = False
    family: str = ""
    dialogue: str | None = None  # dialogue id for multi-turn sequences
    turn: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"input_state": self.input_state.active(), "utterance": self.utterance,
                "target_state": self.target_state.active(), "moves": list(self.moves), "reset": self.reset,
                "family": self.family, "dialogue": self.dialogue, "turn": self.turn}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Example:
        return cls(input_state=Filters(**d.get("input_state", {})), utterance=d["utterance"],
                   target_state=Filters(**d.get("target_state", {})), moves=list(d.get("moves", [])),
                   reset=bool(d.get("reset", False)), family=d.get("family", ""), dialogue=d.get("dialogue"),
                   turn=int(d.get("turn", 0)))


def write_jsonl(examples: Iterable[Example], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for ex in examples:
            fh.write(json.dumps(ex.to_json()) + "\n")
    return path


def read_jsonl(path: str | Path) -> list[Example]:
    with open(path, encoding="utf-8") as fh:
        return [Example.from_json(json.loads(line)) for line in fh if line.strip()]


# ================================================================================================ vocabulary
@dataclass
class SynthVocab:
    """What the generator may mention: the catalog's own brands, colours, carriers and storage sizes."""

    phone_brands: list[str]
    accessory_brands: list[str]
    colors: dict[str, str]  # how a shopper may say it -> base colour (the target value)
    carriers: list[str]
    storages: list[float]

    @classmethod
    def from_products(cls, products: Sequence[Product]) -> SynthVocab:
        phone: dict[str, int] = {}
        acc: dict[str, int] = {}
        colors: dict[str, str] = {}
        carriers: set[str] = set()
        storages: set[float] = set()
        for p in products:
            if p.brand:
                target = phone if p.subcategory == PHONES else acc
                target[p.brand] = target.get(p.brand, 0) + 1
            if p.color:
                fams = color_families(p.color)
                if len(fams) == 1 and len(p.color.split()) <= 2:
                    colors[p.color.lower()] = fams[0]
            for fam in p.colors:
                colors.setdefault(fam, fam)
            carriers.update(p.carriers)
            if p.storage_gb and p.subcategory == PHONES:
                storages.add(float(p.storage_gb))
        for word, base in COLOR_SYNONYMS.items():  # marketing words people use on their own
            if base in colors.values() and word != "grey":
                colors.setdefault(word, base)
        if "gray" in colors.values():
            colors.setdefault("grey", "gray")
        phone_brands = sorted(phone, key=lambda b: -phone[b])
        acc_brands = sorted(acc, key=lambda b: -acc[b])
        return cls(phone_brands=phone_brands or ["Samsung", "Apple", "Google"],
                   accessory_brands=acc_brands or ["Anker", "Spigen"],
                   colors=colors or {c: c for c in ("black", "white", "blue")},
                   carriers=sorted(carriers) or ["Unlocked"],
                   storages=sorted(storages) or [64.0, 128.0, 256.0])


def demo_products(n_products: int = 3000, seed: int = 7) -> list[Product]:
    """The built-in demo catalog as `Product`s, without writing a file."""
    from retrieval.demo_catalog import generate_demo_catalog  # lazy: the demo generator is only for the demo

    report = LoadReport()
    out = []
    for i, row in enumerate(generate_demo_catalog(n_products, seed), 1):
        try:
            out.append(product_from_amazon(row, i, report))
        except ValueError:
            continue
    return out


# ================================================================================================ text helpers
_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str | None:
    """English words for whole numbers people say aloud (<= 9,999); None when awkward."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        head = _ONES[n // 100] + " hundred"
        return head if rest == 0 else f"{head} {number_words(rest)}"
    if n < 10000 and n % 100 == 0:
        if n % 1000 == 0:
            return _ONES[n // 1000] + " thousand"
        if n < 2000 or n % 1000:
            return f"{number_words(n // 100)} hundred"
    return None


def _k(n: float) -> str:
    s = f"{n / 1000:.1f}".rstrip("0").rstrip(".")
    return s + "k"


def fmt_price(rng: random.Random, p: float) -> str:
    """A price as shoppers type it. `p` is the labelled value."""
    n = int(p)
    cents = abs(p - n) > 1e-9
    opts = [f"${n}", f"{n}", f"{n} dollars", f"${n}", f"{n}$", f"{n} usd", f"{n} bucks", f"$ {n}", f"{n} dollar"]
    if cents:
        return rng.choice([f"${p:.2f}", f"{p:.2f}", f"{p:.2f} dollars"])
    if n >= 1000:
        opts += [f"${n:,}", f"{n:,}", f"${n:,}.00"]
        if n % 100 == 0:
            opts += [_k(n), f"${_k(n)}", _k(n).upper()]
    if n % 50 == 0 and (w := number_words(n)):
        opts += [w, f"{w} dollars", f"{w} bucks"]
    if n == 1000:
        opts += ["a grand", "one grand", "1 grand"]
    if rng.random() < 0.08:
        opts += [f"${n}.00"]
    return rng.choice(opts)


def fmt_rating(rng: random.Random, r: float) -> str:
    s = f"{r:g}"
    opts = [f"{s} stars", f"{s} stars", f"{s} star", f"{s}/5", f"{s} out of 5", f"{s} out of 5 stars",
            f"{s}-star", f"{s} star rating"]
    if r.is_integer():
        opts += [f"{_ONES[int(r)]} stars", f"{int(r)}.0 stars"]
    return rng.choice(opts)


def fmt_count(rng: random.Random, n: int, noun: str) -> str:
    opts = [f"{n} {noun}", f"{n} {noun}"]
    if n >= 1000:
        opts += [f"{n:,} {noun}"]
        if n % 100 == 0:
            opts += [f"{_k(n)} {noun}"]
    if n % 100 == 0 and (w := number_words(n)) and n <= 5000:
        opts += [f"{w} {noun}"]
    return rng.choice(opts)


def fmt_storage(rng: random.Random, gb: float) -> str:
    n = int(gb)
    if n >= 1024 and n % 1024 == 0:
        t = n // 1024
        return rng.choice([f"{t}tb", f"{t} tb", f"{t}TB", f"{t} TB", f"{t} terabyte"])
    return rng.choice([f"{n}gb", f"{n} gb", f"{n}GB", f"{n} GB", f"{n}g", f"{n} gigs", f"{n}gb"])


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_NEAR = {row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1] for row in _ROWS for i in range(len(row))}


def typo(rng: random.Random, word: str) -> str:
    """One character swap, drop, double or neighbour-key slip (words with digits are left alone)."""
    if len(word) < 4 or any(ch.isdigit() for ch in word) or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.65:
        return word[:i] + word[i + 1:]
    if kind < 0.8:
        return word[:i] + word[i] + word[i:]
    ch = word[i].lower()
    return word[:i] + _KEYBOARD_NEAR.get(ch, ch) + word[i + 1:]


def noise(rng: random.Random, text: str, typo_rate: float = 0.12) -> str:
    """Case, punctuation and typo noise the way people type on phones."""
    if rng.random() < typo_rate:
        words = text.split(" ")
        k = 1 if rng.random() < 0.8 else 2
        for _ in range(k):
            j = rng.randrange(len(words))
            words[j] = typo(rng, words[j])
        text = " ".join(words)
    r = rng.random()
    if r < 0.65:
        text = text.lower()
    elif r < 0.72:
        text = text.upper() if len(text) < 40 else text
    elif r < 0.85:
        text = text[:1].upper() + text[1:]
    text = text.replace(" i ", " I ") if rng.random() < 0.2 else text
    end = rng.random()
    text = text.rstrip(" .?!")
    if end < 0.15:
        text += "?"
    elif end < 0.25:
        text += "."
    elif end < 0.28:
        text += "!!"
    elif end < 0.31:
        text += " pls"
    elif end < 0.33:
        text += " thx"
    if rng.random() < 0.1:
        text = text.replace(",", "")
    if rng.random() < 0.05:
        text = "  " + text.replace(" ", "  ", 1)
    return re.sub(r" +([,?.!])", r"\1", text) if rng.random() < 0.9 else text


# ================================================================================================ constraints
@dataclass
class Phrase:
    """A constraint as words, where it sits (before or after the product noun) and what it sets."""

    text: str
    pos: str  # "pre" | "post"
    sets: dict[str, Any]
    kind: str  # price | rating | reviews | storage | brand | color | carrier | condition


PHONE_NOUNS = ["phone", "phone", "smartphone", "cell phone", "smart phone", "mobile phone", "android phone",
               "cellphone", "mobile", "handset", "5g phone", "phone"]
ACCESSORY_NOUNS = ["case", "phone case", "screen protector", "charger", "fast charger", "wall charger", "usb c cable",
                   "charging cable", "lightning cable", "earbuds", "wireless earbuds", "headphones", "power bank",
                   "portable charger", "car mount", "phone holder", "smartwatch", "smart watch", "tempered glass",
                   "phone cover", "wireless charger", "car charger", "bluetooth headset", "accessory",
                   "phone accessory", "accessories", "cases", "screen protectors"]
TOPIC_WORDS = ["with a good camera", "with a big screen", "with long battery life", "for gaming", "for my mom",
               "for a teenager", "for work", "with 5g", "that is waterproof", "for photos", "with fast charging",
               "for my dad", "that is durable", "with a small screen", "for travel", "for kids", "for seniors",
               "with wireless charging", "that is slim", "that is rugged", "for running"]


def _price_value(rng: random.Random, sub: str | None) -> float:
    if sub == ACCESSORIES:
        v = rng.choice([5, 8, 10, 12, 15, 15, 20, 20, 25, 30, 30, 35, 40, 45, 50, 60, 75, 80, 100, 150])
    else:
        v = rng.choice([50, 80, 100, 100, 120, 150, 150, 180, 200, 200, 250, 300, 300, 350, 400, 400, 450, 500,
                        500, 600, 650, 700, 750, 800, 900, 999, 1000, 1000, 1100, 1200, 1300, 1500, 2000])
    r = rng.random()
    if r < 0.1:
        v = rng.randint(5, 2000 if sub != ACCESSORIES else 200)
    elif r < 0.15:
        v = v - 0.01 if v > 1 else v
    return float(round(v, 2))


PRICE_MAX = ["under {p}", "under {p}", "below {p}", "less than {p}", "less then {p}", "no more than {p}",
             "not more than {p}", "not exceeding {p}", "at most {p}", "{p} or less", "{p} or lower", "{p} max",
             "max {p}", "maximum {p}", "up to {p}", "within {p}", "cheaper than {p}", "for less than {p}",
             "{p} tops", "not over {p}", "not above {p}", "priced under {p}", "costing less than {p}",
             "that doesn't cost more than {p}", "under {p} please", "no more then {p}", "for under {p}",
             "sub {p}", "price below {p}", "price under {p}", "price not exceeding {p}", "less than or equal to {p}",
             "with a budget of {p}", "on a {p} budget", "budget {p}", "max price {p}", "around {p} or less",
             "that costs at most {p}", "{p} or cheaper", "not going over {p}", "< {p}", "<{p}"]
PRICE_MIN = ["over {p}", "above {p}", "more than {p}", "at least {p}", "{p} or more", "{p} or higher", "{p}+",
             "starting at {p}", "minimum {p}", "min {p}", "no less than {p}", "not less than {p}", "not under {p}",
             "{p} and up", "{p} and above", "pricier than {p}", "costing more than {p}", "priced above {p}",
             "price over {p}", "price at least {p}", "from {p} up", "greater than {p}", "upwards of {p}",
             "north of {p}", "> {p}", "more then {p}", "at least {p} or more", "price above {p}"]
PRICE_RANGE = ["between {a} and {b}", "{a}-{b}", "{a} to {b}", "from {a} to {b}", "in the {a}-{b} range",
               "between {a} and {b} dollars", "priced between {a} and {b}", "{a} - {b}", "somewhere between {a} and {b}",
               "no less than {a} and no more than {b}", "at least {a} but under {b}", "over {a} and under {b}"]
PRICE_QUAL = [
    (["cheap", "budget", "affordable", "inexpensive", "low cost", "low-cost", "low priced", "cheapest",
      "budget-friendly", "bargain", "economical", "low-end", "cheapo", "cheaper"], "pre", {"price_max": "low"}),
    (["on a budget", "that is cheap", "that's not expensive", "at a low price", "that won't break the bank",
      "on the cheap", "for cheap", "at a bargain price", "that is affordable"], "post", {"price_max": "low"}),
    (["expensive", "premium", "high-end", "high end", "flagship", "luxury", "top of the line", "pricey",
      "top-end", "upscale"], "pre", {"price_min": "high"}),
    (["that is expensive", "money is no object", "price is not a concern, the best one", "at a high price"],
     "post", {"price_min": "high"}),
    (["mid-range", "mid range", "midrange", "moderately priced", "mid-priced", "medium priced"], "pre",
     {"price_min": "medium", "price_max": "medium"}),
    (["in the mid price range", "at a medium price", "that is moderately priced"], "post",
     {"price_min": "medium", "price_max": "medium"}),
    (["reasonably priced", "not too expensive", "fairly priced", "not overpriced"], "pre", {"price_max": "medium"}),
    (["that's not too expensive", "at a reasonable price", "that isn't too pricey"], "post", {"price_max": "medium"}),
    (["not too cheap", "decent quality not bottom of the barrel"], "pre", {"price_min": "medium"}),
]


def price_phrase(rng: random.Random, sub: str | None) -> Phrase:
    r = rng.random()
    if r < 0.33:
        v = _price_value(rng, sub)
        return Phrase(rng.choice(PRICE_MAX).format(p=fmt_price(rng, v)), "post", {"price_max": v}, "price")
    if r < 0.55:
        v = _price_value(rng, sub)
        return Phrase(rng.choice(PRICE_MIN).format(p=fmt_price(rng, v)), "post", {"price_min": v}, "price")
    if r < 0.68:
        a, b = sorted(rng.sample([_price_value(rng, sub) for _ in range(4)], 2))
        if a == b:
            b = a + 100
        pa = fmt_price(rng, a)
        pb = fmt_price(rng, b)
        if rng.random() < 0.4 and pa.startswith("$") and pb.startswith("$"):
            pa = pa.lstrip("$")
        return Phrase(rng.choice(PRICE_RANGE).format(a=pa, b=pb), "post", {"price_min": a, "price_max": b}, "price")
    words, pos, sets = rng.choice(PRICE_QUAL)
    return Phrase(rng.choice(words), pos, dict(sets), "price")


def _rating_value(rng: random.Random) -> float:
    return rng.choice([3.0, 3.5, 4.0, 4.0, 4.2, 4.3, 4.5, 4.5, 4.4, 4.6, 4.7, 4.8, 3.8, 4.1, 2.5, 3.0, 4.9, 5.0, 2.0])


RATING_MIN = ["rated at least {r}", "{r} or higher", "{r} and up", "{r} or more", "over {r}", "above {r}",
              "with a rating above {r}", "rating of at least {r}", "minimum rating {r}", "no less than {r}",
              "better than {r}", "at least {r}", "rated {r} or better", "rated {r} or more", "with at least {r}",
              "with more than {r}", "rating over {r}", "rating at least {r}", "min rating {r}", "with {r} or higher",
              "rated above {r}", "rated higher than {r}", "not below {r}", "rating no lower than {r}"]
RATING_MIN_PLUS = ["{n}+ stars", "{n}+ star", "{n}+ rating", "rated {n}+", "{n} stars+", "{n}+ stars rating"]
RATING_MAX = ["rating not exceeding {r}", "rated at most {r}", "{r} or less", "{r} or lower", "below {r}",
              "under {r}", "less than {r}", "no more than {r}", "with a rating under {r}", "rating below {r}",
              "not rated above {r}", "rating up to {r}", "rated lower than {r}", "rated below {r}",
              "with at most {r}", "rating not more than {r}", "max rating {r}", "not higher than {r}",
              "rating no higher than {r}", "rated under {r}"]
RATING_RANGE = ["rated between {a} and {b}", "between {a} and {b}", "rated {a} to {b}", "rating from {a} to {b}",
                "with a rating between {a} and {b}"]
RATING_QUAL = [
    (["highly rated", "top rated", "top-rated", "best rated", "well rated", "highly-rated", "high rated",
      "best-rated", "highest rated", "5 star quality"], "pre", {"average_rating_min": "high"}),
    (["with great reviews", "with excellent ratings", "with great ratings", "that people love", "with top ratings",
      "with a high rating", "with stellar reviews", "that is highly rated", "rated really well"], "post",
     {"average_rating_min": "high"}),
    (["decently rated", "well reviewed", "well-reviewed", "good rated", "solidly rated"], "pre",
     {"average_rating_min": "medium"}),
    (["with good reviews", "with decent ratings", "with good ratings", "with a decent rating", "with ok ratings",
      "that is rated well enough", "with a good rating"], "post", {"average_rating_min": "medium"}),
    (["poorly rated", "low rated", "badly rated", "low-rated"], "pre", {"average_rating_max": "low"}),
    (["with bad reviews", "with a low rating", "with poor ratings", "with low ratings"], "post",
     {"average_rating_max": "low"}),
]


def rating_phrase(rng: random.Random) -> Phrase:
    r = rng.random()
    if r < 0.3:
        v = _rating_value(rng)
        t = rng.choice(RATING_MIN).format(r=fmt_rating(rng, v))
        return Phrase(t, "post", {"average_rating_min": v}, "rating")
    if r < 0.4:
        v = float(rng.choice([3, 4, 4, 4.5, 3.5]))
        t = rng.choice(RATING_MIN_PLUS).format(n=f"{v:g}")
        return Phrase(t if rng.random() < 0.5 else "with " + t, "post", {"average_rating_min": v}, "rating")
    if r < 0.6:
        v = _rating_value(rng)
        t = rng.choice(RATING_MAX).format(r=fmt_rating(rng, v))
        return Phrase(t, "post", {"average_rating_max": v}, "rating")
    if r < 0.67:
        a, b = sorted(rng.sample([3.0, 3.5, 4.0, 4.2, 4.5, 4.8, 5.0], 2))
        t = rng.choice(RATING_RANGE).format(a=f"{a:g}", b=fmt_rating(rng, b))
        return Phrase(t, "post", {"average_rating_min": a, "average_rating_max": b}, "rating")
    words, pos, sets = rng.choice(RATING_QUAL)
    return Phrase(rng.choice(words), pos, dict(sets), "rating")


REVIEW_NOUNS = ["reviews", "ratings", "reviews", "customer reviews", "user ratings", "reviewers"]
REVIEWS_MIN = ["with at least {n}", "with over {n}", "with more than {n}", "with {n} or more", "{n}+",
               "with no fewer than {n}", "with a minimum of {n}", "having more than {n}", "with {n}+",
               "that has over {n}", "with not less than {n}", "with above {n}", "at least {n}", "more than {n}",
               "with min {n}", "with no less than {n}", "that has at least {n}"]
REVIEWS_MAX = ["with fewer than {n}", "with less than {n}", "with under {n}", "with at most {n}",
               "with no more than {n}", "with {n} or fewer", "with {n} or less", "with not more than {n}",
               "with up to {n}", "with reviews not exceeding {n}", "that has fewer than {n}", "under {n}",
               "less than {n}", "with a max of {n}", "with below {n}"]
REVIEWS_QUAL = [
    (["popular", "best selling", "best-selling", "bestselling", "widely reviewed", "most reviewed", "well known",
      "very popular"], "pre", {"review_count_min": "high"}),
    (["with lots of reviews", "with many reviews", "with tons of reviews", "with plenty of reviews",
      "with a lot of ratings", "with thousands of reviews", "that lots of people bought", "with loads of reviews",
      "with a ton of ratings", "lots of people reviewed", "with many ratings"], "post",
     {"review_count_min": "high"}),
    (["with some reviews", "with a decent number of reviews", "with a fair number of ratings",
      "with a reasonable number of reviews", "with enough reviews", "with a few hundred reviews"], "post",
     {"review_count_min": "medium"}),
    (["little known", "lesser known", "obscure", "niche", "under the radar"], "pre", {"review_count_max": "low"}),
    (["with few reviews", "with not many reviews", "with hardly any reviews", "with only a few ratings",
      "with not many ratings", "that few people reviewed"], "post", {"review_count_max": "low"}),
]


def reviews_phrase(rng: random.Random) -> Phrase:
    r = rng.random()
    n = rng.choice([10, 20, 50, 100, 100, 200, 250, 500, 500, 1000, 1000, 1500, 2000, 2500, 5000, 10000, 20000, 50,
                    300, 750, 3000])
    if r < 0.33:
        t = rng.choice(REVIEWS_MIN).format(n=fmt_count(rng, n, rng.choice(REVIEW_NOUNS)))
        return Phrase(t, "post", {"review_count_min": float(n)}, "reviews")
    if r < 0.55:
        t = rng.choice(REVIEWS_MAX).format(n=fmt_count(rng, n, rng.choice(REVIEW_NOUNS)))
        return Phrase(t, "post", {"review_count_max": float(n)}, "reviews")
    if r < 0.6:
        a, b = sorted(rng.sample([50, 100, 500, 1000, 2000, 5000], 2))
        t = f"with between {a} and {b} {rng.choice(REVIEW_NOUNS)}"
        return Phrase(t, "post", {"review_count_min": float(a), "review_count_max": float(b)}, "reviews")
    words, pos, sets = rng.choice(REVIEWS_QUAL)
    return Phrase(rng.choice(words), pos, dict(sets), "reviews")


STORAGE_MIN = ["at least {s}", "{s} or more", "{s}+", "minimum {s}", "{s} or bigger", "{s} or higher",
               "no less than {s}", "more than {s}", "{s} and up", "with at least {s}", "with {s} or more storage",
               "at least {s} of storage", "min {s}", "with over {s} storage", "{s} minimum"]
STORAGE_MAX = ["at most {s}", "{s} or less", "no more than {s}", "up to {s}", "with at most {s} storage",
               "{s} or smaller", "not more than {s}", "{s} max"]
STORAGE_EXACT_PRE = ["{s}", "{s}"]
STORAGE_EXACT_POST = ["with {s}", "with {s} storage", "with {s} of storage", "{s} storage", "with {s} internal storage",
                      "in {s}", "{s} version", "the {s} model", "with {s} memory"]
STORAGE_QUAL = [
    (["with lots of storage", "with plenty of storage", "with a lot of storage", "with tons of space",
      "with lots of space", "with large storage", "with big storage", "with huge storage", "with the most storage"],
     "post", {"storage_gb_min": "high"}),
    (["high capacity", "big storage"], "pre", {"storage_gb_min": "high"}),
    (["with small storage", "with basic storage", "with little storage"], "post", {"storage_gb_max": "low"}),
]


def storage_phrase(rng: random.Random, vocab: SynthVocab) -> Phrase:
    gb = rng.choice(vocab.storages)
    s = fmt_storage(rng, gb)
    r = rng.random()
    if r < 0.3:
        return Phrase(rng.choice(STORAGE_EXACT_PRE).format(s=s), "pre", {"storage_gb_min": gb, "storage_gb_max": gb},
                      "storage")
    if r < 0.45:
        return Phrase(rng.choice(STORAGE_EXACT_POST).format(s=s), "post",
                      {"storage_gb_min": gb, "storage_gb_max": gb}, "storage")
    if r < 0.7:
        return Phrase(rng.choice(STORAGE_MIN).format(s=s), "post", {"storage_gb_min": gb}, "storage")
    if r < 0.82:
        return Phrase(rng.choice(STORAGE_MAX).format(s=s), "post", {"storage_gb_max": gb}, "storage")
    words, pos, sets = rng.choice(STORAGE_QUAL)
    return Phrase(rng.choice(words), pos, dict(sets), "storage")


_BRAND_SPELLINGS = {"oneplus": ["oneplus", "one plus", "OnePlus", "1+"], "apple": ["apple", "Apple"],
                    "amazonbasics": ["amazon basics", "amazonbasics"], "asus": ["asus", "ASUS"],
                    "tcl": ["tcl", "TCL"], "otterbox": ["otterbox", "otter box", "OtterBox"]}
LINES_BY_BRAND: dict[str, list[str]] = {}
for _line, _brand in PRODUCT_LINE_BRANDS.items():
    LINES_BY_BRAND.setdefault(brand_key(_brand), []).append(_line)


def brand_word(rng: random.Random, brand: str) -> str:
    return rng.choice(_BRAND_SPELLINGS.get(brand_key(brand), [brand.lower(), brand.lower(), brand]))


def color_phrase(rng: random.Random, vocab: SynthVocab) -> Phrase:
    names = list(vocab.colors)
    said = rng.choice(names)
    base = vocab.colors[said]
    r = rng.random()
    if r < 0.15:
        other = rng.choice(names)
        if vocab.colors[other] != base:
            sets = {"color": [base, vocab.colors[other]]}
            t = rng.choice(["in {a} or {b}", "{a} or {b}", "either {a} or {b}", "in {a} or {b} color",
                            "{a}/{b}"]).format(a=said, b=other)
            return Phrase(t, "post" if t.startswith(("in", "either")) else "pre", sets, "color")
    if r < 0.55:
        return Phrase(said, "pre", {"color": [base]}, "color")
    t = rng.choice(["in {c}", "in {c}", "in {c} color", "in the color {c}", "colored {c}", "in a {c} color",
                    "that is {c}", "{c} colored", "in {c} please", "color {c}", "colour {c}", "in {c} colour"])
    return Phrase(t.format(c=said), "post", {"color": [base]}, "color")


def _carrier_words(name: str) -> list[str]:
    aliases = list(CARRIERS.get(name, (name.lower(),)))
    return [a for a in aliases if a not in ("boost",)] + [name, name.lower()]


def carrier_phrase(rng: random.Random, vocab: SynthVocab) -> Phrase:
    name = rng.choice(vocab.carriers)
    word = rng.choice(_carrier_words(name))
    if name == "Unlocked":
        t = rng.choice(["unlocked", "unlocked", "sim free", "sim-free", "factory unlocked", "that is unlocked",
                        "unlocked for all carriers", "carrier unlocked"])
        pos = "post" if t.startswith(("that", "unlocked for")) else "pre"
        return Phrase(t, pos, {"carrier": ["Unlocked"]}, "carrier")
    t = rng.choice(["for {w}", "on {w}", "that works with {w}", "compatible with {w}", "{w}", "for {w} network",
                    "that works on {w}", "with {w}", "{w} compatible", "locked to {w}", "on the {w} network",
                    "for {w} please"]).format(w=word)
    pos = "pre" if t == word else "post"
    return Phrase(t, pos, {"carrier": [name]}, "carrier")


def condition_phrase(rng: random.Random) -> Phrase:
    if rng.random() < 0.7:
        w = rng.choice(["refurbished", "renewed", "used", "pre-owned", "preowned", "refurb", "second hand",
                        "certified refurbished", "second-hand", "reconditioned"])
        if rng.random() < 0.3:
            return Phrase(rng.choice(["that is {w}", "{w} is fine", "{w} only", "in {w} condition"]).format(w=w),
                          "post", {"condition": "renewed"}, "condition")
        return Phrase(w, "pre", {"condition": "renewed"}, "condition")
    w = rng.choice(["brand new", "new", "new condition", "not refurbished", "new in box", "not used",
                    "sealed new", "never used"])
    if w in ("not refurbished", "not used", "new in box", "never used", "new condition"):
        return Phrase(rng.choice(["that is {w}", "{w}", "in {w}"]).format(w=w) if w != "new condition"
                      else "in new condition", "post", {"condition": "new"}, "condition")
    return Phrase(w, "pre", {"condition": "new"}, "condition")


# ================================================================================================ need
@dataclass
class Need:
    """The product words of a query and what they set (subcategory, maybe brand)."""

    noun: str
    sets: dict[str, Any]
    brand_in_noun: bool = False


def make_need(rng: random.Random, vocab: SynthVocab, want_brand: bool) -> Need:
    r = rng.random()
    if r < 0.58:  # phone
        if want_brand:
            brand = rng.choice(vocab.phone_brands[:8] if rng.random() < 0.8 else vocab.phone_brands)
            lines = LINES_BY_BRAND.get(brand_key(brand), [])
            lines = [ln for ln in lines if ln not in ("ipad", "airpods")]
            if lines and rng.random() < 0.45:
                line = rng.choice(lines)
                noun = rng.choice([line, line, f"{line} phone", f"{line}s", f"{line} phone", f"{brand_word(rng, brand)} {line}"])
                return Need(noun, {"subcategory": PHONES, "brand": [brand]}, True)
            return Need(f"{brand_word(rng, brand)} {rng.choice(PHONE_NOUNS)}",
                        {"subcategory": PHONES, "brand": [brand]}, True)
        return Need(rng.choice(PHONE_NOUNS), {"subcategory": PHONES})
    if r < 0.93:  # accessory
        noun = rng.choice(ACCESSORY_NOUNS)
        if rng.random() < 0.25:  # "case for pixel 7": the phone line names the target phone, not the brand
            brand = rng.choice(vocab.phone_brands[:5])
            lines = [ln for ln in LINES_BY_BRAND.get(brand_key(brand), []) if ln not in ("ipad", "airpods")]
            target = rng.choice(lines) if lines else brand.lower()
            num = rng.choice(["", " 7", " 14", " s23", " 8 pro", " 15", " 12", " a54", " 13 pro max"])
            noun = rng.choice(["{t}{n} {a}", "{a} for {t}{n}", "{a} for my {t}{n}", "{a} for a {t}{n}"]).format(
                t=target, n=num, a=noun)
        if want_brand:
            brand = rng.choice(vocab.accessory_brands)
            return Need(f"{brand_word(rng, brand)} {noun}", {"subcategory": ACCESSORIES, "brand": [brand]}, True)
        return Need(noun, {"subcategory": ACCESSORIES})
    # No product word: "something under $50", "anything from samsung".
    if want_brand:
        brand = rng.choice(vocab.phone_brands[:6])
        return Need(rng.choice(["something from {b}", "anything by {b}", "{b} stuff", "{b} products"]).format(
            b=brand_word(rng, brand)), {"brand": [brand]}, True)
    return Need(rng.choice(["something", "anything", "one", "stuff", "options", "products", "items"]), {})


# ================================================================================================ frames
# Single-turn sentence frames; each is a template family. {q} is the need with its constraints.
SINGLE_FRAMES: list[str] = [
    "{q}", "{q}", "{q}", "a {q}", "i need a {q}", "i want a {q}", "looking for a {q}", "hey, i'm looking for a {q}",
    "hi, im looking for a {q}", "can you find me a {q}", "show me a {q}", "show me {q}s", "find me a {q}",
    "i am looking for a {q}", "i'd like a {q}", "do you have a {q}", "any {q}s", "recommend a {q}",
    "what's a good {q}", "please find a {q}", "i'm shopping for a {q}", "help me find a {q}",
    "get me a {q}", "searching for a {q}", "need a {q}", "want to buy a {q}", "i wanna get a {q}",
    "could you suggest a {q}", "what {q}s do you have", "my son needs a {q}", "i'm after a {q}",
    "hello! can you help me find a {q}", "show {q}", "list {q}s", "are there any {q}s", "best {q}",
    "im in the market for a {q}", "looking to get a {q}", "i would like to buy a {q}", "gimme a {q}",
    "what is the best {q}", "ok so i need a {q}", "i'm trying to find a {q}", "which {q} should i buy",
    "a friend told me to get a {q}", "searching {q}", "i want to purchase a {q}", "pls find {q}",
    "looking for {q}", "need {q}", "hey there, any {q}", "my wife wants a {q}", "quick question, do you sell a {q}",
]
# Frames that state a budget up front.
BUDGET_FRAMES: list[str] = [
    "my budget is {p}. i need a {q}", "budget is {p}, looking for a {q}", "i have {p} to spend on a {q}",
    "i can spend up to {p} on a {q}", "i only have {p}, need a {q}", "{q}, budget {p}",
    "with {p} what {q} can i get", "i don't want to spend more than {p} on a {q}",
]


def _join_post(rng: random.Random, posts: list[Phrase]) -> str:
    out = ""
    for i, ph in enumerate(posts):
        t = ph.text
        if i == 0:
            out += " " + t
        else:
            sep = rng.choice([", ", " and ", " ", ", ", " and ", " & ", ", also ", " that's "])
            if sep == " that's " and not t.startswith(("rated", "under", "over", "below", "above")):
                sep = " and "
            out += sep + t
    return out


def _merge(state: Filters, sets: dict[str, Any]) -> Filters:
    """The state after an utterance that says `sets`, with the system's own update rules
    (`extraction.state.apply_update`): switching subcategory clears facets of the old one, a new bound
    drops an older opposite bound it contradicts, a brand said is no longer excluded and vice versa."""
    new, _ = apply_update(state, StateUpdate(set={k: (list(v) if k in LIST_FIELDS else v) for k, v in sets.items()}))
    return new


_KIND_WEIGHTS = [("price", 0.3), ("rating", 0.17), ("reviews", 0.13), ("color", 0.12), ("storage", 0.08),
                 ("carrier", 0.08), ("condition", 0.06), ("brand_exclude", 0.06)]


def _constraint(rng: random.Random, vocab: SynthVocab, kind: str, sub: str | None) -> Phrase:
    if kind == "price":
        return price_phrase(rng, sub)
    if kind == "rating":
        return rating_phrase(rng)
    if kind == "reviews":
        return reviews_phrase(rng)
    if kind == "color":
        return color_phrase(rng, vocab)
    if kind == "storage":
        return storage_phrase(rng, vocab)
    if kind == "carrier":
        return carrier_phrase(rng, vocab)
    if kind == "condition":
        return condition_phrase(rng)
    brands = vocab.phone_brands if sub != ACCESSORIES else vocab.accessory_brands
    b = rng.choice(brands[:8])
    t = rng.choice(["not {b}", "no {b}", "but not {b}", "anything but {b}", "except {b}", "other than {b}",
                    "that isn't {b}", "not from {b}", "excluding {b}", "but no {b} please", "non-{b}",
                    "without {b}"]).format(b=brand_word(rng, b))
    return Phrase(t, "post", {"brand_exclude": [b]}, "brand_exclude")


def single_query(rng: random.Random, vocab: SynthVocab, n_constraints: int | None = None) -> tuple[str, dict[str, Any], str]:
    """One query: (text without frame noise, fields it sets, frame family id)."""
    want_brand = rng.random() < 0.4
    need = make_need(rng, vocab, want_brand)
    sub = need.sets.get("subcategory")
    k = n_constraints if n_constraints is not None else rng.choices([0, 1, 2, 3, 4], [0.1, 0.3, 0.3, 0.2, 0.1])[0]
    kinds: list[str] = []
    pool = [(kd, w) for kd, w in _KIND_WEIGHTS if not (kd == "brand_exclude" and want_brand)]
    if sub == ACCESSORIES:
        pool = [(kd, w) for kd, w in pool if kd not in ("storage", "carrier")]
    while len(kinds) < k and len(kinds) < len(pool):
        kd = rng.choices([p[0] for p in pool], [p[1] for p in pool])[0]
        if kd not in kinds:
            kinds.append(kd)
    phrases = [_constraint(rng, vocab, kd, sub) for kd in kinds]
    sets: dict[str, Any] = dict(need.sets)
    for ph in phrases:
        sets.update(ph.sets)
    pres = [p for p in phrases if p.pos == "pre"]
    posts = [p for p in phrases if p.pos == "post"]
    rng.shuffle(pres)
    rng.shuffle(posts)
    topic = " " + rng.choice(TOPIC_WORDS) if rng.random() < 0.25 else ""
    pre = " ".join(p.text for p in pres)
    q = (pre + " " if pre else "") + need.noun + topic + _join_post(rng, posts)
    budget = None
    if "price_max" not in sets and "price_min" not in sets and rng.random() < 0.07:
        budget = _price_value(rng, sub)
        sets["price_max"] = budget
    if budget is not None:
        i = rng.randrange(len(BUDGET_FRAMES))
        text = BUDGET_FRAMES[i].format(q=q, p=fmt_price(rng, budget))
        return text, sets, f"budget/{i}"
    i = rng.randrange(len(SINGLE_FRAMES))
    text = SINGLE_FRAMES[i].format(q=q)
    text = re.sub(r"\ba ([aeiou])", r"an \1", text) if rng.random() < 0.7 else text
    return text, sets, f"single/{i}"


# ================================================================================================ refinements
def _brand_for(rng: random.Random, vocab: SynthVocab, state: Filters) -> str:
    brands = vocab.accessory_brands if state.subcategory == ACCESSORIES else vocab.phone_brands
    choices = [b for b in brands[:10] if b not in state.brand] or brands
    return rng.choice(choices)


def _brand_mention(rng: random.Random, brand: str, state: Filters) -> str:
    lines = [ln for ln in LINES_BY_BRAND.get(brand_key(brand), []) if ln not in ("ipad", "airpods")]
    if lines and state.subcategory != ACCESSORIES and rng.random() < 0.4:
        return rng.choice(lines)
    return brand_word(rng, brand)


# op -> list of templates. Each (op, index) is one family.
REFINE: dict[str, list[str]] = {
    "add_constraint": ["{c}", "only {c}", "{c} only", "and {c}", "also {c}", "make it {c}", "i want it {c}",
                       "ok, {c}", "can you show {c}", "show me ones {c}", "filter to {c}", "just {c} please",
                       "hmm, {c}", "it should be {c}", "preferably {c}", "what about {c}", "any {c}",
                       "ones {c}", "needs to be {c}", "limit it to {c}", "narrow it down to {c}",
                       "oh and {c}", "but {c}", "those but {c}", "same but {c}"],
    "replace_brand": ["what about {b} instead", "what about {b} instead?", "how about {b}", "switch to {b}",
                      "actually, {b}", "show me {b} ones instead", "i'd rather have {b}", "make it {b} instead",
                      "change the brand to {b}", "instead of {old} show me {b}", "not {old}, {b}",
                      "{b} instead", "try {b}", "do you have {b} instead", "let's look at {b}", "any {b} ones instead",
                      "hmm what about {b}", "forget {old}, show {b}", "{b} please", "swap to {b}",
                      "rather {b} than {old}", "could you show {b} instead of {old}"],
    "add_brand": ["or {b} too", "also {b}", "{b} is fine too", "include {b} as well", "and {b}",
                  "add {b}", "{b} also works", "{b} would be ok too", "or {b}", "show {b} as well"],
    "exclude_brand": ["no {b}", "not {b}", "no {b} please", "anything but {b}", "i don't want {b}",
                      "exclude {b}", "no more {b}", "skip {b}", "not a fan of {b}", "remove {b}",
                      "avoid {b}", "hide {b}", "without {b}", "i hate {b}", "none from {b}"],
    "replace_color": ["what about {c} instead", "actually make it {c}", "show me {c} ones instead",
                      "i'd rather have {c}", "{c} instead", "change the color to {c}", "how about in {c}",
                      "not {oldc}, {c}", "switch to {c}", "any in {c} instead", "do they come in {c}",
                      "prefer {c} actually"],
    "replace_price": ["actually under {p}", "what about under {p}", "make it under {p}", "change the budget to {p}",
                      "my budget is {p} now", "can we go up to {p}", "ok up to {p} then",
                      "let's say max {p}", "raise my budget to {p}", "lower the max to {p}", "budget is {p} instead",
                      "i can only spend {p}", "i can stretch to {p}", "no more than {p} then"],
    "remove_field": ["{r}"],
    "reset": ["start over", "let's start over", "start again", "new search", "forget everything", "reset",
              "clear all filters", "clear everything", "scratch that", "never mind, start from scratch",
              "let's begin again", "remove all filters", "reset the filters", "wipe the filters", "from scratch please",
              "clear filters", "start fresh"],
    "reset_new": ["never mind. {q}", "start over: {q}", "forget that, {q}", "new search: {q}", "scratch that, {q}",
                  "ok different thing, {q}", "actually something else. {q}", "let's start over. {q}",
                  "reset and show me {q}", "forget all that, i now need {q}", "completely different question, {q}"],
    "move": ["{m}"],
    "no_constraint": ["{x}"],
}
REMOVE_PHRASES: dict[str, list[str]] = {
    "color": ["any color is fine", "color doesn't matter", "forget the color", "drop the color filter",
              "i don't care about the color", "any colour", "remove the color", "whatever color", "all colors",
              "colour doesn't matter", "color is not important", "show all colors"],
    "brand": ["any brand is fine", "brand doesn't matter", "forget the brand", "drop the brand filter",
              "i don't care about the brand", "remove the brand", "any brand", "all brands", "whatever brand",
              "brand isn't important", "open to any brand"],
    "price": ["price doesn't matter", "forget the budget", "no budget", "drop the price limit", "any price",
              "remove the price filter", "money is no issue", "ignore the price", "price is not an issue",
              "forget about price", "i don't care about price"],
    "rating": ["rating doesn't matter", "any rating", "forget the rating", "drop the rating filter",
               "ignore ratings", "i don't care about stars", "remove the star filter", "ratings don't matter"],
    "reviews": ["number of reviews doesn't matter", "forget about the reviews count", "any number of reviews",
                "drop the review filter", "ignore review counts", "don't care how many reviews"],
    "storage": ["storage doesn't matter", "any storage", "forget the storage", "drop the storage filter",
                "any size is fine", "i don't care about storage", "whatever storage"],
    "carrier": ["any carrier", "carrier doesn't matter", "forget the carrier", "drop the carrier filter",
                "any network is fine", "i don't care about the carrier", "remove the carrier"],
    "condition": ["new or used is fine", "refurbished is ok too", "condition doesn't matter", "any condition",
                  "forget the condition", "used or new, whatever", "either new or refurbished"],
    "brand_exclude": ["bring back all brands", "{b} is ok again", "ok include {b} again", "stop excluding {b}",
                      "actually {b} is fine"],
}
REMOVE_FIELDS: dict[str, tuple[str, ...]] = {
    "color": ("color",), "brand": ("brand",), "price": ("price_min", "price_max"),
    "rating": ("average_rating_min", "average_rating_max"), "reviews": ("review_count_min", "review_count_max"),
    "storage": ("storage_gb_min", "storage_gb_max"), "carrier": ("carrier",), "condition": ("condition",),
    "brand_exclude": ("brand_exclude",),
}
MOVE_PHRASES: dict[str, list[str]] = {
    "cheaper": ["cheaper", "something cheaper", "show me cheaper ones", "too expensive", "anything less pricey",
                "lower price please", "a bit cheaper?", "those are too pricey", "cheaper options",
                "can you find cheaper", "less expensive ones", "these cost too much", "any cheaper?",
                "that's out of my budget", "something more affordable"],
    "more_expensive": ["something more premium", "higher end", "more expensive ones", "these look too cheap",
                       "step up in price", "something nicer, i can spend more", "a more premium option",
                       "pricier ones", "show me higher end models", "better quality, more expensive is fine"],
    "better_rated": ["better rated ones", "with better reviews", "higher rated", "something with better ratings",
                     "any better rated?", "show me ones with higher ratings", "those ratings are too low",
                     "better reviewed ones", "only the better rated ones", "higher star rating please"],
    "more_reviews": ["more popular ones", "with more reviews", "something more reviewed", "more reviews please",
                     "ones with more ratings", "those don't have enough reviews", "something people buy more",
                     "more well known ones", "show more popular options"],
    "more_storage": ["more storage", "bigger storage", "more space", "i need more storage than that",
                     "with more storage", "more memory", "a bigger storage option", "not enough storage",
                     "larger capacity", "more gb"],
    "other_brands": ["other brands", "different brand", "show me other brands", "not this brand",
                     "something from another brand", "other brands please", "any other brands",
                     "different manufacturers", "show me a different brand", "what do other brands have"],
}
NO_CONSTRAINT: list[str] = [
    "show me more", "more", "next", "more options", "thanks", "thank you", "ok", "okay", "cool", "great thanks",
    "which one has the best camera", "tell me about the second one", "what's the difference between them",
    "is the first one waterproof", "does it come with a charger", "compare the top two", "hmm", "nice",
    "which is the best one", "show the next page", "any others?", "what else do you have", "hello", "hi",
    "how are you", "what can you do", "who are you", "what's the weather like", "tell me a joke", "lol",
    "are these good", "which would you pick", "sounds good", "perfect", "i'll take the first one",
    "how long does shipping take", "can i return it", "does the third one have 5g", "show details",
    "why is that one ranked first", "more like the second one", "what's your return policy", "yes", "no", "sure",
    "go on", "keep going", "can you explain", "what do you mean", "whats the battery life on those",
    "do any of these support wireless charging", "i'm just browsing", "let me think", "hold on",
    "what does renewed mean", "is it good for gaming", "what about the camera", "show me pictures",
    "sort by relevance", "???", "asdf", "hmm not sure", "none of these", "these are all bad",
]


def _random_state(rng: random.Random, vocab: SynthVocab) -> Filters:
    text, sets, _ = single_query(rng, vocab, n_constraints=rng.choice([0, 1, 1, 2, 2, 3]))
    return _merge(Filters(), sets)


def refine_turn(rng: random.Random, vocab: SynthVocab, state: Filters) -> tuple[str, Filters, list[str], bool, str]:
    """One refinement of `state`: (utterance, target state, moves, reset, family)."""
    ops = ["add_constraint", "replace_brand", "add_brand", "exclude_brand", "replace_color", "replace_price",
           "remove_field", "reset", "reset_new", "move", "no_constraint", "add_single"]
    weights = [0.2, 0.1, 0.04, 0.06, 0.05, 0.07, 0.1, 0.04, 0.05, 0.1, 0.09, 0.1]
    op = rng.choices(ops, weights)[0]
    if op == "add_single":  # a fuller query mid-conversation refines the state with everything it says
        text, sets, fam = single_query(rng, vocab, n_constraints=rng.choice([1, 2]))
        return text, _merge(state, sets), [], False, "refine_" + fam
    if op == "add_constraint":
        kind = rng.choices([k for k, _ in _KIND_WEIGHTS], [w for _, w in _KIND_WEIGHTS])[0]
        ph = _constraint(rng, vocab, kind, state.subcategory)
        i = rng.randrange(len(REFINE[op]))
        t = REFINE[op][i]
        if ph.pos == "pre" and t in ("show me ones {c}", "ones {c}", "those but {c}", "same but {c}"):
            t = "{c} ones"
            i = -1
        return t.format(c=ph.text), _merge(state, ph.sets), [], False, f"{op}/{i}"
    if op == "replace_brand":
        b = _brand_for(rng, vocab, state)
        old = state.brand[0] if state.brand else rng.choice(vocab.phone_brands[:5])
        i = rng.randrange(len(REFINE[op]))
        tpl = REFINE[op][i]
        text = tpl.format(b=_brand_mention(rng, b, state), old=brand_word(rng, old))
        sets = {"brand": [b]}
        return text, _merge(state, sets), [], False, f"{op}/{i}"
    if op == "add_brand":
        b = _brand_for(rng, vocab, state)
        i = rng.randrange(len(REFINE[op]))
        return (REFINE[op][i].format(b=_brand_mention(rng, b, state)),
                _merge(state, {"brand": state.brand + [b]}), [], False, f"{op}/{i}")
    if op == "exclude_brand":
        b = rng.choice(state.brand) if state.brand and rng.random() < 0.6 else _brand_for(rng, vocab, state)
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(b=brand_word(rng, b))
        target = _merge(state, {"brand_exclude": state.brand_exclude + [b]})
        return text, target, [], False, f"{op}/{i}"
    if op == "replace_color":
        ph = color_phrase(rng, vocab)
        said = [k for k, v in vocab.colors.items() if v == ph.sets["color"][0]]
        c = rng.choice(said)
        oldc = state.color[0] if state.color else rng.choice(list(vocab.colors))
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(c=c, oldc=oldc)
        return text, _merge(state, {"color": [vocab.colors[c]]}), [], False, f"{op}/{i}"
    if op == "replace_price":
        v = _price_value(rng, state.subcategory)
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(p=fmt_price(rng, v))
        return text, _merge(state, {"price_max": v}), [], False, f"{op}/{i}"
    if op == "remove_field":
        active = set(state.active_fields())
        kinds = [k for k, fs in REMOVE_FIELDS.items() if active & set(fs)] or list(REMOVE_FIELDS)
        kind = rng.choice(kinds)
        j = rng.randrange(len(REMOVE_PHRASES[kind]))
        b = state.brand_exclude[0] if state.brand_exclude else "samsung"
        text = REMOVE_PHRASES[kind][j].format(b=brand_word(rng, b))
        target = state.without(*REMOVE_FIELDS[kind])
        if kind == "brand_exclude" and "{b}" in REMOVE_PHRASES[kind][j] and len(state.brand_exclude) > 1:
            target = state.merged(brand_exclude=state.brand_exclude[1:])
        return text, target, [], False, f"remove_{kind}/{j}"
    if op == "reset":
        i = rng.randrange(len(REFINE[op]))
        return REFINE[op][i], Filters(), [], True, f"{op}/{i}"
    if op == "reset_new":
        q, sets, _ = single_query(rng, vocab, n_constraints=rng.choice([0, 1, 2]))
        i = rng.randrange(len(REFINE[op]))
        return REFINE[op][i].format(q=q), _merge(Filters(), sets), [], True, f"{op}/{i}"
    if op == "move":
        mv = rng.choice(MOVES)
        j = rng.randrange(len(MOVE_PHRASES[mv]))
        return MOVE_PHRASES[mv][j], state, [mv], False, f"move_{mv}/{j}"
    j = rng.randrange(len(NO_CONSTRAINT))
    return NO_CONSTRAINT[j], state, [], False, f"none/{j // 4}"


# ================================================================================================ generation
@dataclass
class SynthConfig:
    n_single: int = 30000
    n_multi: int = 30000  # refinement turns over random states
    n_dialogues: int = 400  # whole multi-turn sequences (for per-turn joint accuracy)
    dialogue_turns: tuple[int, int] = (3, 5)
    seed: int = 13
    typo_rate: float = 0.12
    catalog: str | None = None  # catalog file; None = the built-in demo catalog


def load_vocab(catalog: str | None = None, products: Sequence[Product] | None = None) -> SynthVocab:
    if products is None:
        if catalog:
            products = load_catalog(catalog)
        else:
            products = demo_products()
    return SynthVocab.from_products(products)


def generate_examples(config: SynthConfig, vocab: SynthVocab | None = None) -> list[Example]:
    """Single-turn queries and refinement turns (each with its family id). Same config, same list."""
    vocab = vocab or load_vocab(config.catalog)
    rng = random.Random(config.seed)
    out: list[Example] = []
    for _ in range(config.n_single):
        text, sets, fam = single_query(rng, vocab)
        state = Filters()
        if rng.random() < 0.15:  # a full query over an existing state refines it
            state = _random_state(rng, vocab)
        out.append(Example(state, noise(rng, text, config.typo_rate), _merge(state, sets), family=fam))
    for _ in range(config.n_multi):
        state = _random_state(rng, vocab) if rng.random() < 0.9 else Filters()
        text, target, moves, reset, fam = refine_turn(rng, vocab, state)
        out.append(Example(state, noise(rng, text, config.typo_rate), target, moves, reset, fam))
    return out


def generate_dialogues(config: SynthConfig, vocab: SynthVocab | None = None) -> list[list[Example]]:
    """Whole conversations: an opening query, then refinements over the carried (gold) state."""
    vocab = vocab or load_vocab(config.catalog)
    rng = random.Random(config.seed + 1)
    dialogues: list[list[Example]] = []
    for d in range(config.n_dialogues):
        did = f"d{d:05d}"
        text, sets, fam = single_query(rng, vocab, n_constraints=rng.choice([1, 2, 2, 3]))
        state = _merge(Filters(), sets)
        turns = [Example(Filters(), noise(rng, text, config.typo_rate), state, family=fam, dialogue=did, turn=0)]
        for t in range(1, rng.randint(*config.dialogue_turns)):
            utt, target, moves, reset, fam = refine_turn(rng, vocab, state)
            turns.append(Example(state, noise(rng, utt, config.typo_rate), target, moves, reset, fam, did, t))
            state = target
        dialogues.append(turns)
    return dialogues


def _bucket(family: str, seed: int) -> float:
    h = hashlib.sha256(f"{seed}:{family}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def family_split(families: Iterable[str], seed: int = 13, dev: float = 0.1, test: float = 0.15) -> dict[str, str]:
    """family -> "train" | "dev" | "test"; whole families only, stable for a given seed.

    Each operation keeps most of its phrasings in train (families are split within their group, e.g.
    `replace_brand/*`), so every kind of change is learnable while some phrasings stay unseen.
    """
    groups: dict[str, list[str]] = {}
    for f in sorted(set(families)):
        groups.setdefault(f.rsplit("/", 1)[0], []).append(f)
    out: dict[str, str] = {}
    for _, fams in groups.items():
        ordered = sorted(fams, key=lambda f: _bucket(f, seed))
        n = len(ordered)
        n_test = int(round(n * test)) if n >= 4 else 0
        n_dev = int(round(n * dev)) if n >= 6 else 0
        for i, f in enumerate(ordered):
            out[f] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return out


def split_by_family(examples: Sequence[Example], seed: int = 13, dev: float = 0.1,
                    test: float = 0.15) -> dict[str, list[Example]]:
    """Examples grouped by their family's split; no family appears in two splits."""
    where = family_split((e.family for e in examples), seed, dev, test)
    out: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for e in examples:
        out[where[e.family]].append(e)
    return out


def split_dialogues(dialogues: Sequence[list[Example]], where: dict[str, str]) -> dict[str, list[list[Example]]]:
    """Dialogues whose every turn's family is in one split go there; mixed ones go to "mixed"."""
    out: dict[str, list[list[Example]]] = {"train": [], "dev": [], "test": [], "mixed": []}
    for d in dialogues:
        splits = {where.get(t.family, "train") for t in d}
        out[splits.pop() if len(splits) == 1 else ("test" if "test" in splits else "mixed")].append(d)
    return out


# ================================================================================================ LLM paraphrases
class LLMSynthesizer:
    """Paraphrases template utterances with a chat model, keeping the labels (for users who have an LLM).

    `chat_model` is anything with `.invoke(messages_or_text)` returning an object with `.content` (a
    LangChain chat model) or a string. Paraphrases that drop a number of the original are discarded,
    because the label would no longer match the text.

        >>> syn = LLMSynthesizer(my_chat_model)                       # doctest: +SKIP
        >>> syn.paraphrase(examples, n_per_example=3)                  # doctest: +SKIP
    """

    def __init__(self, chat_model: Any, prompt_path: str | Path | None = None):
        self.chat_model = chat_model
        path = Path(prompt_path) if prompt_path else Path(__file__).resolve().parents[1] / "prompts" / "synth_extraction.md"
        self.prompt = path.read_text(encoding="utf-8")

    def _ask(self, text: str) -> str:
        reply = self.chat_model.invoke(text)
        return str(getattr(reply, "content", reply))

    def paraphrase(self, examples: Sequence[Example], n_per_example: int = 3) -> list[Example]:
        out: list[Example] = []
        for ex in examples:
            prompt = self.prompt.replace("{n}", str(n_per_example)).replace("{utterance}", ex.utterance)
            try:
                reply = self._ask(prompt)
            except Exception:  # noqa: BLE001 - a flaky model must not stop data generation
                continue
            nums = set(re.findall(r"\d+(?:\.\d+)?", ex.utterance))
            for line in reply.splitlines():
                line = re.sub(r"^\s*(?:[-*]|\d+[.)])\s*", "", line).strip().strip('"')
                if not line or line.lower() == ex.utterance.lower():
                    continue
                if not nums <= set(re.findall(r"\d+(?:\.\d+)?", line)):
                    continue
                out.append(Example(ex.input_state, line, ex.target_state, list(ex.moves), ex.reset,
                                   family="llm/" + ex.family))
                if sum(1 for o in out if o.target_state is ex.target_state) >= n_per_example:
                    break
        return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write synthetic extraction data (JSONL, split by template family).")
    p.add_argument("out_dir")
    p.add_argument("--catalog", default=None)
    p.add_argument("--n-single", type=int, default=30000)
    p.add_argument("--n-multi", type=int, default=30000)
    p.add_argument("--seed", type=int, default=13)
    a = p.parse_args(argv)
    cfg = SynthConfig(n_single=a.n_single, n_multi=a.n_multi, seed=a.seed, catalog=a.catalog)
    splits = split_by_family(generate_examples(cfg), seed=cfg.seed)
    for name, exs in splits.items():
        write_jsonl(exs, Path(a.out_dir) / f"{name}.jsonl")
        print(f"{name}: {len(exs)} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
