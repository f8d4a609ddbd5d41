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
