"""Wiring: settings in, ready components out. The only module that knows how the parts fit together."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from extraction.categories import reads_types
from extraction.vocabulary import Vocabulary
from retrieval.catalog import price_currency
from retrieval.demo_catalog import write_demo_catalog
from retrieval.embedder import Embedder
from retrieval.search import SearchEngine
from retrieval.store import BuildOptions, open_engine
from tools.describe import set_currency

from .extractor_choice import Choice, choose_extractor
from .settings import Settings

if TYPE_CHECKING:
    from agent.assistant import Assistant

log = logging.getLogger(__name__)


def demo_catalog_path(settings: Settings) -> Path:
    """The embedded default catalog, generated once (deterministically) into the data folder."""
    path = settings.data_dir / f"demo_catalog_{settings.demo_size}.jsonl.gz"
    if not path.exists():
        log.info("generating the demo catalog (%d products) at %s", settings.demo_size, path)
        write_demo_catalog(path, n_products=settings.demo_size)
    return path


def catalog_path(settings: Settings, catalog: str | Path | None = None) -> Path:
    chosen = catalog or settings.catalog
    return Path(chosen) if chosen else demo_catalog_path(settings)


def configure_runtime(settings: Settings) -> None:
    """Process-wide torch settings for serving; called once before models load."""
    import torch  # lazy: torch takes ~1 s to import; commands that never load a model skip it

    torch.set_num_threads(max(1, settings.torch_threads))
    torch.set_flush_denormal(True)


def build_engine(settings: Settings, catalog: str | Path | None = None, rebuild: bool = False,
                 show_progress: bool = True, for_queries: bool = True) -> SearchEngine:
    """`for_queries=False`: index maintenance only; the model loads only if a product text must be embedded."""
    configure_runtime(settings)
    options = BuildOptions(model=settings.embedder, dtype=settings.embed_dtype, show_progress=show_progress)
    engine = open_engine(catalog_path(settings, catalog), settings.cache_dir, options, rebuild=rebuild,
                         for_queries=for_queries)
    set_currency(settings.currency or price_currency(engine.products))  # prices print in the catalog's currency
    engine.ranking = settings.ranking()
    return engine


def choose_for_engine(settings: Settings, engine: SearchEngine, model: str | None = None) -> Choice:
    """The extractor for this catalog (`extractor_choice.choose_extractor`), snapped to its products' values."""
    vocab = Vocabulary.from_products(engine.products)
    if reads_types(vocab) and isinstance(engine.embedder, Embedder):
        # The index's own MiniLM maps a shopper's words to the catalog's types by meaning (categories.py).
        vocab.encoder = engine.embedder.encode_queries
    # The same MiniLM serves the subcategory judge behind a learned extractor (extraction.subcategory_judge).
    return choose_extractor(settings, vocab, model, engine.embedder)


def build_assistant(settings: Settings, engine: SearchEngine, checkpoint: str | Path | None,
                    llm: str | None = None) -> tuple[Assistant, Choice]:
    """The agent over `engine` with the chosen extractor, for `sift chat` and the app (and so the HTTP API).

    `checkpoint`: a SQLite file or `postgresql://` URL for conversation state, None for memory; `llm`: the
    agent's chat model (None: the offline policy).
    """
    # lazy: LangChain + LangGraph take ~1 s; `sift search` needs neither
    from agent.factory import make_assistant

    choice = choose_for_engine(settings, engine)
    assistant = make_assistant(engine, choice.extractor, llm=llm or None, checkpoint_path=checkpoint,
                               base_url=settings.llm_base_url)
    return assistant, choice
