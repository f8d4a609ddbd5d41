"""`make_assistant`: what the shell (sift/wiring.py) calls to get a ready `Assistant`.

The extractor comes from the shell (`sift/extractor_choice.py` decides which); without one, the rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extraction.base import Extractor
from extraction.rules import RuleExtractor
from extraction.vocabulary import Vocabulary
from retrieval.search import SearchEngine

from .assistant import Assistant


def default_extractor(engine: SearchEngine) -> Extractor:
    """The rule extractor snapped to this catalog's vocabulary (no model, no network).

    Built from the products (not only the attribute table) so brands that are really a title's first word
    ("Pack", "USB" in some catalogs) are recognised as weak and need product context to match.
    """
    return RuleExtractor(Vocabulary.from_products(engine.products))


def make_assistant(engine: SearchEngine, extractor: Extractor | None = None, llm: str | None = None,
                   checkpoint_path: str | Path | None = None, base_url: str | None = None,
                   page_size: int = 5, checkpointer: Any = None) -> Assistant:
    """An `Assistant` over `engine`. `llm` None or "" -> the offline policy.

    `checkpoint_path`: where conversations live, a SQLite file or a `postgresql://` URL (`Settings.
    checkpoint_target()`), None -> in memory; `checkpointer`: a ready saver instead (it wins).
    """
    return Assistant(engine, extractor or default_extractor(engine), chat_model=llm,
                     checkpointer_path=checkpoint_path, checkpointer=checkpointer, base_url=base_url,
                     page_size=page_size)
