"""The constraint phrase pools of the synthetic queries ("under {p}", "4+ stars", "with at least {n} reviews",
"in midnight black") and the functions that draw one constraint as words plus what it sets. Shared by every
template family (training/synth.py): what a held-out family tests is the sentence around them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retrieval.facets import CARRIERS, PRODUCT_LINE_BRANDS, brand_key
from retrieval.filters import ACCESSORIES

from .synth_surface import fmt_count, fmt_price, fmt_rating, fmt_storage

if TYPE_CHECKING:
    from .synth import SynthVocab


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


def price_value(rng: random.Random, sub: str | None) -> float:
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
        v = price_value(rng, sub)
        return Phrase(rng.choice(PRICE_MAX).format(p=fmt_price(rng, v)), "post", {"price_max": v}, "price")
    if r < 0.55:
        v = price_value(rng, sub)
        return Phrase(rng.choice(PRICE_MIN).format(p=fmt_price(rng, v)), "post", {"price_min": v}, "price")
    if r < 0.68:
        a, b = sorted(rng.sample([price_value(rng, sub) for _ in range(4)], 2))
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
    # The annotation guide (evals/real_phrasing/GUIDE.md, rule 5) and the grammar (lexicon levels.toml):
    # "well reviewed" and "good ratings" are high; "decent", "solid", "ok" are medium.
    (["highly rated", "top rated", "top-rated", "best rated", "well rated", "highly-rated", "high rated",
      "best-rated", "highest rated", "5 star quality", "well reviewed", "well-reviewed", "good rated"], "pre",
     {"average_rating_min": "high"}),
    (["with great reviews", "with excellent ratings", "with great ratings", "that people love", "with top ratings",
      "with a high rating", "with stellar reviews", "that is highly rated", "rated really well", "with good reviews",
      "with good ratings", "with a good rating"], "post", {"average_rating_min": "high"}),
    (["decently rated", "solidly rated"], "pre", {"average_rating_min": "medium"}),
    (["with decent ratings", "with a decent rating", "with ok ratings", "that is rated well enough"], "post",
     {"average_rating_min": "medium"}),
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
    others = [c for c in vocab.carriers if c not in (name, "Unlocked")]
    if others and rng.random() < 0.15:  # "on verizon or at&t": either carrier is fine
        other = rng.choice(others)
        t = rng.choice(["{a} or {b}", "on {a} or {b}", "for {a} or {b}", "with {a} or {b}", "either {a} or {b}",
                        "{a}/{b}", "that works with {a} or {b}"]).format(a=word, b=rng.choice(_carrier_words(other)))
        pos = "post" if t.startswith(("on ", "for ", "with ", "either ", "that ")) else "pre"
        return Phrase(t, pos, {"carrier": [name, other]}, "carrier")
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
    # The annotation guide (evals/real_phrasing/GUIDE.md): "brand new", "only new ones", "no refurbs" are
    # condition new; a plain "a new X" is not a condition (single_query writes that one with no field).
    w = rng.choice(["brand new", "new condition", "not refurbished", "new in box", "not used", "sealed new",
                    "never used", "no refurbs", "no refurbished ones", "nothing used", "no used ones",
                    "not renewed", "not second hand", "only new ones", "new only"])
    if w in ("not refurbished", "not used", "new in box", "never used", "not renewed", "not second hand"):
        return Phrase(rng.choice(["that is {w}", "{w}", "in {w}"]).format(w=w), "post", {"condition": "new"}, "condition")
    if w == "new condition":
        return Phrase("in new condition", "post", {"condition": "new"}, "condition")
    if w.startswith(("no ", "nothing", "only", "new only")):
        return Phrase(w, "post", {"condition": "new"}, "condition")
    return Phrase(w, "pre", {"condition": "new"}, "condition")


