"""The validator behind a model: a subcategory the model proposes needs words for it in the utterance.

Numbers, brands, colours and carriers reach a model's output only through placeholders the gazetteers put
in its input (`extraction.numbers`, `extraction.entities`), so a model cannot invent them. The subcategory
is the one closed value it writes freely, and on real shopper text that is where it invents most: "a mini
desktop with wireless bluetooth" or "a bed frame with usb ports" read as phone accessories. So a *new*
"Cell Phone Accessories" stands only where the utterance has an accessory word, and not when those words
are for another device with no phone named (the same lexicon patterns the grammar reads,
`lexicon/data/subcategories.toml`; GUIDE rule 1 of `evals/real_phrasing`). Otherwise the subcategory of
the state before the turn is kept, with a warning.

Brands, colours and carriers are checked the same way: a value the state did not have stands only if the
input carried its placeholder. A target can name a value in words where the tagger gave it no placeholder,
so a model can learn to write, say, "Xiaomi" from nothing ("earbuds from jbl or bose" -> brand Xiaomi).

Polarity is checked against the grammar's own reading of the turn (`check_polarity`): a brand or colour the
model newly *wants* that the grammar newly *rules out* ("no huawei or xiaomi", "any colour except pink") is
excluded instead, and the other way round. Negation scope is where the grammar is precise and a small model
is not: placeholders hide no polarity, so the model must learn every way of saying "not".

The same reading keeps a list the turn adds to (`check_kept`): where the grammar read "white too" as an
addition and the model replaced the list with the new value, the old values stay.

The same reading bounds a wanted list the turn changes (`check_additions`): where the grammar changed the
brands (or colours), the model has every value the grammar added and its list holds more, the grammar's
list stands. The extra is nearly always the old side of a swap the model kept ("could you show tcl instead
of xiaomi" -> TCL and Xiaomi) or a value a narrowing let go ("only oneplus then"). The grammar reads roles
(swapped, excluded, the phone an accessory is for) that a placeholder hides.

Round 9 added checks found on chat follow-ups (`evals/real_phrasing/followups.jsonl`): a value the model
missed where it read the turn as no change (`check_missed_values`) and a removal it inverted
(`check_removed`). Each stands on a reading the grammar makes from words a placeholder hides: which list a
turn takes from. The checks of numbers (units, comparators, arithmetic, ratings) are in
`extraction.number_checks`. Round 11 added the question, outside-brand, device and phones-for-accessories
checks; `extraction.validate` runs them all, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from lexicon.load import load
from lexicon.numbers import Quantity, quantities
from lexicon.tokens import normalise
from retrieval.filters import ACCESSORIES, EXCLUSION_OF, NUMERIC_FIELDS, NUMERIC_PAIRS, PHONES, Filters

from .base import ExtractionResult
from .entities import FIELD_KIND
from .grammar.questions import asks_about_shown, asks_about_words

if TYPE_CHECKING:
    from .entities import EntityMap

UNSUPPORTED = "the model asked for {what}, but the message names no such product; left as it was"


def check_subcategory(utterance: str, before: Filters | None, proposed: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with an unsupported new accessory subcategory put back to the one before, and warnings."""
    old = before.subcategory if before is not None else None
    if proposed.subcategory != ACCESSORIES or old == ACCESSORIES:
        return proposed, []
    low = utterance.lower()
    lex = load("subcategories")
    accessory = lex.rx["accessory"].search(low) is not None
    other_device = lex.rx["other_device"].search(low) is not None and lex.rx["phone"].search(low) is None
    if accessory and not other_device:
        return proposed, []
    return proposed.merged(subcategory=old), [UNSUPPORTED.format(what=ACCESSORIES.lower())]


def check_phones_for_accessories(utterance: str, proposed: Filters, before: Filters | None,
                                 grammar: ExtractionResult) -> tuple[Filters, list[str]]:
    """The grammar's reading where the model newly reads phones and the grammar accessories: on a follow-up that
    names the phone an accessory is for ("its for an iphone 13 btw" while cases are shown: `grammar.compatible`),
    or a message with accessory words and no phone word ("galaxy buds or pixel buds, white": the lines name
    makers, the buds the product)."""
    old = before.subcategory if before is not None else None
    if proposed.subcategory != PHONES or old == PHONES or grammar.filters.subcategory != ACCESSORIES:
        return proposed, []
    low, lex = utterance.lower(), load("subcategories")
    if old == ACCESSORIES and grammar.compatible:
        return grammar.filters, ["the model read phones where the message names the phone an accessory is for; "
                                 "the grammar's reading"]
    if lex.rx["accessory"].search(low) and not lex.rx["phone"].search(low):
        return proposed.merged(subcategory=ACCESSORIES), ["the model read phones where the message asks for "
                                                          "accessories only"]
    return proposed, []


def check_missed_switch(proposed: Filters, before: Filters | None,
                        grammar: ExtractionResult) -> tuple[Filters, list[str]]:
    """The grammar's whole reading where the model read a follow-up as no change and the grammar reads a switch
    between the catalog's subcategories ("show me fones" after accessories; "apple watch too?" after phones).
    The switch drops what describes the old kind of product (docs/state_rules.md rows 14-17), so the grammar's
    state is taken whole, not just its subcategory. Not where the grammar names the phone an accessory fits
    ("does the 3rd one fit a pixel 8": a question about a listed case)."""
    now = grammar.filters.subcategory
    if before is None or before.is_empty() or proposed != before or now in (None, before.subcategory) \
            or grammar.compatible:  # a first turn (no state, or an empty one) has nothing to switch from
        return proposed, []
    return grammar.filters, [f"the model read no change; the message switches to {now}"]


def check_question(utterance: str, proposed: Filters, before: Filters | None,
                   moved: bool = False) -> tuple[Filters, list[str]]:
    """The state before where the turn is a question about a product shown ("is the blue one in stock", "does
    it come w/ a charger"), or one that ranks what is shown or asks what a word means ("which is cheapest", "what
    does renewed mean"): the listing answers it, and its words (a colour, an accessory, "cheapest") ask for no
    filter. The grammar reads these questions the same way (`grammar.questions`). `moved`: the model also read a
    relative move or a fresh start ("why is that one so expensive" as "pricier")."""
    low = normalise(utterance)[0]
    if before is None or before.is_empty() or (proposed == before and not moved) \
            or not (asks_about_shown(low) or asks_about_words(low)):
        return proposed, []
    return before, ["a question about a product shown changes no filter; the state is kept"]


def check_outside_brand(proposed: Filters, before: Filters | None, grammar: ExtractionResult,
                        outside: frozenset[str]) -> tuple[Filters, list[str]]:
    """No wanted brand where the grammar read a switch to makers this shop does not sell ("what about bose",
    "actually oppo": `grammar.gazetteer` knows them, snapping drops them) and the model kept the brands from
    before: it never sees such a name (no placeholder), so it reads the turn as no change of brand. The shopper
    has let the old brands go; the assistant says the new one is not sold here."""
    words = grammar.spans.get("brand", "").lower()
    if before is None or not before.brand or grammar.filters.brand or _keys(proposed, "brand") != _keys(before, "brand") \
            or not words or not set(words.split()) & {w for key in outside for w in key.split()}:
        return proposed, []
    return proposed.merged(brand=[]), [f"the message switches to {words!r}, which this shop does not sell; "
                                       "the brands from before are let go"]


# "a band that fits my ...", "its for an ...": the device an item is for. Not the search verb "looking for a".
_FOR_DEVICE = re.compile(r"(?:\b(?!(?:lo+k|lok|lookig|searc|shop|hunt|market|brows)\w*\s)\w+\s+for|\bfits?|\bto fit|"
                         r"\bcompatible with|\bworks? with|\bgoes with)\s+(?:(?:a|an|my|the|his|her|their|our|your|this|"
                         r"that)\s+)?$")


def check_for_device(utterance: str, proposed: Filters, before: Filters | None, reading: Filters,
                     brand_keys: dict[str, str]) -> tuple[Filters, list[str]]:
    """`proposed` less a wanted brand it newly adds that the grammar does not, where the message names that maker
    only as the device the item is for ("oh wait its for an apple watch", "a band that fits my galaxy watch"):
    the maker of the wanted item is not the maker of the device it fits (GUIDE rule 3 of
    `evals/real_phrasing`). `brand_keys`: the gazetteer's brand and product-line words -> canonical brand."""
    low = normalise(utterance)[0]
    added = _keys(proposed, "brand") - _keys(before, "brand") - _keys(reading, "brand")
    drop = set()
    for brand in added:
        keys = [k for k, v in brand_keys.items() if v.lower() == brand]
        spots = [m for k in keys for m in re.finditer(rf"(?<![\w-]){re.escape(k)}(?![\w-])", low)]
        if spots and all(_FOR_DEVICE.search(low[max(0, m.start() - 40):m.start()]) for m in spots):
            drop.add(brand)
    if not drop:
        return proposed, []
    kept = [b for b in proposed.brand if str(b).lower() not in drop]
    return proposed.merged(brand=kept), [f"the message names {', '.join(sorted(drop))} as the device the item is "
                                         "for, not as its maker; dropped"]


def check_entities(utterance: str, proposed: Filters, before: Filters | None,
                   entities: EntityMap, reading: Filters | None = None) -> tuple[Filters, list[str]]:
    """`proposed` less the brands, colours and carriers that are not in the state before, not behind a placeholder
    of the input, not written out in the message (the tagger skips a colour no product has: "orange") and not
    read from it by the grammar (`reading`: "khaki" is beige to the colour lexicon, with no placeholder)."""
    low = utterance.lower()
    changes, warnings = {}, []
    for name, kind in FIELD_KIND.items():
        had = _keys(before, name)
        said = {str(v).lower() for v in entities.values.get(kind, [])} | (_keys(reading, name) - had)
        values = getattr(proposed, name)
        keep = [v for v in values if str(v).lower() in had | said or _written(str(v).lower(), low, kind)]
        if len(keep) < len(values):
            changes[name] = keep
            dropped = ", ".join(str(v) for v in values if v not in keep)
            warnings.append(f"the model wrote {name.replace('_', ' ')} {dropped}, which the message does not name; dropped")
    return (proposed.merged(**changes) if changes else proposed), warnings


def _keys(state: Filters | None, name: str) -> set[str]:
    """The values of a list field, lower-cased for comparison (none for no state)."""
    return {str(v).lower() for v in getattr(state, name)} if state is not None else set()


def before_value(state: Filters | None, name: str) -> object:
    """A field's value in the state before the turn (None for no state)."""
    return getattr(state, name) if state is not None else None


def other_end(name: str) -> str:
    """The other bound of the same attribute: "price_min" -> "price_max"."""
    low, high = NUMERIC_PAIRS[NUMERIC_FIELDS[name][0]]
    return high if name == low else low


def _written(value: str, low: str, kind: str = "") -> bool:
    """Whether `value` is written out in `low`; a colour only where the lexicon does not call the words after it
    no colour ("brown rice", "blue-ray", "green tea": the tagger leaves those as text, the model may not)."""
    not_after = load("colors").rx["not_after"] if kind == "color" else None
    return any(not_after is None or not not_after.match(low[m.end():])
               for m in re.finditer(r"(?<![a-z0-9])" + re.escape(value) + r"(?![a-z0-9])", low))


POLARITY_PAIRS = (("brand", "brand_exclude"), ("color", "color_exclude"))
WANTED_LISTS = ("brand", "color", "carrier")  # the lists a turn adds to, narrows or replaces
LISTS_IN_PLAY = tuple(sorted({name for pair in POLARITY_PAIRS for name in pair} | set(WANTED_LISTS)))
LEVEL_FIELDS = ("price_min", "price_max", "review_count_min", "review_count_max", "average_rating_min",
                "average_rating_max")


def levels_in_play(proposed: Filters, before: Filters | None) -> bool:
    """Whether `proposed` newly sets a level ("low"/"medium"/"high"): only then can `check_levels` change it."""
    return any(isinstance(getattr(proposed, f), str) and getattr(proposed, f) != before_value(before, f)
               for f in LEVEL_FIELDS)


def check_levels(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a level it newly sets replaced by the grammar's level for the same field, where the grammar
    newly sets a different one. Level words are facts of the lexicon (`levels.toml`, the annotation guide's rule
    5: "well reviewed" is high, "decently rated" medium); a model learns them from its training labels, and an
    older generator had some of them otherwise."""
    changes: dict[str, str | None] = {}
    for f in LEVEL_FIELDS:
        mine, read, was = getattr(proposed, f), getattr(reading, f), before_value(before, f)
        if isinstance(mine, str) and isinstance(read, str) and mine != read and mine != was and read != was:
            changes[f] = read
    # The other end of the same attribute: "nothing too fancy" is a ceiling the model wrote as a floor. Where the
    # model newly sets a level on one end, the grammar newly sets one on the other end only, the grammar's end stands.
    for f in LEVEL_FIELDS:
        other = other_end(f)
        mine, was = getattr(proposed, f), before_value(before, f)
        read_other, was_other = getattr(reading, other), before_value(before, other)
        if (isinstance(mine, str) and mine != was and getattr(reading, f) == was and isinstance(read_other, str)
                and read_other != was_other and f not in changes and other not in changes):
            changes[f], changes[other] = was, read_other
    warnings = [f"the model read {f.replace('_', ' ')} as {getattr(proposed, f)}; the level words say {v}"
                for f, v in changes.items()]
    return (proposed.merged(**changes) if changes else proposed), warnings


def pair_values_in_play(proposed: Filters, before: Filters | None) -> bool:
    """Whether `proposed` has a brand, colour or carrier, wanted or excluded, that `before` did not, or `before`
    holds one (the grammar may let it go): only then can the list checks (`check_polarity`, `check_additions`,
    `check_kept`, `check_let_go`, `check_removed`) change anything."""
    return any(set(getattr(proposed, name)) - set(getattr(before, name) if before is not None else [])
               or (before is not None and getattr(before, name)) for name in LISTS_IN_PLAY)


def check_polarity(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with each brand or colour that it newly puts on one side of a wanted/excluded pair and
    `reading` (the grammar's state after the same turn) newly puts on the other side moved to the grammar's side;
    a value the model newly excludes also where the grammar still wants it."""
    changes: dict[str, list[str]] = {}
    warnings = []
    for wanted, excluded in POLARITY_PAIRS:
        lists = {name: list(getattr(proposed, name)) for name in (wanted, excluded)}
        for side, other in ((wanted, excluded), (excluded, wanted)):
            had, read_side = _keys(before, side), _keys(reading, side)
            # new this turn, or for a newly excluded value also one the grammar still wants ("actually only apple"
            # with Apple wanted before: the model ruled it out)
            read_other = _keys(reading, other) - (_keys(before, other) if side == wanted else set())
            for v in list(lists[side]):
                key = str(v).lower()
                if key in had or key not in read_other or key in read_side:
                    continue
                lists[side].remove(v)
                if key not in {str(x).lower() for x in lists[other]}:
                    lists[other].append(v)
                warnings.append(f"the model put {v} under {side.replace('_', ' ')}, but the message reads as "
                                f"{other.replace('_', ' ')}; moved")
        for name, values in lists.items():
            if values != list(getattr(proposed, name)):
                changes[name] = values
    return (proposed.merged(**changes) if changes else proposed), warnings


def check_additions(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a wanted list cut to `reading`'s where the grammar changed that list this turn, the model
    has every value the grammar added, and the model's list holds more: an extra new value, or one from before
    that the grammar's reading let go ("pixel instead of samsung" with Samsung wanted before, "only oneplus
    then" after "oneplus or google"). See the module doc."""
    changes: dict[str, list[str]] = {}
    warnings = []
    for name, _ in POLARITY_PAIRS:
        had, model_all, grammar_all = _keys(before, name), _keys(proposed, name), _keys(reading, name)
        grammar_new = grammar_all - had
        # An emptied reading is no narrowing: the grammar also clears a list as a side effect (a new product
        # type, "other brands", which a move then reads from the brand list itself).
        if grammar_all and grammar_all != had and grammar_new <= model_all - had and model_all > grammar_all:
            changes[name] = list(getattr(reading, name))
            extra = ", ".join(str(v) for v in getattr(proposed, name) if str(v).lower() not in grammar_all)
            warnings.append(f"the model also wanted {name.replace('_', ' ')} {extra}, which the message does not "
                            f"ask for; dropped")
    return (proposed.merged(**changes) if changes else proposed), warnings


def check_kept(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a wanted list put back to `reading`'s where the grammar read the turn as adding to that
    list (its reading holds every value from before and new ones), the model has the new values and nothing
    else, but let some of the old ones go: "white too", "samsung works as well" or "or tmobile i guess"
    replaced instead of added."""
    changes: dict[str, list[str]] = {}
    warnings = []
    for name in WANTED_LISTS:
        had, model_all, grammar_all = _keys(before, name), _keys(proposed, name), _keys(reading, name)
        if had and grammar_all > had and grammar_all - had <= model_all <= grammar_all and not had <= model_all:
            changes[name] = list(getattr(reading, name))
            dropped = ", ".join(sorted(had - model_all))
            warnings.append(f"the model let {name.replace('_', ' ')} {dropped} go, but the message adds to the "
                            f"list; kept")
    return (proposed.merged(**changes) if changes else proposed), warnings


def check_let_go(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` less an exclusion it newly makes of a value that was wanted before, where the grammar only
    took that value off the wanted list ("ok forget samsung", "without the samsung filter": out of the list,
    not ruled out; docs/state_rules.md row 67)."""
    changes: dict[str, list[str]] = {}
    warnings = []
    for wanted, excluded in POLARITY_PAIRS:
        was_wanted, read_wanted, read_excluded = _keys(before, wanted), _keys(reading, wanted), _keys(reading, excluded)
        let_go = (was_wanted - read_wanted) - read_excluded
        values = [v for v in getattr(proposed, excluded)
                  if not (str(v).lower() in let_go and str(v).lower() not in _keys(before, excluded))]
        if values != list(getattr(proposed, excluded)):
            changes[excluded] = values
            warnings.append(f"the model ruled out a {wanted.replace('_', ' ')} the message only lets go; not excluded")
    return (proposed.merged(**changes) if changes else proposed), warnings


def check_ram(utterance: str, proposed: Filters, before: Filters | None) -> tuple[Filters, list[str]]:
    """`proposed` less a storage bound it newly sets from a size the message gives as RAM ("6gb ram"): RAM is
    not storage (evals/real_phrasing/GUIDE.md rule 4), and the grammar's number reader never reads it so."""
    low, ram = utterance.lower(), load("fields").rx["ram_after"]
    changes: dict[str, None] = {}
    for name in NUMERIC_PAIRS["storage_gb"]:
        value = getattr(proposed, name)
        if not isinstance(value, float) or value == before_value(before, name):
            continue
        # every time the size is said, it is RAM ("8gb ram and 8gb storage" keeps it)
        if always_said_as(low, value, lambda q: bool(ram.match(low, q.end))):
            changes[name] = None
    if not changes:
        return proposed, []
    return proposed.merged(**changes), ["the model read a RAM size as storage; dropped"]


def always_said_as(low: str, value: float, other: Callable[[Quantity], bool]) -> bool:
    """Whether `value` is said in `low` (by the grammar's own number reader, `lexicon.numbers`) and every time it
    is, `other` holds: a size said as RAM, a number with another attribute's unit."""
    said = [other(q) for q in quantities(low) if q.value == value]
    return bool(said) and all(said)


def check_missed_values(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a wanted list put to the grammar's where the model missed values the grammar reads:
    - colours the grammar adds where the model left the colours alone: a marketing shade the entity tagger gave
      no placeholder ("in khaki", "a mystic navy charger") cannot reach a model's output at all;
    - brands the grammar adds where the model left the brands alone, such as the maker of a product line
      ("renewed iphone 13 pro, at&t": Apple), which no brand placeholder marks, or cleared them where the
      grammar replaces them ("ok now earbuds, jbl or sony" after OnePlus phones);
    - carriers the grammar names where the model read the whole turn as no change ("sorry i meant total
      wireless"). Only then: where the model did read the turn, its reading of the same words stands ("a mint
      mobile phone" is a colour and a phone, not the carrier Mint Mobile).
    A value the model rules out stays ruled out."""
    unchanged = proposed == (before if before is not None else Filters())
    changes: dict[str, list[str]] = {}
    for name in WANTED_LISTS:
        had, mine, read = _keys(before, name), _keys(proposed, name), _keys(reading, name)
        excluded = _keys(proposed, EXCLUSION_OF[name]) if name in EXCLUSION_OF else set()
        if name == "color":
            missed = read > had
        elif name == "brand":
            missed = bool(read - had)
            mine = had if not mine and not read & had else mine  # cleared on a switch: "ok now earbuds, jbl or sony"
        else:
            missed = unchanged and bool(read - had)
        if missed and mine == had and not read & excluded:
            changes[name] = list(getattr(reading, name))
    warnings = [f"the model missed the {name.replace('_', ' ')} the message names; read from it" for name in changes]
    return (proposed.merged(**changes) if changes else proposed), warnings


def check_removed(proposed: Filters, before: Filters | None, reading: Filters) -> tuple[Filters, list[str]]:
    """`proposed` with a wanted list put to the grammar's where the grammar only took values off it ("take belkin
    off", "lose the white") and the model kept one of the values the grammar let go: what a turn removes is
    read from its words, which a placeholder hides."""
    changes: dict[str, list[str]] = {}
    for name in WANTED_LISTS:
        had, mine, read = _keys(before, name), _keys(proposed, name), _keys(reading, name)
        if read and read < had and mine <= had and mine & (had - read) and mine != read:
            changes[name] = list(getattr(reading, name))
    warnings = [f"the model kept {name.replace('_', ' ')} values the message takes off; removed" for name in changes]
    return (proposed.merged(**changes) if changes else proposed), warnings
