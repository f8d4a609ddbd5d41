"""The one tokenizer: an utterance normalised once into a `Doc` that every grammar parser reads.

`normalise` does what every reader needs first (NFKC, straight quotes, markup and control characters
out, whitespace collapsed, lower-cased, cut at `MAX_CHARS`). A `Doc` keeps the lower-case text, the
cased text (capitals tell "Nothing" the brand from "nothing"), its tokens with character offsets, and
the spans parsers have consumed: a parser that reads "under $300" takes its span, so no later parser
reads the same words again.

    >>> low, cased, warnings = normalise("  Under “$300”  <b>please</b> ")
    >>> low, cased
    ('under "$300" please', 'Under "$300" please')
    >>> doc = Doc(low, cased)
    >>> [(t.text, t.start) for t in doc.tokens][:2]
    [('under', 0), ('300', 8)]
    >>> doc.take(0, 12); doc.free(6, 12), doc.free(13, 19)
    (False, True)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .load import load

MAX_CHARS = 2000  # longer input is cut: no shopper writes more, and the cost stays bounded


class Token(NamedTuple):  # a tuple: a long utterance makes hundreds, each must be cheap
    text: str
    start: int
    end: int


@dataclass
class Doc:
    """One normalised utterance and the spans the parsers have read so far."""

    low: str
    cased: str
    consumed: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        """True when no parser has taken any of `start:end` yet."""
        return all(end <= a or start >= b for a, b in self.consumed)

    def take(self, start: int, end: int) -> None:
        self.consumed.append((start, end))

    def unread(self) -> str:
        """The lower-case text with the spans parsers took blanked out (same length, so offsets hold)."""
        if not self.consumed:
            return self.low
        keep = [True] * len(self.low)
        for a, b in self.consumed:
            for k in range(max(0, a), min(len(self.low), b)):
                keep[k] = False
        return "".join(ch if k else " " for ch, k in zip(self.low, keep, strict=True))

    @functools.cached_property
    def tokens(self) -> list[Token]:
        """Word tokens with offsets ("at&t", "case-mate", "o'neill" stay one token)."""
        return [Token(m.group(0), m.start(), m.end()) for m in load("brands").rx["token"].finditer(self.low)]

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """The alphanumeric runs of the text ("t-mobile" gives "t" and "mobile"), for quick lookups."""
        return frozenset(re.findall(r"[a-z0-9]+", self.low))


def normalise(text: Any) -> tuple[str, str, list[str]]:
    """(lower-case text, cased text, warnings) of any input; None, bytes and huge strings are fine."""
    warnings: list[str] = []
    if text is None:
        return "", "", warnings
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    s = str(text)
    if len(s) > MAX_CHARS:
        warnings.append(f"utterance is {len(s)} characters; only the first {MAX_CHARS} were read")
        s = s[:MAX_CHARS]
    s = unicodedata.normalize("NFKC", s)
    s = s.replace("’", "'").replace("‘", "'").replace("`", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"<[^>]{0,200}>", " ", s)  # markup tags
    s = "".join(ch if ch.isprintable() else " " for ch in s)
    s = re.sub(r"\s+", " ", s).strip()
    low = s.lower()
    if len(low) != len(s):  # a few characters change length when lower-cased; lose case info then
        s = low
    if _shorthand().search(low):  # "w/ lots of reviews", "atleast 128", "blk": the long form (shorthand.toml)
        s = re.sub(r"\s+", " ", _shorthand().sub(_long_form, s)).strip()
        low = s.lower()
        if len(low) != len(s):
            s = low
    if _joined_colour().search(low):  # "rosegold", "darkgrey": a colour's modifier typed onto it
        s = _joined_colour().sub(r"\1 \2", s)
        low = s.lower()
    return low, s, warnings


@functools.cache
def _joined_colour() -> re.Pattern[str]:
    """A colour modifier run into a base colour ("rosegold", "navyblue", "offwhite"), from colors.toml's lists."""
    lex = load("colors")
    mods = "|".join(sorted(lex.words["modifiers"], key=len, reverse=True))
    base = "|".join(sorted([*lex.words["base"], "grey"], key=len, reverse=True))
    return re.compile(rf"\b({mods})({base})\b", re.IGNORECASE)


@functools.cache
def _shorthand() -> re.Pattern[str]:
    """Any shorthand of `lexicon/data/shorthand.toml` as a whole word; one that ends in a slash ("w/") may run
    into the next word ("w/lots"), none may sit in a path or a URL ("/w/")."""
    words = sorted(load("shorthand").maps["words"], key=len, reverse=True)  # "w/o" before "w/"
    slashed = "|".join(re.escape(w) for w in words if w.endswith("/"))
    whole = "|".join(re.escape(w) for w in words if not w.endswith("/"))
    return re.compile(rf"(?<![\w/'-])(?:(?:{whole})(?![\w'/-])|(?:{slashed})(?!/))", re.IGNORECASE)


def _long_form(m: re.Match[str]) -> str:
    long = load("shorthand").maps["words"][m.group(0).lower()]
    return long + " " if m.group(0).endswith("/") else long
