"""Command-line entry points of the extraction domain: `sift extract`, `sift train extractor`,
`sift eval extraction`. The shell (`sift/cli.py`) calls `register(subparsers)`.

Arguments the shell sets on the namespace (all optional here): `args.catalog` (catalog file; the
demo catalog otherwise), `args.models_dir` (folder holding `extractor/`, the trained model),
`args.settings.extractor` ("auto" | "rules" | a checkpoint path or hub id). Each sub-command also
defines its own `--catalog` and `--json`, like the shell's other commands; handlers are `func`.

    $ sift extract "a cheap samsung phone with lots of reviews" --json
    {"id": "1", "text": "a cheap samsung phone ...", "filters": {"price_max": "low", ...}, "spans": {...}}
    $ sift extract --file queries.jsonl --json     # one JSON object per line in, one per line out
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retrieval.filters import Filters

DEFAULT_MODEL_SUBDIR = "extractor"
BATCH = 64


# ------------------------------------------------------------------------------------------------ helpers
def _subcommands(subparsers: Any, name: str, help_text: str) -> Any:
    """The nested sub-command action of `name` (e.g. `train`), created if no other domain made it yet."""
    parser = subparsers.choices.get(name) if hasattr(subparsers, "choices") else None
    if parser is None:
        parser = subparsers.add_parser(name, help=help_text)
    for action in parser._actions:  # noqa: SLF001 - argparse keeps nested sub-commands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return action
    return parser.add_subparsers(dest=f"{name}_command", metavar="WHAT")


def _vocab(args: argparse.Namespace) -> Any:
    from extraction.vocabulary import Vocabulary

    catalog = getattr(args, "catalog", None)
    if catalog:
        from retrieval.catalog import load_catalog

        return Vocabulary.from_products(load_catalog(catalog))
    return Vocabulary.default()


def find_model(args: argparse.Namespace) -> str | None:
    """The trained model to use: --model, SIFT_EXTRACTOR (a path/hub id), or `<models_dir>/extractor` if present.

    None means the rules: nothing found, or the settings say `rules`.
    """
    if getattr(args, "model", None):
        return str(args.model)
    choice = str(getattr(getattr(args, "settings", None), "extractor", "auto") or "auto")
    if choice == "rules":
        return None
    if choice not in ("auto", "llm", "seq2seq"):
        return choice
    models_dir = getattr(args, "models_dir", None)
    if models_dir:
        for candidate in (Path(models_dir) / DEFAULT_MODEL_SUBDIR, Path(models_dir)):
            if (candidate / "config.json").exists():
                return str(candidate)
    return None


def load_extractor(args: argparse.Namespace) -> Any:
    """Load the extractor once: the seq2seq model when one is configured/present, else the rules."""
    vocab = _vocab(args)
    path = find_model(args)
    if path:
        from extraction.seq2seq import Seq2SeqExtractor

        ex = Seq2SeqExtractor.load(path, vocab=vocab)
        print(f"extractor: seq2seq model {path}", file=sys.stderr)
        return ex
    from extraction.rules import RuleExtractor

    print("extractor: rules (no trained model found; train one with `sift train extractor`)", file=sys.stderr)
    return RuleExtractor(vocab)


def _parse_state(raw: Any, vocab: Any) -> tuple[Filters, list[str]]:
    if raw in (None, "", {}):
        return Filters(), []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            return Filters(), [f"state is not JSON ({exc}); ignored"]
    return vocab.snap(raw) if vocab is not None else (Filters(), ["no vocabulary; state ignored"])


def iter_inputs(path: str) -> Iterator[tuple[str, str, Any]]:
    """(id, text, state) per non-empty line: JSONL objects with id/text/state, or plain text lines."""
    opener = open
    if path.endswith(".gz"):
        import gzip

        opener = gzip.open  # type: ignore[assignment]
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    yield str(n), line, None
                    continue
                yield str(obj.get("id", n)), str(obj.get("text", "")), obj.get("state")
            else:
                yield str(n), line, None


def _emit(rid: str, text: str, result: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"id": rid, "text": text, "filters": result.filters.active(), "spans": result.spans}))
    else:
        items = " ; ".join(f"{k}={v}" for k, v in result.filters.active().items()) or "(no filters)"
        print(f"{text}\n  -> {items}")
        for w in result.warnings:
            print(f"  ! {w}")


# ------------------------------------------------------------------------------------------------ handlers
def cmd_extract(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    if not args.text and not args.file:
        print("give an utterance (`sift extract \"cheap samsung phone\"`) or --file FILE", file=sys.stderr)
        return 2
    if args.file and not Path(args.file).exists():
        print(f"file not found: {args.file}", file=sys.stderr)
        return 2
    extractor = load_extractor(args)
    vocab = getattr(extractor, "vocab", None)
    if args.text:
        state, warnings = _parse_state(args.state, vocab)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        _emit("1", args.text, extractor.extract(args.text, state), as_json)
        return 0
    batch: list[tuple[str, str, Filters]] = []

    def flush() -> None:
        results = extractor.extract_batch([b[1] for b in batch], [b[2] for b in batch])
        for (rid, text, _), res in zip(batch, results, strict=True):
            _emit(rid, text, res, as_json)
        batch.clear()

    for rid, text, raw_state in iter_inputs(args.file):
        state, warnings = _parse_state(raw_state, vocab)
        for w in warnings:
            print(f"warning (id {rid}): {w}", file=sys.stderr)
        batch.append((rid, text, state))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from training.train_extractor import config_from_args, main

    if not args.out:
        models_dir = getattr(args, "models_dir", None) or "models"
        args.out = str(Path(models_dir) / DEFAULT_MODEL_SUBDIR)
    metrics = main(config_from_args(args))
    summary = {k: v for k, v in metrics.items() if k not in ("dev", "test")}
    summary["test_exact_match"] = metrics["test"]["exact_match"]
    print(json.dumps(summary, indent=2))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.extraction_eval import ExtractionEvalConfig, markdown, run

    model = find_model(args)
    catalog = getattr(args, "catalog", None)
    report = run(ExtractionEvalConfig(model=model, catalog=str(catalog) if catalog else None,
                                      max_examples=args.max_examples))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2) if getattr(args, "json", False) else markdown(report))
    return 0


def register(subparsers: Any) -> None:
    """Add `extract`, `train extractor` and `eval extraction` to the shell's sub-commands."""
    p = subparsers.add_parser("extract", help="turn utterances into structured filters")
    p.add_argument("text", nargs="?", help="the utterance")
    p.add_argument("--state", default=None, help='current filter state as JSON, e.g. \'{"brand": ["Samsung"]}\'')
    p.add_argument("--file", default=None, help="one utterance per line, or JSONL with id, text, optional state")
    p.add_argument("--model", default=None, help="trained seq2seq model folder or hub id (default: models dir)")
    p.add_argument("--catalog", type=Path, default=None, help="catalog whose values filters snap to")
    p.add_argument("--json", action="store_true", help="print one JSON object per input")
    p.set_defaults(func=cmd_extract)

    train = _subcommands(subparsers, "train", "train models")
    t = train.add_parser("extractor", help="train the seq2seq filter extractor (from scratch or --base)")
    t.add_argument("--base", default=None, help="pretrained checkpoint to fine-tune, e.g. google/flan-t5-small")
    t.add_argument("--out", default=None, help="output folder (default: <models dir>/extractor)")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--epochs", type=float, default=None)
    t.add_argument("--max-minutes", type=float, default=None, dest="max_minutes")
    t.add_argument("--lr", type=float, default=None, help="peak learning rate (default 3e-3 scratch, 5e-4 --base)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--quick", action="store_true", help="a few-minute smoke run with a tiny model")
    t.add_argument("--catalog", type=Path, default=None, help="catalog to draw values from (default: demo)")
    t.set_defaults(func=cmd_train)

    ev = _subcommands(subparsers, "eval", "evaluations")
    e = ev.add_parser("extraction", help="per-field accuracy / exact match of rules vs the trained model")
    e.add_argument("--model", default=None)
    e.add_argument("--out", default=None, help="write the JSON report here")
    e.add_argument("--max-examples", type=int, default=1500, dest="max_examples")
    e.add_argument("--catalog", type=Path, default=None)
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)
