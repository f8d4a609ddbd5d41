"""Follow-up turns the way people chat: the acts shoppers do on carriers, storage, ratings and price ranges as
they do on brands and colours (replace, add, correct, take one value off a list), and the fillers, hedges and
corrections of a chat around any follow-up ("ok so ...", "... i guess", "sorry i meant ...").

Why: every refinement template of `synth_refine` was a tidy sentence, and only brands, colours and prices had
replace/add turns. Shoppers correct a carrier ("sorry i meant total wireless"), add one with a hedge ("or
tmobile i guess"), take one value off ("take belkin off", docs/state_rules.md row 48), lower a rating by a bare
number ("4 is fine") or restate a range ("between 128 and 256gb"). The labels follow the same state rules as
every other turn (`merge_sets`); each (op, template) is its own family, so whole phrasings are held out.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from retrieval.filters import PHONES, Filters

from .synth_phrases import brand_word, carrier_words, price_value
from .synth_queries import merge_sets
from .synth_surface import fmt_price, fmt_rating, fmt_storage

if TYPE_CHECKING:
    from .synth import SynthVocab

Turn = tuple[str, Filters, list[str], bool, str]

# Fillers around a follow-up that change nothing it asks for.
LEADS = ["ok ", "ok so ", "okay ", "hmm ", "hmm, ", "hey ", "umm ", "alright, ", "cool, ", "yeah ", "right, ",
         "oh ", "well ", "so ", "k ", "ah ok ", "nice, ", "great, ", "thanks, ", "hm ", "ok cool ", "yea ", "oh and "]
TAILS = [" i guess", " lol", " tbh", " pls", " please", " if possible", " thanks", " maybe", " i think", " then",
         " for now", " haha", " if u can", " ty", " if thats ok", " idk", " :)", " thx", " please!", " ok?"]
# Corrections say the new value replaces the old one: only around a replacing turn.
CORRECTIONS = ["sorry i meant ", "sorry, i meant ", "i meant ", "oops i meant ", "sorry ", "wait, ", "oh wait ",
               "no wait, ", "correction: ", "my bad, ", "typo, i meant ", "sorry typo, "]
REPLACING = ("replace_brand", "swap_brand", "replace_color", "replace_price", "replace_carrier", "replace_storage",
             "replace_rating", "replace_range")

CHAT: dict[str, list[str]] = {
    "replace_carrier": ["{w} instead", "what about {w}", "{w} not {old}", "switch to {w}", "actually {w}",
                        "make it {w}", "i'm on {w} actually", "i have {w}", "{w} instead of {old}", "can you do {w}",
                        "on {w} please", "for {w} instead", "not {old}, {w}", "change the carrier to {w}",
                        "it has to work on {w}", "how about {w}"],
    "add_carrier": ["or {w}", "{w} too", "also {w}", "{w} works too", "or {w} is fine", "{w} is ok too", "and {w}",
                    "{w} would work as well", "add {w}", "{w} as well", "or {w} i guess", "{w} also fine"],
    "drop_value": ["take {x} off", "take off {x}", "remove {x}", "drop {x}", "lose the {x}", "get rid of {x}",
                   "forget {x}", "forget about {x}", "scratch {x}", "take {x} out", "minus {x}", "drop the {x}",
                   "{x} can go", "remove the {x} one"],
    "replace_storage": ["{s} instead", "make it {s}", "{s} then", "actually {s}", "go with {s}", "{s} please",
                        "i meant {s}", "{s} not {old}", "can you do {s}", "{s} would be better"],
    "replace_rating": ["{r} is fine", "{r} is ok", "make it {r}", "{r} stars is enough", "at least {r} then",
                       "lower the rating to {r}", "{r} and up is fine", "{r} or better", "ok {r}+ then",
                       "{r} is good enough", "bump it to {r}", "{r} minimum"],
    "replace_range": ["between {a} and {b} then", "{a} to {b}", "somewhere between {a} and {b}",
                      "{a}-{b} is my range now", "make it {a} to {b}", "from {a} up to {b}",
                      "anything from {a} to {b}", "ok between {a} and {b}", "{a} min {b} max"],
}


def chat_register(rng: random.Random, text: str, family: str, rate: float = 0.3) -> str:
    """`text` with a chat filler before or after it now and then, and a correction lead on replacing turns."""
    if rng.random() >= rate:
        return text
    op = family.split("/", 1)[0]
    r = rng.random()
    if op in REPLACING and r < 0.3:
        return rng.choice(CORRECTIONS) + text
    if r < 0.65:
        return rng.choice(LEADS) + text
    if r < 0.9:
        return text + rng.choice(TAILS)
    return rng.choice(LEADS) + text + rng.choice(TAILS)


def chat_turn(rng: random.Random, vocab: SynthVocab, state: Filters, op: str) -> Turn | None:
    """One turn of `op` (a key of `CHAT`) over `state`; None where the state gives it nothing to act on."""
    i = rng.randrange(len(CHAT[op]))
    tpl, fam = CHAT[op][i], f"{op}/{i}"
    if op in ("replace_carrier", "add_carrier"):
        if state.subcategory not in (PHONES, None):  # carriers are a phone's
            return None
        old = state.carrier[0] if state.carrier else None
        new = rng.choice([c for c in vocab.carriers if c not in state.carrier] or vocab.carriers)
        if old is None and ("{old}" in tpl or op == "add_carrier"):
            return None
        text = tpl.format(w=rng.choice(carrier_words(new)), old=rng.choice(carrier_words(old)) if old else "")
        carriers = [*state.carrier, new] if op == "add_carrier" else [new]
        return text, merge_sets(state, {"carrier": carriers}), [], False, fam
    if op == "drop_value":
        fields = [f for f in ("brand", "color", "carrier") if len(getattr(state, f)) >= 2]
        if not fields:
            return None
        name = rng.choice(fields)
        gone = rng.choice(getattr(state, name))
        said = {"brand": lambda: brand_word(rng, gone), "carrier": lambda: rng.choice(carrier_words(gone))}.get(
            name, lambda: rng.choice([w for w, c in vocab.colors.items() if c == gone] or [gone]))()
        keep = [v for v in getattr(state, name) if v != gone]
        return tpl.format(x=said), state.merged(**{name: keep}), [], False, fam
    if op == "replace_storage":
        if state.storage_gb_min is None and state.storage_gb_max is None:
            return None
        old = state.storage_gb_min if state.storage_gb_min is not None else state.storage_gb_max
        gb = rng.choice([s for s in vocab.storages if s != old] or vocab.storages)
        bare = str(int(gb)) if gb < 1024 and rng.random() < 0.5 else fmt_storage(rng, gb)
        text = tpl.format(s=bare, old=str(int(old)) if isinstance(old, float) else "that")
        exact = state.storage_gb_min == state.storage_gb_max
        sets = {"storage_gb_min": gb, "storage_gb_max": gb} if exact else (
            {"storage_gb_min": gb} if state.storage_gb_min is not None else {"storage_gb_max": gb})
        return text, merge_sets(state, sets), [], False, fam
    if op == "replace_rating":
        if state.average_rating_min is None:
            return None
        v = float(rng.choice([3, 3.5, 4, 4, 4.2, 4.5, 4.5, 4.7]))
        if v == state.average_rating_min:
            return None
        said = f"{v:g}" if rng.random() < 0.6 else fmt_rating(rng, v)
        return tpl.format(r=said), merge_sets(state, {"average_rating_min": v}), [], False, fam
    # replace_range: a new price range over a state that has a budget
    if state.price_min is None and state.price_max is None:
        return None
    ends = sorted({price_value(rng, state.subcategory), price_value(rng, state.subcategory)})
    if len(ends) < 2:
        return None
    a, b = ends
    return (tpl.format(a=fmt_price(rng, a) if rng.random() < 0.3 else f"{a:g}", b=fmt_price(rng, b)),
            merge_sets(state, {"price_min": a, "price_max": b}), [], False, fam)
