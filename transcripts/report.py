"""Unmet demand: the filter combinations that most often ended with zero results or a thumbs-down.

A combination is the set of active constraints after the turn (values included), written as
"brand=Google, color=black, price_max=low". Turns are grouped by it and ranked by how often they failed.

    >>> rows = unmet_demand(store.all_conversations())       # doctest: +SKIP
    >>> rows[0].combination, rows[0].zero_results, rows[0].thumbs_down
    ('brand=Google, color=black, price_max=low', 3, 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .store import Conversation


def combination_key(filters: dict[str, Any]) -> str:
    """A stable text key for a filter state; "(no filters)" for none."""
    if not filters:
        return "(no filters)"
    parts = []
    for k in sorted(filters):
        v = filters[k]
        value = "|".join(sorted(map(str, v))) if isinstance(v, list) else str(v)
        parts.append(f"{k}={value}")
    return ", ".join(parts)


@dataclass
class UnmetDemand:
    combination: str
    filters: dict[str, Any]
    turns: int = 0
    zero_results: int = 0
    thumbs_down: int = 0
    failures: int = 0  # turns with zero results or a thumbs-down (a turn with both counts once)
    examples: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def unmet_demand(conversations: Iterable[Conversation], top: int = 20, examples: int = 3) -> list[UnmetDemand]:
    """Combinations with at least one failure, most failures first (then most zero-result turns)."""
    groups: dict[str, UnmetDemand] = {}
    for conv in conversations:
        for t in conv.turns:
            if t.clarifying:
                continue  # a question back to the shopper is not a failed search
            key = combination_key(t.filters)
            g = groups.setdefault(key, UnmetDemand(key, dict(t.filters)))
            g.turns += 1
            zero = t.matched == 0
            down = t.feedback == 0
            g.zero_results += zero
            g.thumbs_down += down
            if zero or down:
                g.failures += 1
                if t.user_text and t.user_text not in g.examples and len(g.examples) < examples:
                    g.examples.append(t.user_text)
                if conv.id not in g.conversations:
                    g.conversations.append(conv.id)
    ranked = sorted((g for g in groups.values() if g.failures),
                    key=lambda g: (-g.failures, -g.zero_results, g.combination))
    return ranked[:top]


def report_markdown(rows: list[UnmetDemand]) -> str:
    if not rows:
        return "No unmet demand: every stored turn found products and none got a thumbs-down.\n"
    lines = ["| failures | zero results | thumbs down | turns | filters | example |",
             "|---:|---:|---:|---:|---|---|"]
    for r in rows:
        example = (r.examples[0] if r.examples else "").replace("|", "\\|")[:80]
        lines.append(f"| {r.failures} | {r.zero_results} | {r.thumbs_down} | {r.turns} | "
                     f"{r.combination.replace('|', ' or ')} | {example} |")
    return "\n".join(lines) + "\n"
