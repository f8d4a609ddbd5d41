"""The validator behind a model: a subcategory the model proposes needs words for it in the utterance.

Numbers, brands, colours and carriers reach a model's output only through placeholders the gazetteers put
in its input (`extraction.numbers`, `extraction.entities`), so a model cannot invent them. The subcategory
is the one closed value it writes freely, and on real shopper text that is where it invents most: "a mini
desktop with wireless bluetooth" or "a bed frame with usb ports" read as phone accessories. So a *new*
"Cell Phone Accessories" stands only where the utterance has an accessory word, and not when those words
are for another device with no phone named (the same lexicon patterns the grammar reads,
`lexicon/data/subcategories.toml`; GUIDE rule 1 of `evals/real_phrasing`). Otherwise the subcategory of
the state before the turn is kept, with a warning.
"""

from __future__ import annotations

from lexicon.load import load
from retrieval.filters import ACCESSORIES, Filters

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
