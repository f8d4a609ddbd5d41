"""`sift extract`, `sift train extractor`, `sift eval extraction`: the extraction domain's commands.

Arguments the shell sets on the namespace: `args.settings` (SIFT_EXTRACTOR, the models folder...) and
`args.catalog` (catalog file whose values filters snap to; the default vocabulary otherwise). Which
extractor `sift extract` runs is decided by `sift.extractor_choice` (the same function the chat and the app
use), and printed on stderr with the reason.

    $ sift extract "a cheap samsung phone with lots of reviews" --json
    {"id": "1", "text": "a cheap samsung phone ...", "filters": {"price_max": "low", ...}, "spans": {...}}
    $ sift extract --file queries.jsonl --json     # one JSON object per line in, one per line out
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.catalog import load_catalog
from retrieval.filters import Filters

from ..extractor_choice import JUDGE_SUBDIR, Choice, choose_extractor, decide, eval_command, trained_folder
from ..settings import Settings
from .common import subcommands

if TYPE_CHECKING:
    from extraction.vocabulary import Vocabulary

BATCH = 64


def _vocab(args: argparse.Namespace) -> Vocabulary:
    # lazy: gazetteers and word lists (~5 ms), only for extraction
    from extraction.vocabulary import Vocabulary

    catalog = getattr(args, "catalog", None)
    return Vocabulary.from_products(load_catalog(catalog)) if catalog else Vocabulary.default()


def load_extractor(args: argparse.Namespace) -> Choice:
    """The extractor `sift.extractor_choice` picks for these settings and `--model`, said on stderr with why."""
    choice = choose_extractor(args.settings, _vocab(args), getattr(args, "model", None))
    print(choice.line(), file=sys.stderr)
    return choice


def evaluation_candidate(settings: Settings, model: str | None = None) -> str | None:
    """The seq2seq model `sift eval extraction` compares with the rules: `--model`, a model SIFT_EXTRACTOR
    names, else the trained model in the models folder if there is one (its evaluation decides `auto`);
    None with SIFT_EXTRACTOR=rules or without a model (the rules alone are evaluated)."""
    decision = decide(settings, model)
    if decision.kind == "seq2seq":
        return decision.model
    if (settings.extractor or "auto").strip() == "rules":
        return None
    folder = trained_folder(settings)
    return str(folder) if (folder / "config.json").exists() else None


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
    opener = gzip.open if path.endswith(".gz") else open
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
    try:
        extractor = load_extractor(args).extractor
    except (ValueError, OSError) as exc:  # SIFT_EXTRACTOR=llm without SIFT_LLM, a model folder that is not one
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
    if not args.out:
        args.out = str(trained_folder(args.settings))
    design = getattr(args, "design", "t5") or "t5"
    if design != "t5" and args.base:
        print("--base fine-tunes a seq2seq checkpoint (the t5 design); drop --base or --design", file=sys.stderr)
        return 2
    if design == "t5":
        from training.train_extractor import (  # lazy: keeps other commands' start-up short
            config_from_args,
            main,
        )
    else:
        from training.train_learned import config_from_args, main  # type: ignore[assignment]  # lazy: as above
    metrics = main(config_from_args(args))
    summary = {k: v for k, v in metrics.items() if k not in ("dev", "test")}
    summary["test_exact_match"] = metrics["test"]["exact_match"]
    print(json.dumps(summary, indent=2))
    # `auto` serves a trained model only once its evaluation shows it as good as the rules.
    print(f"next: `{eval_command(Path(args.out))}`; SIFT_EXTRACTOR=auto uses the model only if it matches "
          f"or beats the rules there", file=sys.stderr)
    return 0


def cmd_train_judge(args: argparse.Namespace) -> int:
    from training.train_subcategory_judge import JudgeTrainConfig, main  # lazy: keeps start-up short

    out = args.out or str(Path(args.settings.models_dir) / JUDGE_SUBDIR)
    command = " ".join(["sift train subcategory-judge", f"--out {out}", f"--seed {args.seed}", f"--c {args.c}"])
    catalog = str(args.catalog) if getattr(args, "catalog", None) else None
    if catalog:
        command += f" --catalog {catalog}"
    metrics = main(JudgeTrainConfig(out=out, seed=args.seed, c=args.c, catalog=catalog), command=command)
    print(json.dumps(metrics, indent=2))
    print(f"next: `{eval_command(trained_folder(args.settings))}` scores the served extractor with it", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.extraction_eval import ExtractionEvalConfig, markdown, run  # lazy: keeps start-up short

    model = evaluation_candidate(args.settings, getattr(args, "model", None))
    catalog = getattr(args, "catalog", None)
    compare = dict(c.split("=", 1) for c in (getattr(args, "compare", None) or []) if "=" in c)
    judge = args.judge or str(Path(args.settings.models_dir) / JUDGE_SUBDIR)
    report = run(ExtractionEvalConfig(model=model, catalog=str(catalog) if catalog else None,
                                      max_examples=args.max_examples, compare=compare,
                                      judge=None if judge == "none" else judge))
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
    p.add_argument("--model", default=None, help="seq2seq model folder or hub id to use whatever its evaluation says "
                        "(default: SIFT_EXTRACTOR, see `sift.extractor_choice`)")
    p.add_argument("--catalog", type=Path, default=None, help="catalog whose values filters snap to")
    p.add_argument("--json", action="store_true", help="print one JSON object per input")
    p.set_defaults(func=cmd_extract)

    train = subcommands(subparsers, "train", "train models")
    t = train.add_parser("extractor", help="train the seq2seq filter extractor (from scratch or --base)")
    t.add_argument("--design", default="t5",
                   choices=["t5", "minilm-frozen", "minilm-lora", "minilm-top", "minilm-full"],
                   help="t5: a T5 from scratch or --base; minilm-*: the packaged MiniLM encoder under a small new "
                        "decoder, encoder frozen / with LoRA adapters / top layers trained / fully fine-tuned "
                        "(extraction.learned)")
    t.add_argument("--target", default=None, choices=["state", "edits"],
                   help="minilm-*: write the whole new state, or only what the turn changes (default: edits)")
    t.add_argument("--frozen-layers", type=int, default=None, dest="frozen_layers",
                   help="minilm-top: encoder layers kept as packaged (default 2; the layers above them train)")
    t.add_argument("--no-number-hints", action="store_false", default=None, dest="number_hints",
                   help="minilm-*: numbers as bare placeholders, without their value after them (as before round 4)")
    t.add_argument("--storage", default=None, choices=["fp16", "int8"],
                   help="minilm-*: trained weights on disk, fp16 or int8 rows (extraction.weight_files; default fp16)")
    t.add_argument("--threads", type=int, default=None, help="minilm-*: torch threads (default: every core)")
    t.add_argument("--base", default=None, help="pretrained checkpoint to fine-tune, e.g. google/flan-t5-small")
    t.add_argument("--out", default=None, help="output folder (default: <models dir>/extractor)")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--epochs", type=float, default=None)
    t.add_argument("--max-minutes", type=float, default=None, dest="max_minutes")
    t.add_argument("--lr", type=float, default=None, help="peak learning rate (default 3e-3 scratch, 5e-4 --base)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--silver-lines", type=int, default=None, dest="silver_lines",
                   help="minilm-*: add this many real WebShop lines labelled by the rule extractor")
    t.add_argument("--n-single", type=int, default=None, dest="n_single",
                   help="minilm-*: synthetic single-turn examples to generate (default 40000)")
    t.add_argument("--n-multi", type=int, default=None, dest="n_multi",
                   help="minilm-*: synthetic refinement turns to generate (default 60000)")
    t.add_argument("--quick", action="store_true", help="a few-minute smoke run with a tiny model")
    t.add_argument("--catalog", type=Path, default=None, help="catalog to draw values from (default: demo)")
    t.set_defaults(func=cmd_train)

    j = train.add_parser("subcategory-judge", help="train the learned subcategory judge (a head over the packaged "
                         "MiniLM) from the real catalogs and WebShop lines in ../shared/data")
    j.add_argument("--out", default=None, help="output folder (default: <models dir>/subcategory_judge)")
    j.add_argument("--seed", type=int, default=13)
    j.add_argument("--c", type=float, default=4.0, help="inverse L2 strength of the logistic head")
    j.add_argument("--catalog", type=Path, default=None, help="the serving catalog, whose products it learns too "
                   "(default: demo)")
    j.set_defaults(func=cmd_train_judge)

    ev = subcommands(subparsers, "eval", "evaluations")
    e = ev.add_parser("extraction", help="per-field accuracy / exact match of rules vs the trained model")
    e.add_argument("--model", default=None,
                   help="seq2seq model to compare with the rules (default: the trained model in the models dir)")
    e.add_argument("--out", default=None, help="write the JSON report here")
    e.add_argument("--compare", action="append", default=None, metavar="NAME=PATH",
                   help="another trained model to add as a column (repeatable), e.g. minilm-lora=/tmp/lora")
    e.add_argument("--judge", default=None, help="subcategory judge folder served behind the cascade column, or "
                   "'none' (default: <models dir>/subcategory_judge when it exists)")
    e.add_argument("--max-examples", type=int, default=1500, dest="max_examples")
    e.add_argument("--catalog", type=Path, default=None)
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)
