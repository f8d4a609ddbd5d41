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
