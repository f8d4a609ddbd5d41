"""More of what a review is for, beside unmet demand (report.py): questions the listings could not answer,
messages with no shopping content, and things shoppers asked for that no filter holds.

    >>> r = insights(store.all_conversations())                       # doctest: +SKIP
    >>> r.unanswered[0].text, r.unanswered[0].count                    # "is it waterproof?" -> not stated
    ('is the first one waterproof?', 2)
    >>> r.unfiltered[0].text, r.unfiltered[0].count                    # ranked by meaning, never filtered
    ('waterproof', 5)

Answers are recognised by the templates that wrote them (prompts/answers.toml: `answer_unknown` and any
`*not_stated*` template for unanswered questions, `off_topic_*` for no shopping content), so the wording
lives in one place. An "unfiltered attribute" is a content word of the turn's topic (the words no filter took)
that is not a product type ("case", "charger": lexicon/data/subcategories.toml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from agent.answers import templates
from lexicon.load import load
from tools.catalog_tools import content_words

from .store import Conversation

EXAMPLES = 3


@dataclass
class Count:
    text: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Insights:
    unanswered: list[Count]
    no_shopping: list[Count]
    unfiltered: list[Count]

    def to_json(self) -> dict[str, Any]:
        return {k: [c.to_json() for c in getattr(self, k)] for k in ("unanswered", "no_shopping", "unfiltered")}


def _pattern(template: str) -> re.Pattern[str]:
    """A template's fixed words with its placeholders as wildcards."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".*?".join(re.escape(p.strip()) for p in parts if p.strip()), re.S)


@lru_cache(maxsize=1)
def _answer_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    names = templates()
    unanswered = tuple(_pattern(v) for k, v in names.items() if k == "answer_unknown" or "not_stated" in k)
    off_topic = tuple(_pattern(v) for k, v in names.items() if k.startswith("off_topic_"))
    return unanswered, off_topic


def _product_types(text: str) -> str:
    lex = load("subcategories")
    for name in ("accessory", "phone"):
        text = lex.rx[name].sub(" ", text)
    return text


def unfiltered_words(topic: str) -> list[str]:
    """Content words of a topic that name no product type: what the shopper wanted beyond the filters."""
    return [w for w in content_words(_product_types(topic.lower())) if not w.isdigit() and len(w) > 2]


def _add(bucket: dict[str, Count], key: str, example: str, conv_id: str) -> None:
    c = bucket.setdefault(key, Count(key))
    c.count += 1
    if example and example not in c.examples and len(c.examples) < EXAMPLES:
        c.examples.append(example)
    if conv_id not in c.conversations:
        c.conversations.append(conv_id)


def insights(conversations: Iterable[Conversation], top: int = 20) -> Insights:
    unanswered_rx, off_topic_rx = _answer_patterns()
    unanswered: dict[str, Count] = {}
    no_shopping: dict[str, Count] = {}
    unfiltered: dict[str, Count] = {}
    for conv in conversations:
        for t in conv.turns:
            text = " ".join(t.user_text.lower().split())[:200]
            if any(rx.search(t.answer) for rx in unanswered_rx):
                _add(unanswered, text, t.answer.splitlines()[0][:160], conv.id)
            if any(rx.search(t.answer) for rx in off_topic_rx):
                _add(no_shopping, text, "", conv.id)
            for word in dict.fromkeys(unfiltered_words(t.topic)):
                _add(unfiltered, word, t.user_text, conv.id)

    def ranked(d: dict[str, Count]) -> list[Count]:
        return sorted(d.values(), key=lambda c: (-c.count, c.text))[:top]

    return Insights(ranked(unanswered), ranked(no_shopping), ranked(unfiltered))


def insights_markdown(r: Insights) -> str:
    out = []
    for title, rows, empty in (
            ("Questions the listings did not answer", r.unanswered, "none"),
            ("Messages with no shopping content", r.no_shopping, "none"),
            ("Asked for, but no filter holds it (ranked by meaning only)", r.unfiltered, "none")):
        out.append(f"\n## {title}\n")
        if not rows:
            out.append(f"{empty}\n")
            continue
        out.append("| count | what | example |\n|---:|---|---|\n")
        for c in rows:
            example = (c.examples[0] if c.examples else "").replace("|", "\\|")[:80]
            out.append(f"| {c.count} | {c.text.replace('|', chr(92) + '|')[:80]} | {example} |\n")
    return "".join(out)
