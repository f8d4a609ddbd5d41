"""Fixtures the unit tests of the rule grammar share."""

from __future__ import annotations

import pytest

from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def ex() -> RuleExtractor:
    """The rule grammar over the default vocabulary (a module that needs another vocabulary defines its own)."""
    return RuleExtractor(Vocabulary.default())
