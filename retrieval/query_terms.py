"""Words a query rules out: `laptop for college -bag -sleeve`, `wireless mouse -"mouse pad"`.

An embedder cannot read "not a bag": "laptop, not a bag" lies as close to laptop bags as "laptop bag" does.
So a query carries what the shopper ruled out as search-box minus terms, which the engine takes out of the
text it embeds and applies to titles instead: a listing whose title carries a ruled-out word (word-boundary
aware, plural or not) is left out. The grammar writes them (extraction/grammar/topic.py, from "not a bag or a
sleeve", "nothing wired", "without a cable"); an LLM agent may write them too.

An exclusion that would leave out nearly every allowed listing is not applied (`MOST`): "not too heavy" read
as `-heavy` must not empty a search for heavy-duty stands, and a ruled-out word every listing carries says
nothing about which to show.

    >>> split_query('wireless mouse -"mouse pad" -wired')
    ('wireless mouse', ['mouse pad', 'wired'])
    >>> join_query("laptop for college", ["bag", "mouse pad"])
    'laptop for college -bag -"mouse pad"'
    >>> readable('laptop for college -bag -"mouse pad"')
    'laptop for college, not bag or mouse pad'
    >>> merge_topic("earphones", "-wired")
    'earphones -wired'
    >>> merge_topic("gaming laptop", "nvidia rtx card", adds=adds_feature("with an nvidia rtx card"))
    'gaming laptop with nvidia rtx card'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

_MINUS = re.compile(r'(?:(?<=\s)|^)-(?:"([^"]+)"|([a-z0-9][\w.&+\']*))', re.IGNORECASE)
# An exclusion that would leave out more than this share of the allowed listings is dropped as a misreading.
MOST = 0.9


def split_query(query: str) -> tuple[str, list[str]]:
    """(the text to embed, the ruled-out phrases in lower case) of a query with minus terms."""
    if "-" not in query:
        return query, []
    out = [(m.group(1) or m.group(2)).strip().lower() for m in _MINUS.finditer(query)]
    text = " ".join(_MINUS.sub(" ", query).split()).strip(" ,")
    return text, [p for p in dict.fromkeys(out) if p]


def join_query(text: str, excluded: Sequence[str]) -> str:
    """`text` with `excluded` phrases as minus terms (quoted when they have several words)."""
    terms = [f'-"{p}"' if " " in p else f"-{p}" for p in dict.fromkeys(excluded) if p]
    return " ".join([text.strip(), *terms]).strip()


# An utterance that adds a feature to what is being looked at: "with an nvidia rtx card", "and with a mic".
_ADDS = re.compile(r"^\W*(?:(?:and|also|ok|okay|now|then|maybe|preferably|ideally|but)\W+)*(?:(?:one|ones|something|"
                   r"those|them)\s+)?(?:with|having|featuring|(?:that|which)\s+(?:has|have|comes?\s+with))\b")


def readable(query: str) -> str:
    """A query with minus terms as a shopper would say it: 'earphones -wired -"neck band"' -> "earphones, not
    wired or neck band"."""
    text, out = split_query(query)
    if not out:
        return query
    return f"{text}, not {' or '.join(out)}" if text else f"not {' or '.join(out)}"


def adds_feature(utterance: str) -> bool:
    """True for an utterance that refines the product in view with a feature ("with an rtx card")."""
    return bool(_ADDS.match(utterance.lower()))


def merge_topic(old: str, new: str, adds: bool = False) -> str:
    """The topic after a turn: `new`; where it only rules words out ("nothing wired" -> `-wired`), the old
    topic with those words ruled out as well ("earphones" -> `earphones -wired`); where the turn `adds` a
    feature ("with an rtx card"), the old topic with it ("gaming laptop with rtx card")."""
    text, out = split_query(new)
    old_text, old_out = split_query(old)
    if adds and text.strip() and old_text.strip() and text.strip() not in old_text:
        return join_query(f"{old_text.strip()} with {text.strip()}", old_out + out)
    if text.strip() or not out:
        return new
    return join_query(old_text, old_out + out)


@functools.lru_cache(maxsize=256)
def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.lower().split()]
    if words and len(words[-1]) > 2 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]  # "sleeves" rules out "sleeve" too
    return re.compile(r"(?<![a-z0-9])" + r"[\s-]?".join(words) + r"(?:e?s)?(?![a-z0-9])")


def excluded_rows(titles: Sequence[str], rows: np.ndarray, phrases: Sequence[str]) -> np.ndarray:
    """The rows among `rows` whose (lower-cased) title carries none of `phrases`; a phrase that would leave
    out more than `MOST` of `rows` is not applied."""
    keep = rows
    for phrase in phrases:
        rx = _pattern(phrase)
        left = np.array([r for r in keep.tolist() if not rx.search(titles[r])], dtype=np.int64)
        if left.size and left.size >= (1.0 - MOST) * keep.size:
            keep = left
    return keep
