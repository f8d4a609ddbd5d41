"""Questions that change no filter: about a word ("what does renewed mean?") or ranking what is shown
("which is cheapest?")."""

from __future__ import annotations

import re

from lexicon.load import load

from .context import phone_rx


def asks_about_words(low: str) -> bool:
    """ "what does renewed mean?", "what is unlocked?", "which one has the most storage" (no number, no
    product word): the shopper asks about a word or the products shown, not for a filter."""
    rx = load("questions").rx
    return bool(rx["definition"].search(low) or (rx["which_shown"].search(low) and not re.search(r"\d", low)
                                                 and not phone_rx().search(low)
                                                 and not load("subcategories").rx["accessory"].search(low)))


def asks_about_shown(low: str) -> bool:
    """ "is the blue one in stock", "does it come with a charger", "why is that one so expensive": a yes/no or
    wh- question about one product on screen, answered from its listing (the assistant routes it there before any
    extraction; `agent.intents`). It changes no filter, though its words name a colour or an accessory. Not
    "does it come in blue" or "is there a cheaper one", which ask for other products, and not "can you show
    me the second one" or "do you have it in red" (requests; `lexicon/data/questions.toml`)."""
    rx = load("questions").rx
    if not (rx["yes_no"].search(low) or rx["embedded"].search(low) or rx["wh"].search(low)) \
            or rx["not_question"].search(low) or rx["asks_for_other"].search(low):
        return False
    return bool(rx["single_ref"].search(low) or rx["described_ref"].search(low) or rx["placed_ref"].search(low))
