"""Single-turn synthetic queries: the product need ("a samsung phone", "a fast charger") and the sentence
frames that place 0-4 constraint phrases around it. Each frame is a template family (training/synth.py).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from extraction.state import StateUpdate, apply_update
from retrieval.facets import brand_key
from retrieval.filters import ACCESSORIES, LIST_FIELDS, PHONES, Filters

from .synth_phrases import (
    ACCESSORY_NOUNS,
    LINES_BY_BRAND,
    PHONE_NOUNS,
    TOPIC_WORDS,
    Phrase,
    brand_word,
    carrier_phrase,
    color_phrase,
    condition_phrase,
    price_phrase,
    price_value,
    rating_phrase,
    reviews_phrase,
    storage_phrase,
)
from .synth_surface import fmt_price

if TYPE_CHECKING:
    from .synth import SynthVocab


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
            if lines and rng.random() < 0.4:  # "samsung galaxy a11 case": the phone's maker is still not the brand
                target = f"{brand_word(rng, brand)} {target}"
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


def merge_sets(state: Filters, sets: dict[str, Any]) -> Filters:
    """The state after an utterance that says `sets`, with the system's own update rules
    (`extraction.state.apply_update`): switching subcategory clears facets of the old one, a new bound
    drops an older opposite bound it contradicts, a brand said is no longer excluded and vice versa."""
    new, _ = apply_update(state, StateUpdate(set={k: (list(v) if k in LIST_FIELDS else v) for k, v in sets.items()}))
    return new


KIND_WEIGHTS = [("price", 0.3), ("rating", 0.17), ("reviews", 0.13), ("color", 0.12), ("storage", 0.08),
                 ("carrier", 0.08), ("condition", 0.06), ("brand_exclude", 0.06), ("color_exclude", 0.04)]
# Kinds one query does not say together: a colour wanted and a colour excluded in one breath is rare and
# often contradictory ("black, not black").
CLASHES = {frozenset(("color", "color_exclude"))}

# Exclusions of two brands at once ("no huawei or xiaomi", "neither samsung nor motorola"): a real shopper's
# "or" after a negation excludes both, the opposite of "samsung or motorola".
TWO_BRAND_EXCLUSIONS = ["no {b} or {b2}", "neither {b} nor {b2}", "not {b} or {b2}", "no {b}, no {b2}",
                        "nothing from {b} or {b2}", "except {b} and {b2}", "but not {b} or {b2}",
                        "without {b} or {b2}", "not {b} and not {b2}", "other than {b} or {b2}"]
COLOR_EXCLUSIONS = ["not {c}", "but not {c}", "not in {c}", "in any color but {c}", "any colour except {c}",
                    "that isn't {c}", "that are not {c}", "no {c} ones", "anything but {c}", "except {c}",
                    "in any color other than {c}", "excluding {c}", "but no {c} please", "not the {c} one"]


def constraint_phrase(rng: random.Random, vocab: SynthVocab, kind: str, sub: str | None) -> Phrase:
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
    if kind == "color_exclude":
        said = rng.choice(list(vocab.colors))
        return Phrase(rng.choice(COLOR_EXCLUSIONS).format(c=said), "post", {"color_exclude": [vocab.colors[said]]},
                      "color_exclude")
    brands = vocab.phone_brands if sub != ACCESSORIES else vocab.accessory_brands
    b = rng.choice(brands[:8])
    if rng.random() < 0.3:
        b2 = rng.choice([x for x in brands[:8] if x != b] or [b])
        if b2 != b:
            t = rng.choice(TWO_BRAND_EXCLUSIONS).format(b=brand_word(rng, b), b2=brand_word(rng, b2))
            return Phrase(t, "post", {"brand_exclude": [b, b2]}, "brand_exclude")
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
    pool = [(kd, w) for kd, w in KIND_WEIGHTS if not (kd == "brand_exclude" and want_brand)]
    if sub == ACCESSORIES:
        pool = [(kd, w) for kd, w in pool if kd not in ("storage", "carrier")]
    while len(kinds) < k and len(kinds) < len(pool):
        kd = rng.choices([p[0] for p in pool], [p[1] for p in pool])[0]
        if kd not in kinds and not any(frozenset((kd, other)) in CLASHES for other in kinds):
            kinds.append(kd)
    phrases = [constraint_phrase(rng, vocab, kd, sub) for kd in kinds]
    sets: dict[str, Any] = dict(need.sets)
    for ph in phrases:
        sets.update(ph.sets)
    pres = [p for p in phrases if p.pos == "pre"]
    posts = [p for p in phrases if p.pos == "post"]
    rng.shuffle(pres)
    rng.shuffle(posts)
    topic = " " + rng.choice(TOPIC_WORDS) if rng.random() < 0.25 else ""
    pre = " ".join(p.text for p in pres)
    if "condition" not in kinds and rng.random() < 0.05:
        pre = ("new " + pre).strip()  # "a new samsung phone": wanting a phone, not a condition (the guide)
    q = (pre + " " if pre else "") + need.noun + topic + _join_post(rng, posts)
    budget = None
    if "price_max" not in sets and "price_min" not in sets and rng.random() < 0.07:
        budget = price_value(rng, sub)
        sets["price_max"] = budget
    if budget is not None:
        i = rng.randrange(len(BUDGET_FRAMES))
        text = BUDGET_FRAMES[i].format(q=q, p=fmt_price(rng, budget))
        return text, sets, f"budget/{i}"
    i = rng.randrange(len(SINGLE_FRAMES))
    text = SINGLE_FRAMES[i].format(q=q)
    text = re.sub(r"\ba ([aeiou])", r"an \1", text) if rng.random() < 0.7 else text
    return text, sets, f"single/{i}"


