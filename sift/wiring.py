"""Wiring: settings in, ready components out. The only module that knows how the parts fit together."""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.search import SearchEngine
from retrieval.store import BuildOptions, open_engine

from .settings import Settings

log = logging.getLogger(__name__)


def demo_catalog_path(settings: Settings) -> Path:
    """The embedded default catalog, generated once (deterministically) into the data folder."""
    from retrieval.demo_catalog import write_demo_catalog

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
    import torch

    torch.set_num_threads(max(1, settings.torch_threads))
    torch.set_flush_denormal(True)


def build_engine(settings: Settings, catalog: str | Path | None = None, rebuild: bool = False,
                 show_progress: bool = True, for_queries: bool = True) -> SearchEngine:
    """`for_queries=False`: index maintenance only; the model loads only if a product text must be embedded."""
    configure_runtime(settings)
    options = BuildOptions(model=settings.embedder, dtype=settings.embed_dtype, show_progress=show_progress)
    return open_engine(catalog_path(settings, catalog), settings.cache_dir, options, rebuild=rebuild,
                       for_queries=for_queries)


def _trained_model_is_better(folder: Path) -> bool:
    """Use a trained model automatically only when its own evaluation beat the rules on held-out phrasings.

    `sift eval extraction` writes `eval_extraction.json` next to the model; without it, or when the
    model lost to the rule baseline, "auto" keeps the rules (a weak model would make every answer worse).
    """
    import json

    if not (folder / "config.json").exists():
        return False
    try:
        report = json.loads((folder / "eval_extraction.json").read_text())
        em = report["single_turn"]
        better = em["seq2seq"]["exact_match"] >= em["rules"]["exact_match"]
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("%s has no readable eval_extraction.json; using the rules (run `sift eval extraction`)", folder)
        return False
    if not better:
        log.warning("trained extractor in %s scored below the rules on held-out phrasings; using the rules "
                    "(set SIFT_EXTRACTOR=%s to force it)", folder, folder)
    return better


def build_extractor(settings: Settings, engine: SearchEngine):
    """The filter extractor named by SIFT_EXTRACTOR.

    auto (default): the trained seq2seq model in `<models_dir>/extractor` when its evaluation beat the
    rules, else the rules;
    rules; llm (the chat model of SIFT_LLM with structured output); or a path / hub id of a seq2seq model.
    Every extractor snaps to this catalog's vocabulary.
    """
    from extraction.vocabulary import Vocabulary

    choice = settings.extractor.strip()
    if choice == "auto":
        trained = settings.models_dir / "extractor"
        choice = str(trained) if _trained_model_is_better(trained) else "rules"
    if choice == "rules":
        from agent.factory import default_extractor

        return default_extractor(engine)
    vocab = Vocabulary.from_products(engine.products)
    if choice == "llm":
        from agent.llm import make_chat_model
        from extraction.llm import LLMExtractor

        if not settings.llm:
            raise ValueError("SIFT_EXTRACTOR=llm needs SIFT_LLM (e.g. openai:gpt-4o-mini); or use auto/rules")
        return LLMExtractor(make_chat_model(settings.llm, settings.llm_base_url), vocab)
    from extraction.seq2seq import Seq2SeqExtractor

    log.info("filter extractor: seq2seq model %s", choice)
    return Seq2SeqExtractor.load(choice, vocab=vocab)
