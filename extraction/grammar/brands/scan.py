"""Finding brand words: gazetteer keys in the token stream, and whether an ambiguous one is a brand here.

Brand names that are English words ("Nothing", "Noise", "Apple") need brand context: capitals, "by X",
"X phones", a list with an unmistakable brand, or a short reply while phones are discussed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lexicon.load import load
from lexicon.tokens import Doc
from lexicon.words import base_colors, color_shades
from retrieval.filters import Filters

from ..gazetteer import Gazetteer


@dataclass(frozen=True)
class Hit:
    """A gazetteer key found in the text, with the tokens around it."""

    key: str
    start: int
    end: int
    prev_tok: str
    next_tok: str


def brand_tokens(doc: Doc, g: Gazetteer) -> list[tuple[str, int, int]]:
    """Tokens for the brand scan: "non-spigen" gives "spigen" (the "non-" stays before it as the exclusion
    cue), "google's" gives "google", and a product line in the plural ("iphones") names the same brand."""
    out: list[tuple[str, int, int]] = []
    for tk in doc.tokens:
        tok, a, b = tk.text, tk.start, tk.end
        if tok.startswith("non-") and len(tok) > 5:
            tok, a = tok[4:], a + 4
        if tok.endswith("'s") and len(tok) > 3:
            tok, b = tok[:-2], b - 2  # "google's out", "samsung's phones": the brand, "'s" left after it
        out.append((tok, a, b))
    return [(t[:-1] if t.endswith("s") and t[:-1] in g.product_lines and t not in g.brands else t, a, b)
            for t, a, b in out]


def hits(doc: Doc, toks: list[tuple[str, int, int]], g: Gazetteer) -> Iterator[Hit]:
    """Longest gazetteer keys, left to right, whose words no parser has taken (checked as each is reached)."""
    i = 0
    while i < len(toks):
        if toks[i][0] not in g.first_tokens:
            i += 1
            continue
        found = next(((" ".join(t for t, _, _ in toks[i:i + n]), n)
                      for n in range(min(g.max_len, len(toks) - i), 0, -1)
                      if " ".join(t for t, _, _ in toks[i:i + n]) in g.brands), None)
        if found is None:
            i += 1
            continue
        key, n = found
        start, end = toks[i][1], toks[i + n - 1][2]
        i += n
        if doc.free(start, end):
            yield Hit(key, start, end, toks[i - n - 1][0] if i - n - 1 >= 0 else "", toks[i][0] if i < len(toks) else "")


def phones_discussed(state: Filters | None) -> bool:
    """A search is under way (phones or accessories, a brand, or any other constraint so far): then "or apple",
    "apple please" name a brand of the catalog (only the catalog's brands are matched at all)."""
    return state is not None and not state.is_empty()


def listed_with_brand(after: str, g: Gazetteer) -> bool:
    """ "apple and samsung phones", "lg or sony": listed with an unmistakable brand."""
    m = re.match(r"\s*(?:,|and|or|/|&|vs\.?|versus)\s*(?:maybe\s+|even\s+|also\s+)?([a-z0-9&+-]+)", after)
    if not m:
        return False
    word = m.group(1)
    return word in g.brands and word not in g.ambiguous and word not in g.weak and word not in load("brands").sets["never"]


def not_a_brand(doc: Doc, h: Hit, g: Gazetteer, in_list: bool) -> bool:
    """Words that look like a brand key but are something else here (a spec, an offer, a common word)."""
    low, rx = doc.low, load("brands").rx
    if h.key in load("brands").sets["never"]:
        return True  # a catalog whose brand is a title's first word has brands "The", "One", "Half"
    if h.key in load("brands").sets["negation_words"] and _color_follows(low[h.end:]):
        return True  # "nothing in gold", "none in pink": a color ruled out
    if h.key in load("brands").sets["negation_words"] and rx["bound_after"].match(low[h.end:]):
        return True  # "nothing over 800": a bound ruled out
    if rx["component_after"].match(low[h.end:]):
        return True  # "intel core i5", "snapdragon processor": a spec of the product, not its brand
    if h.key == "blu" and h.next_tok in ("ray", "rays"):
        return True  # "blu ray player"
    if h.key == "one plus" and h.next_tok in ("one", "two", "1", "2", "free"):
        return True  # "one plus one deal": an offer, not OnePlus
    # "pack", "usb", "room" as the brand of one product in the catalog: need an explicit cue
    return h.key in g.weak and not (h.prev_tok in ("brand", "by", "from") or h.next_tok in ("brand", "brands")
                                    or in_list or re.search(r"\b(?:made|manufactured) by\s+$", low[:h.start]))


def _color_follows(after: str) -> bool:
    m = re.match(r"\s+(?:in\s+|that(?:'s| is)\s+)?(?:colou?red\s+)?([a-z]+)", after)
    return bool(m) and (m.group(1) in base_colors() or m.group(1) in color_shades())


def has_brand_context(doc: Doc, h: Hit, g: Gazetteer, toks: list[tuple[str, int, int]], in_list: bool,
                      phone_talk: bool) -> bool:
    """Whether an ambiguous brand word ("apple", "nothing", "pixel") is used as a brand here."""
    low, cased, key, start, end = doc.low, doc.cased, h.key, h.start, h.end
    lex = load("brands")
    at_sentence_start = start == 0 or cased[max(0, start - 2):start] in (". ", "! ", "? ")
    if cased[start:start + 1].isupper() and not at_sentence_start:
        return True
    prev_tok, next_tok, is_line = h.prev_tok, h.next_tok, key in g.product_lines
    model_next = bool(lex.rx["model_token"].match(next_tok))
    return bool(
        prev_tok in lex.sets["brand_prev"] or (next_tok in lex.sets["product_next"] and key not in lex.sets["adjectives"])
        or model_next or lex.rx["compat_after"].match(low[end:]) is not None or in_list
        # "i don't want apple", "not a fan of apple": a brand being ruled out
        or lex.rx["exclude_before"].search(low[max(0, start - 40):start])
        or listed_with_brand(low[end:], g)
        # "or apple too?": an alternative offered to something already asked for
        or (prev_tok == "or" and lex.rx["additive_after"].match(low[end:]) is not None)
        # while phones are being discussed, a cue word or a short reply is enough:
        # "not apple", "or apple", "apple please", "what about apple"
        or (phone_talk and (bool(lex.rx["cue_before"].search(low[max(0, start - 30):start]))
                            or lex.rx["additive_after"].match(low[end:]) is not None
                            or all(t in lex.sets["reply_fillers"] for t, _, _ in toks if t != key)))
        # a product line not used as an ordinary word: "pixel with 128gb", "galaxy in blue"
        or (is_line and next_tok not in lex.sets["line_not_next"] and prev_tok not in ("the", "star", "stars", "a"))
        # "i need a pixel!!", "a galaxy with 5g": after "a" only when nothing names another noun
        or (is_line and prev_tok == "a" and (next_tok in lex.sets["line_after_article"] or model_next)))
