"""Brands read beyond the gazetteer's exact keys: misspelt ("samsng phone"), and unknown brands named
explicitly in an open vocabulary ("made by popio"); a phone line also names the phone subcategory."""

from __future__ import annotations

from lexicon.load import load
from lexicon.words import phone_lines
from retrieval.filters import PHONES

from ...vocabulary import COMMON_WORDS
from ..context import Turn, fuzzy
from ..gazetteer import tokens
from .roles import Roles


def misspelt(t: Turn, toks: list[tuple[str, int, int]], phone_talk: bool, roles: Roles) -> None:
    """Misspelt brands: only next to a product word or a brand cue, never free text."""
    g, lex, low = t.g, load("brands"), t.doc.low
    if not g.fuzzy_keys or roles.wanted or roles.excluded:
        return
    fillers = lex.sets["reply_fillers"]
    for k, (tok, start, end) in enumerate(toks):
        nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
        prv = toks[k - 1][0] if k > 0 else ""
        # A short reply about brands while phones are discussed ("or noika too", "not oneplis?",
        # "let's look at nolia") is a brand slot as well: a cue word before, only fillers after.
        # So is a reply that is the brand alone ("ankre please", "asuus?").
        reply_slot = phone_talk and (prv in lex.sets["fuzzy_cue_prev"] or k == 0) and all(
            w in fillers or w in ("as", "well", "would", "be", "fine", "good") for w, _, _ in toks[k + 1:])
        if (len(tok) < 5 or not tok.isalpha() or tok in COMMON_WORDS or tok in g.brands
                or not t.doc.free(start, end)
                or not (nxt in lex.sets["fuzzy_next"] or prv in ("brand", "by") or reply_slot)):
            continue
        hit = fuzzy(tok, g.fuzzy_keys, 85.0)
        if hit is not None and hit[0] == tok[0] and abs(len(hit) - len(tok)) <= 2:
            before = low[max(0, start - 40):start]
            if lex.rx["exclude_before"].search(before) and not lex.rx["swap_before"].search(before):
                roles.excluded.append((g.brands[hit], start, end))
            else:
                roles.wanted.append((g.brands[hit], start, end))
            t.doc.warnings.append(f"read {tok!r} as the brand {g.brands[hit]}")
            t.doc.take(start, end)
            break


def _line_words(text: str) -> str:
    """ "Xperias" -> "xperia": a product line in the plural names the same line."""
    words = " ".join(tokens(text))
    return words[:-1] if words.endswith("s") and words[:-1] in phone_lines() else words


def phone_line_subcategory(t: Turn, roles: Roles) -> None:
    """ "google pixel under 600": a phone line names a phone."""
    low = t.doc.low
    if roles.wanted and "subcategory" not in t.update.set and t.g.has_phone_subcats and any(
            _line_words(low[s:e]) in phone_lines() for _, s, e in roles.wanted):
        t.update.set["subcategory"] = PHONES
        t.spans["subcategory"] = next(low[s:e] for _, s, e in roles.wanted if _line_words(low[s:e]) in phone_lines())


def named_unknown(t: Turn, roles: Roles) -> None:
    """ "made by popio", "pikkme brand only": brands the vocabulary does not know, in an open vocabulary."""
    if not t.g.open_brands:
        return
    for m in load("brands").rx["named_brand"].finditer(t.doc.low):
        word = m.group("a") or m.group("b")
        start, end = m.span("a") if m.group("a") else m.span("b")
        if word in COMMON_WORDS or word in t.g.brands or not t.doc.free(start, end) or len(word) < 3:
            continue
        roles.wanted.append(("-".join(w.capitalize() for w in word.split("-")), start, end))
        t.doc.take(m.start(), m.end())
