"""Reading one message with the rule grammar, as the grammar's phrasing tests check it."""

from __future__ import annotations

from extraction.rules import RuleExtractor
from retrieval.filters import Filters


def active(ex: RuleExtractor, text: str, state: Filters | None = None) -> dict:
    """The active filters after `text`, read on `state` (an empty state when none)."""
    return ex.extract(text, state or Filters()).filters.active()
