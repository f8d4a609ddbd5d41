"""The validator behind a model, for numbers: checks of the bounds a model writes against the grammar's reading
of the same turn (`extraction.evidence` has the subcategory, entity, list and level checks and the module
doc on why each check may stand on the grammar).

A placeholder carries a number to the model and hides what is around it: the unit ("10000mah"), the
comparator ("nothing over 180"), the arithmetic ("100 more"), the word that makes it a rating ("4 stars").
Those are facts of the grammar's lexicon, so where the model and the grammar place a number differently in
one of these ways, the grammar's placement stands:

- `check_units`: a number in another attribute's unit is no price or storage (round 9);
- `check_bound_side`, `check_range`, `check_delta`: which end a number bounds, a range's two ends, an amount
  a bound moves by (rounds 8-9);
- `check_rating_named`: a whole number is a star rating only where the message names a rating (round 10);
- `check_missed_bounds`: a bound or condition the grammar reads in a follow-up where the model left that
  attribute alone (round 10);
- `check_storage_not_price`: a phone's storage size the model wrote as a price floor (round 10);
- `check_open_bound`: one end of a range lifted ("no minimum"), the other kept (round 11).
"""

from __future__ import annotations

from lexicon.load import load
from lexicon.numbers import Quantity, quantities
from lexicon.words import product_lines
from retrieval.filters import NUMERIC_FIELDS, NUMERIC_PAIRS, Filters

from .base import ExtractionResult
from .evidence import always_said_as, before_value, other_end

UNIT_ATTRIBUTES = ("battery_mah", "power_w", "refresh_hz", "screen_in")


def check_units(utterance: str, proposed: Filters, before: Filters | None,
                reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` less a price, storage, rating or review bound it newly sets from a number the message gives in
    another attribute's unit ("10000mah or bigger", "a 20000mah power bank": a battery size, not storage or a
    price). The units are the grammar's (`retrieval/units.toml`, read by `grammar.spec_bounds.mentions`); where the
    grammar itself reads the number into the same field ("512g" is storage to its quantity reader, "5k reviews" a
    count), the model's field stands."""
    from .grammar.spec_bounds import mentions  # lazy: the grammar's unit tables load only when a model reads

    new = {name: value for attr in BOUNDED for name in NUMERIC_PAIRS[attr]
           if isinstance(value := getattr(proposed, name), float)
           and value not in (before_value(before, name), getattr(reading, name))}
    if not new:
        return proposed, []
    low = utterance.lower()
    # units only: a resolution word ("2k", "5k") or grams ("512g") also spell money, counts and storage
    spans = [(start, end) for name, start, end, _ in mentions(low) if name in UNIT_ATTRIBUTES]

    def in_unit(q: Quantity) -> bool:
        return any(a <= q.start < b for a, b in spans)

    changes = {name: None for name, value in new.items() if always_said_as(low, value, in_unit)}
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model read a size in another unit as "
                                        + ", ".join(n.replace("_", " ") for n in changes) + "; dropped"]


BOUNDED = ("price", "review_count", "rating", "storage_gb")  # the attributes of NUMERIC_PAIRS a model writes


def check_bound_side(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a number it newly puts on one end of an attribute moved to the other end, where the
    grammar newly puts the same number there and leaves the model's end as it was ("a cheap phone, like 100
    bucks": a ceiling the model wrote as a floor). Comparators are the grammar's lexicon; the placeholder the
    model sees hides which end a bare number belongs to."""
    changes: dict[str, object] = {}
    for attr in BOUNDED:
        for f in NUMERIC_PAIRS[attr]:
            g = other_end(f)
            was_f, was_g = before_value(before, f), before_value(before, g)
            mine = getattr(proposed, f)
            # the model's other end as it was, or dropped ("bit more, say 275" under 200: a floor of 275, no ceiling)
            if (isinstance(mine, float) and mine != was_f and getattr(proposed, g) in (was_g, None)
                    and getattr(reading, g) == mine and mine != was_g and getattr(reading, f) == was_f):
                changes[f], changes[g] = was_f, mine
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model put a bound on the other end than the message says; moved"]


def check_range(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with the ends of a range put to the grammar's where the grammar newly reads both ends of an
    attribute as two different numbers and the model placed the same numbers otherwise ("between 128 and
    256gb" as exactly 256): which number bounds which end is the comparators' job, the placeholders hide it."""
    changes: dict[str, object] = {}
    for attr in BOUNDED:
        lo, hi = NUMERIC_PAIRS[attr]
        a, b = getattr(reading, lo), getattr(reading, hi)
        if not (isinstance(a, float) and isinstance(b, float) and a < b):
            continue
        if (a, b) == (before_value(before, lo), before_value(before, hi)):
            continue
        mine = (getattr(proposed, lo), getattr(proposed, hi))
        new = [v for v, f in zip(mine, (lo, hi), strict=True) if v != before_value(before, f)]
        if mine != (a, b) and len(new) == 2 and all(isinstance(v, float) and v in (a, b) for v in new):
            changes[lo], changes[hi] = a, b
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model placed a range's numbers on other ends than the message; moved"]


def check_delta(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a bound put to the grammar's where the model wrote the amount a turn moves the bound by as
    the bound itself ("i can spend 100 more" under a $500 limit: 100, where the grammar reads 600). A placeholder
    carries the number, not the arithmetic."""
    changes: dict[str, float] = {}
    for attr in BOUNDED:
        for f in NUMERIC_PAIRS[attr]:
            mine, read, was = getattr(proposed, f), getattr(reading, f), before_value(before, f)
            if (isinstance(mine, float) and isinstance(read, float) and isinstance(was, float) and mine != was
                    and read != was and mine != read and abs(abs(read - was) - mine) < 1e-6):
                changes[f] = read
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model wrote the amount a bound moves by as the bound; moved by it"]


def check_rating_named(utterance: str, proposed: Filters, before: Filters | None,
                       reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` less a star-rating bound it newly sets from a number where the message has no rating word
    (`fields.toml` `rating_words`: stars, rated, rating, score, out of 5) and the state before had no rating:
    "a signal booster 2 | 5" is a model or a size, not 2 stars. Only whole numbers: "at most 4.2" is a rating
    in any words. The grammar's own reading of a rating stands, and a bare number is a rating as a reply
    about the rating already set ("4 is fine")."""
    names = NUMERIC_PAIRS["rating"]
    if any(before_value(before, n) is not None for n in names):
        return proposed, []
    new = [n for n in names if isinstance(v := getattr(proposed, n), float) and v.is_integer()
           and getattr(reading, n) != v]
    if not new or load("fields").rx["rating_words"].search(utterance.lower()):
        return proposed, []
    return proposed.merged(**{n: None for n in new}), ["the model read a number as a rating the message does not name; dropped"]


def check_missed_bounds(utterance: str, proposed: Filters, before: Filters | None,
                        reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a bound or condition the grammar newly reads where the model left that attribute alone: a
    short follow-up that says two things, of which the model wrote one ("moto or nokia, 4 stars+": the brands
    and no rating; "refurbs r fine, actually only refurbs": no condition).
    - A bound only in a follow-up (a state before the turn), only a number said in the message (not one a move
      resolved), not one the model used for another field, and not a model number ("galaxy 7"). On a first
      turn a product description's numbers are mostly sizes, counts and specs the grammar over-reads ("18 plus
      jeans", "64 gig dd4 ram"); on 4,000 WebShop lines every such change was wrong. The one exception
      (round 11): a phone's storage where the message names a phone.
    - The condition in any turn: its words ("refurb", "brand new") are the lexicon's."""
    changes: dict[str, object] = {}
    low = utterance.lower()
    lines = product_lines()
    # a number right after a product line is a model ("galaxy 7"), not a bound
    said = {q.value for q in quantities(low) if (low[:q.start].split() or [""])[-1] not in lines}
    used = {getattr(proposed, f) for f in NUMERIC_FIELDS if getattr(proposed, f) != before_value(before, f)}
    follow_up = before is not None and not before.is_empty()
    # On a first turn only a phone's storage ("used iphone on tmobile w/ at least 256"): the grammar reads a bare
    # size as storage only about a phone, as a floor, with no price word (`grammar.quantities`).
    phone_words = load("subcategories").rx["phone"].search(low) is not None
    for attr in BOUNDED if follow_up else (("storage_gb",) if phone_words else ()):
        ends = NUMERIC_PAIRS[attr]
        if any(getattr(proposed, f) != before_value(before, f) for f in ends):
            continue
        for f in ends:
            read = getattr(reading, f)
            if isinstance(read, float) and read != before_value(before, f) and read not in used and read in said:
                changes[f] = read
    # the model left the condition alone, or dropped it where the grammar reads another ("actually new, no renewed")
    if (reading.condition is not None and reading.condition != before_value(before, "condition")
            and proposed.condition in (before_value(before, "condition"), None)):
        changes["condition"] = reading.condition
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model missed " + ", ".join(changes) + "; read from the message"]


def check_storage_not_price(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a price bound it newly sets moved to storage, where the grammar newly reads the same number
    as a storage bound and leaves the price as it was ("used iphone on tmobile w/ at least 256": a storage
    floor the model wrote as a price floor; `grammar.quantities` reads a phone's storage size given as a
    minimum with no price word as storage). Only this way round: the grammar reads a bare "between 3 and 4.5/5"
    as a price where the model rightly reads a rating, so moving numbers between any two attributes lost 9
    synthetic dev turns."""
    changes: dict[str, object] = {}
    for f, g in zip(NUMERIC_PAIRS["price"], NUMERIC_PAIRS["storage_gb"], strict=True):
        mine = getattr(proposed, f)
        if (isinstance(mine, float) and mine != before_value(before, f) and getattr(reading, f) == before_value(before, f)
                and getattr(reading, g) == mine and mine != before_value(before, g)
                and getattr(proposed, g) == before_value(before, g)):
            changes[f], changes[g] = before_value(before, f), mine
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model read a storage size as a price; moved to storage"]


def check_open_bound(proposed: Filters, before: Filters | None, grammar: ExtractionResult) -> tuple[Filters, list[str]]:
    """`proposed` with the one end the grammar lifts ("just keep it under 400, no minimum", "dont need a minimum
    price": `lexicon/data/removals.toml` `open_bound`) gone and the other end as the grammar reads it. The model
    sees "minimum" as a word about the price and clears both ends, or reads the new ceiling and keeps the floor;
    or it moves the lifted number to the other end ("no need for 256" as at most 256 GB), or keeps a number the
    grammar lifts ("lose the 300 cap", a floor a new ceiling below it replaces). Not a level the grammar lifts
    ("price is not a concern" keeps "high"), and not with a move (`validate` skips it then)."""
    if before is None:
        return proposed, []
    rx = load("removals").rx["open_bound"]
    changes: dict[str, object] = {}
    for f, words in grammar.spans.items():
        if f not in NUMERIC_FIELDS or (was := before_value(before, f)) is None or getattr(grammar.filters, f) is not None:
            continue  # only a bound in force that the grammar lifts
        other = other_end(f)
        # "no need for 256" (256 GB+ in force): the model moved the number to the other end instead
        moved = getattr(proposed, other) == was != before_value(before, other)
        # "lose the 300 cap": the model kept the bound the grammar lifts, and the rest of the attribute as it was
        kept_it = isinstance(was, float) and all(getattr(proposed, e) == before_value(before, e) for e in (f, other))
        if rx.fullmatch(words) or moved or kept_it:
            changes[f] = None
            if getattr(proposed, other) != getattr(grammar.filters, other):
                changes[other] = getattr(grammar.filters, other)
    if not changes or all(getattr(proposed, f) == v for f, v in changes.items()):
        return proposed, []
    return proposed.merged(**changes), ["the message lifts one end of a range: " + ", ".join(changes) + " as read"]
