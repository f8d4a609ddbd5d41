"""Qualitative levels as in the paper: "cheap" -> price_max low, "highly rated" -> average_rating_min high.

The phrases and what they set (and set when negated: "not cheap") are rules in lexicon/data/levels.toml;
this module adds the context checks that keep "cheap looking", "premium quality" and "how many reviews"
from being levels.
"""

from __future__ import annotations

import functools
import re

from lexicon.load import Lexicon, Rule, load

from .context import Turn, negated


@functools.cache
def _rules() -> list[tuple[re.Pattern[str], Rule]]:
    return [(re.compile(rf"(?<![\w-])(?:{r.regex})(?![\w-])"), r) for r in load("levels").rules]


def parse(t: Turn) -> None:
    low = t.doc.low
    lex = load("levels")
    for rx, rule in _rules():
        for m in rx.finditer(low):
            if not t.doc.free(m.start(), m.end()):
                continue
            before, after = low[max(0, m.start() - 30):m.start()], low[m.end():]
            if _not_a_level(lex, m.group(0), before, after, rule):
                continue
            _apply(t, lex, m, before, rule)


def _not_a_level(lex: Lexicon, phrase: str, before: str, after: str, rule: Rule) -> bool:
    rx = lex.rx
    if phrase.startswith("cheap") and (rx["cheap_quality_after"].match(after) or rx["cheap_quality_before"].search(before)):
        return True
    if phrase in ("premium", "luxury", "luxurious", "upscale") and not rx["premium_ok_after"].match(after):
        return True  # "premium quality", "luxury candle": marketing words, not a price level
    if phrase == "budget" and rx["budget_as_cue_after"].match(after):
        return True
    if phrase == "popular" and rx["popular_not"].match(after):
        return True
    if re.search(r"\bhow\s+$", before):
        return True  # "how many reviews does it have?": a question, not "many reviews"
    if any(f.startswith("storage") for f, _ in rule.sets or ()) and rx["storage_noun_after"].match(after):
        return True  # "small storage baskets", "large storage cabinet": furniture, not a phone's storage
    return False


def _apply(t: Turn, lex: Lexicon, m: re.Match[str], before: str, rule: Rule) -> None:
    low, phrase = t.doc.low, m.group(0)
    after = low[m.end():]
    neg = rule.negated
    is_negated = negated(low, m.start()) and not phrase.startswith(("no ", "not ", "few", "fewer"))
    if not is_negated and phrase in ("expensive", "costly", "pricey", "pricy") and re.search(
            r"\b(?:too|so|overly|very)\s+$", before):
        return  # "too expensive" is handled as a move; "so expensive" is a complaint
    if phrase == "unknown" and not re.match(r"\s*(?:brands?|makers?|companies|ones?)\b", after):
        return
    if phrase == "sealed" or phrase == "niche" and not re.match(r"\s*(?:brands?|phones?|ones?)\b", after):
        return
    result = rule.sets or []
    if is_negated and phrase in ("expensive", "pricey", "pricy", "costly") and re.search(r"(?:\bnot|n't)\s+$", before):
        neg = [("price_max", "low")]  # "not expensive" = cheap; "not too expensive" = middling
    if is_negated:
        if neg is None:
            return
        result = neg
        nm = lex.rx["neg_before"].search(before)
        span_start = m.start() - (len(before) - nm.start()) if nm else m.start()
    else:
        span_start = m.start()
    for f, level in result:
        t.update.set.setdefault(f, level)
        t.spans.setdefault(f, low[span_start:m.end()].strip())
    t.doc.take(span_start, m.end())
