"""Multi-turn refinements of a filter state for the synthetic dialogues: add, replace ("what about Pixel
instead?"), remove ("any colour is fine"), reset, relative moves ("something cheaper"), brand exclusion, and
turns that change nothing ("show me more"); each phrasing is its own template family (training/synth.py).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from lexicon.words import moves
from retrieval.facets import brand_key
from retrieval.filters import ACCESSORIES, Filters

from .synth_phrases import LINES_BY_BRAND, brand_word, color_phrase, price_value
from .synth_queries import KIND_WEIGHTS, constraint_phrase, merge_sets, single_query
from .synth_surface import fmt_price

if TYPE_CHECKING:
    from .synth import SynthVocab

MOVES: tuple[str, ...] = moves()  # the relative moves of lexicon/data/moves.toml


# ================================================================================================ refinements
def _brands(vocab: SynthVocab, state: Filters) -> list[str]:
    """The makers a shopper in this state would name: accessory makers while browsing accessories."""
    return vocab.accessory_brands if state.subcategory == ACCESSORIES else vocab.phone_brands


def _brand_for(rng: random.Random, vocab: SynthVocab, state: Filters) -> str:
    brands = _brands(vocab, state)
    choices = [b for b in brands[:10] if b not in state.brand] or brands
    return rng.choice(choices)


def _two_brand_turn(rng: random.Random, vocab: SynthVocab, state: Filters, op: str) -> tuple[str, str, int, str]:
    """Two brands of this state's kind (the same one twice only when there is one) and a phrasing of `op`
    naming both: (first, second, template index, text)."""
    b = _brand_for(rng, vocab, state)
    b2 = rng.choice([x for x in _brands(vocab, state)[:10] if x != b] or [b])
    i = rng.randrange(len(REFINE[op]))
    return b, b2, i, REFINE[op][i].format(b=brand_word(rng, b), b2=brand_word(rng, b2))


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
    # the new brand named before the old one ("pixel instead of samsung"): replace_brand's only such
    # templates were held out, so no trained model had seen the order shoppers use most
    "swap_brand": ["{b} instead of {old}", "show me {b} instead of {old}", "{b} instead of {old} please",
                   "i want {b} instead of {old}", "{b} rather than {old}", "i'd go with {b} over {old}",
                   "prefer {b} to {old}", "{b}, not {old}", "{b} not {old}", "replace {old} with {b}",
                   "{b} over {old}", "can i see {b} instead of {old}?", "let's do {b} instead of {old}",
                   "i'd prefer {b} over {old}"],
    "add_brand": ["or {b} too", "also {b}", "{b} is fine too", "include {b} as well", "and {b}",
                  "add {b}", "{b} also works", "{b} would be ok too", "or {b}", "show {b} as well"],
    "either_brand": ["{b} or {b2}", "{b} or {b2} please", "either {b} or {b2}", "only {b} or {b2}", "{b}/{b2}",
                     "show me {b} or {b2}", "{b} or {b2} is fine", "what about {b} or {b2}", "{b}, {b2}",
                     "i like {b} or {b2}"],
    "exclude_brand": ["no {b}", "not {b}", "no {b} please", "anything but {b}", "i don't want {b}",
                      "exclude {b}", "no more {b}", "skip {b}", "not a fan of {b}", "remove {b}",
                      "avoid {b}", "hide {b}", "without {b}", "i hate {b}", "none from {b}"],
    "replace_color": ["what about {c} instead", "actually make it {c}", "show me {c} ones instead",
                      "i'd rather have {c}", "{c} instead", "change the color to {c}", "how about in {c}",
                      "not {oldc}, {c}", "switch to {c}", "any in {c} instead", "do they come in {c}",
                      "prefer {c} actually", "{oldc} is boring, any {c} ones?", "{oldc}'s too loud, go with {c}",
                      "not a fan of {oldc}, {c} instead", "hmm {oldc} looks bad, {c}?", "{c} rather than {oldc}",
                      "swap {oldc} for {c}", "{oldc} is a no, show {c}"],
    "exclude_color": ["not {c}", "no {c} ones", "no {c} please", "anything but {c}", "i don't want {c}",
                      "not in {c}", "skip the {c} ones", "{c} is out", "any color except {c}", "avoid {c}",
                      "hide the {c} ones", "without {c}", "nothing in {c}", "i hate {c}", "not {c} though"],
    "exclude_brands": ["no {b} or {b2}", "neither {b} nor {b2}", "no {b}, no {b2}", "not {b} and not {b2} either",
                       "nothing from {b} or {b2}", "skip {b} and {b2}", "exclude {b} and {b2}",
                       "i don't want {b} or {b2}", "no {b} and no {b2} please", "anything but {b} or {b2}"],
    "replace_price": ["actually under {p}", "what about under {p}", "make it under {p}", "change the budget to {p}",
                      "my budget is {p} now", "can we go up to {p}", "ok up to {p} then",
                      "let's say max {p}", "raise my budget to {p}", "lower the max to {p}", "budget is {p} instead",
                      "i can only spend {p}", "i can stretch to {p}", "no more than {p} then",
                      "is {p} possible", "would {p} work", "can you do {p}", "what can i get for {p}",
                      "{p} is my max now", "could you go to {p}", "anything for {p}?", "a bit more budget, say {p}",
                      "let's bump it to {p}", "i could go to {p} actually", "bring it down to {p}",
                      "max {p} please"],
    "narrow_list": ["just {x}", "only {x}", "{x} only", "only the {x} ones", "actually just {x}",
                    "let's stick with {x}", "just the {x} ones please", "on second thought only {x}", "{x} is enough",
                    "make it just {x}", "hmm, only {x} then"],
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


def _remove_and_add(rng: random.Random, vocab: SynthVocab, state: Filters) -> tuple[str, Filters, list[str], bool, str]:
    active = set(state.active_fields())
    kinds = [k for k, fs in REMOVE_FIELDS.items() if active & set(fs) and k != "brand_exclude"] or ["color", "price"]
    kind = rng.choice(kinds)
    j = rng.randrange(len(REMOVE_PHRASES[kind]))
    add = rng.choice([k for k, _ in KIND_WEIGHTS if k not in (kind, "brand_exclude")])
    ph = constraint_phrase(rng, vocab, add, state.subcategory)
    lead = rng.choice(["", "just ", "only ", "but ", "and ", "but keep it "]) if ph.pos == "post" else ""
    first, second = REMOVE_PHRASES[kind][j], lead + ph.text
    sep = rng.choice([", ", ". ", " - ", ", ", " and ", "; "])
    text = first + sep + second if rng.random() < 0.7 else second.removeprefix(lead) + sep + first
    return text, merge_sets(state.without(*REMOVE_FIELDS[kind]), ph.sets), [], False, f"remove_add_{kind}/{j}"


def _narrow_list(rng: random.Random, vocab: SynthVocab, state: Filters) -> tuple[str, Filters, list[str], bool, str] | None:
    """Keep one value of a colour or brand list the state holds two or more of; None when it holds none."""
    fields = [f for f in ("color", "brand") if len(getattr(state, f)) >= 2]
    if not fields:
        return None
    name = rng.choice(fields)
    keep = rng.choice(getattr(state, name))
    if name == "color":
        said = rng.choice([w for w, c in vocab.colors.items() if c == keep] or [keep])
    else:
        said = brand_word(rng, keep)
    i = rng.randrange(len(REFINE["narrow_list"]))
    return REFINE["narrow_list"][i].format(x=said), state.merged(**{name: [keep]}), [], False, f"narrow_list/{i}"


def random_state(rng: random.Random, vocab: SynthVocab) -> Filters:
    text, sets, _ = single_query(rng, vocab, n_constraints=rng.choice([0, 1, 1, 2, 2, 3]))
    state = merge_sets(Filters(), sets)
    # Some earlier turns asked for either of two colours or brands ("black or gray"), so that later turns
    # can narrow the list ("just black") often enough to learn it.
    if len(state.color) == 1 and rng.random() < 0.25:
        other = rng.choice(sorted(set(vocab.colors.values()) - set(state.color)))
        state = state.merged(color=state.color + [other])
    elif len(state.brand) == 1 and rng.random() < 0.15:
        other = rng.choice([b for b in _brands(vocab, state)[:10] if b != state.brand[0]] or state.brand)
        state = state.merged(brand=list(dict.fromkeys(state.brand + [other])))
    return state


def refine_turn(rng: random.Random, vocab: SynthVocab, state: Filters) -> tuple[str, Filters, list[str], bool, str]:
    """One refinement of `state`: (utterance, target state, moves, reset, family)."""
    ops = ["add_constraint", "replace_brand", "add_brand", "exclude_brand", "replace_color", "replace_price",
           "remove_field", "reset", "reset_new", "move", "no_constraint", "add_single", "either_brand", "remove_add",
           "narrow_list", "exclude_color", "exclude_brands", "swap_brand"]
    weights = [0.2, 0.1, 0.04, 0.06, 0.05, 0.07, 0.1, 0.04, 0.05, 0.1, 0.09, 0.1, 0.03, 0.05, 0.04, 0.03, 0.02, 0.03]
    op = rng.choices(ops, weights)[0]
    if op == "narrow_list":  # "just black" after "black or gray": one value of a two-value list stays
        narrowed = _narrow_list(rng, vocab, state)
        if narrowed is not None:
            return narrowed
        op = "add_constraint"
    if op == "either_brand":  # two brands, either is fine: the list replaces the brands asked for before
        b, b2, i, text = _two_brand_turn(rng, vocab, state, op)
        return text, merge_sets(state, {"brand": [b, b2] if b2 != b else [b]}), [], False, f"{op}/{i}"  # said order
    if op == "remove_add":  # one turn, two acts: "i dont care about color, just under 400"
        return _remove_and_add(rng, vocab, state)
    if op == "add_single":  # a fuller query mid-conversation refines the state with everything it says
        text, sets, fam = single_query(rng, vocab, n_constraints=rng.choice([1, 2]))
        return text, merge_sets(state, sets), [], False, "refine_" + fam
    if op == "add_constraint":
        kind = rng.choices([k for k, _ in KIND_WEIGHTS], [w for _, w in KIND_WEIGHTS])[0]
        ph = constraint_phrase(rng, vocab, kind, state.subcategory)
        i = rng.randrange(len(REFINE[op]))
        t = REFINE[op][i]
        if ph.pos == "pre" and t in ("show me ones {c}", "ones {c}", "those but {c}", "same but {c}"):
            t = "{c} ones"
            i = -1
        return t.format(c=ph.text), merge_sets(state, ph.sets), [], False, f"{op}/{i}"
    if op in ("replace_brand", "swap_brand"):
        b = _brand_for(rng, vocab, state)
        old = state.brand[0] if state.brand else rng.choice(vocab.phone_brands[:5])
        i = rng.randrange(len(REFINE[op]))
        tpl = REFINE[op][i]
        text = tpl.format(b=_brand_mention(rng, b, state), old=brand_word(rng, old))
        sets = {"brand": [b]}
        return text, merge_sets(state, sets), [], False, f"{op}/{i}"
    if op == "add_brand":
        b = _brand_for(rng, vocab, state)
        i = rng.randrange(len(REFINE[op]))
        return (REFINE[op][i].format(b=_brand_mention(rng, b, state)),
                merge_sets(state, {"brand": state.brand + [b]}), [], False, f"{op}/{i}")
    if op == "exclude_brand":
        b = rng.choice(state.brand) if state.brand and rng.random() < 0.6 else _brand_for(rng, vocab, state)
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(b=brand_word(rng, b))
        target = merge_sets(state, {"brand_exclude": state.brand_exclude + [b]})
        return text, target, [], False, f"{op}/{i}"
    if op == "exclude_color":  # "not black": an excluded colour is no longer wanted (extraction.state)
        free = [k for k, v in vocab.colors.items() if v not in state.color_exclude] or list(vocab.colors)
        c = rng.choice(state.color) if state.color and rng.random() < 0.3 else rng.choice(free)
        said = c if c in vocab.colors else rng.choice([k for k, v in vocab.colors.items() if v == c] or [c])
        base = vocab.colors.get(said, said)
        i = rng.randrange(len(REFINE[op]))
        target = merge_sets(state, {"color_exclude": [*state.color_exclude, base]})
        return REFINE[op][i].format(c=said), target, [], False, f"{op}/{i}"
    if op == "exclude_brands":  # "no huawei or xiaomi": both excluded, unlike "huawei or xiaomi"
        b, b2, i, text = _two_brand_turn(rng, vocab, state, op)
        new = [x for x in dict.fromkeys((b, b2)) if x not in state.brand_exclude]
        return text, merge_sets(state, {"brand_exclude": state.brand_exclude + new}), [], False, f"{op}/{i}"
    if op == "replace_color":
        ph = color_phrase(rng, vocab)
        said = [k for k, v in vocab.colors.items() if v == ph.sets["color"][0]]
        c = rng.choice(said)
        oldc = state.color[0] if state.color else rng.choice(list(vocab.colors))
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(c=c, oldc=oldc)
        return text, merge_sets(state, {"color": [vocab.colors[c]]}), [], False, f"{op}/{i}"
    if op == "replace_price":
        v = price_value(rng, state.subcategory)
        i = rng.randrange(len(REFINE[op]))
        text = REFINE[op][i].format(p=fmt_price(rng, v))
        return text, merge_sets(state, {"price_max": v}), [], False, f"{op}/{i}"
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
        return REFINE[op][i].format(q=q), merge_sets(Filters(), sets), [], True, f"{op}/{i}"
    if op == "move":
        mv = rng.choice(MOVES)
        j = rng.randrange(len(MOVE_PHRASES[mv]))
        return MOVE_PHRASES[mv][j], state, [mv], False, f"move_{mv}/{j}"
    j = rng.randrange(len(NO_CONSTRAINT))
    return NO_CONSTRAINT[j], state, [], False, f"none/{j // 4}"


