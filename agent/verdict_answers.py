"""The answer lines for a question about shown products, from the verdicts of tools/questions.py.

Wording is data (prompts/listing_answers.toml); this module only picks the line and fills it in.

    >>> verdict_line("#2 Acme X", {"verdict": "partly", "evidence": "Water-repellent design"})
    '#2 Acme X: partly. The listing says only "Water-repellent design".'
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import Any

from prompts import load_prompt
from tools.compare import unfiltered_aspect

_MARKDOWN = re.compile(r"([\\`*_\[\]<>!])")


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    return tomllib.loads(load_prompt("listing_answers"))


def t(name: str, **values: Any) -> str:
    return templates()[name].format(**values)


def _quote(text: str, limit: int = 200) -> str:
    """A listing's sentence in quotes, cut and Markdown-escaped (listings carry stray markup)."""
    s = text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
    return '"' + _MARKDOWN.sub(r"\\\1", s) + '"'


def verdict_line(title: str, answer: dict[str, Any]) -> str:
    """One line: the verdict on `title` and the sentence of its listing it rests on."""
    verdict = str(answer.get("verdict") or "not stated")
    if verdict == "not stated" or not answer.get("evidence"):
        terms = [_quote(str(w), 40) for w in answer.get("terms") or answer.get("unknown") or []]
        if not terms:
            return t("verdict_not_stated_plain", title=title)
        said = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " or " + terms[-1]
        return t("verdict_not_stated", title=title, terms=said)
    return t("verdict_" + verdict.replace(" ", "_"), title=title, evidence=_quote(str(answer["evidence"])))


_TALLY = (("yes", "yes"), ("partly", "partly"), ("no", "no"), ("not stated", "not stated"))


def tally_line(products: list[dict[str, Any]]) -> str:
    """ "Of the 5 shown, going by their listings: yes for #3; partly for #1, #2; not stated for #4, #5." for a
    yes/no question about every product shown; "" when the question is open (each line quotes instead)."""
    verdicts = [(str((p.get("answer") or {}).get("verdict") or "not stated"), p) for p in products]
    if not verdicts or all(v == "stated" for v, _ in verdicts):
        return ""
    groups = []
    for key, word in _TALLY:
        which = [f"#{p['pos']}" if p.get("pos") else str(p.get("title", ""))[:30] for v, p in verdicts if v == key]
        if which:
            groups.append(t("tally_group", verdict=word, which=", ".join(which)))
    return t("tally", n=len(products), groups="; ".join(groups))


_ADJECTIVES = {("camera", "max"): "Best camera", ("battery", "max"): "Biggest battery",
               ("storage", "max"): "Most storage", ("ram", "max"): "Most RAM", ("screen", "max"): "Largest screen",
               ("light", "min"): "Lightest", ("heavy", "max"): "Heaviest", ("refresh", "max"): "Highest refresh rate",
               ("screen", "min"): "Smallest screen", ("storage", "min"): "Least storage",
               ("battery", "min"): "Smallest battery", ("camera", "min"): "Smallest camera figure",
               ("light", "max"): "Heaviest", ("heavy", "min"): "Lightest", ("ram", "min"): "Least RAM",
               ("refresh", "min"): "Lowest refresh rate", ("playtime", "max"): "Longest battery life",
               ("playtime", "min"): "Shortest battery life"}


def ranking_answer(ranking: dict[str, Any], titles: dict[str, str]) -> str:
    """ "Biggest battery: #2 Redmi 10 Power (6,000 mAh). By battery: #2 ... 6,000 mAh; #1 ... 5,000 mAh." """
    noun = ranking["noun"]
    values = ranking.get("values") or []
    if not values:
        return t("compare_unknown", n=len(ranking.get("missing") or []), noun=noun)
    lines = []
    if ranking.get("winner"):
        top = values[0]
        adjective = _ADJECTIVES.get((ranking["aspect"], ranking["best"]), noun.capitalize())
        lines.append(t("compare_best", adjective=adjective, title=titles.get(top["id"], top["id"]), value=top["label"]))
    lines.append(t("compare_values", noun=noun, values="; ".join(f"{titles.get(v['id'], v['id'])}: {v['label']}"
                                                                  for v in values)))
    missing = [titles.get(i, i) for i in ranking.get("missing") or []]
    if missing:
        lines.append(t("compare_partial_many" if len(missing) > 1 else "compare_partial", missing=", ".join(missing),
                       noun=noun))
    return "\n".join(lines)


def fact_line(extraction: dict[str, Any] | None) -> str:
    """ "Noted: Verizon. I kept that for the next results." for the constraints a stated fact changed; "" if none."""
    if not extraction:
        return ""
    by_field = dict(zip(extraction.get("filters") or {}, extraction.get("chips") or [], strict=False))
    labels = [by_field[f] for f in extraction.get("changed") or {} if f in by_field]
    return t("fact_applied", labels=", ".join(labels)) if labels else ""


def unfiltered_line(extraction: dict[str, Any] | None, search: dict[str, Any]) -> str:
    """ "I can't filter on battery in this catalog, so I ranked by it instead." when a comparative ("a longer
    battery") found no figures to move along and stayed in the search words; "" otherwise."""
    if not extraction:
        return ""
    noun = unfiltered_aspect(str(search.get("query") or extraction.get("topic") or ""),
                             list(extraction.get("changed") or {}))
    return t("ranked_by_meaning", what=noun) if noun else ""
