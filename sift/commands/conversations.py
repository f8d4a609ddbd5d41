"""`sift eval conversations`: replay the committed scripted conversations and score every turn.

    sift eval conversations [--data tests/data/conversations] [--out report.json] [--json]
    sift eval conversations --bench CATALOG [--bench-model MODEL]     # also per-turn latency on a real catalog
    sift eval conversations --catalog-sets [evals/conversations] [--split test]   # real catalogs, scored from rows

The evaluation itself lives in `evals/conversation_eval.py`; this module reads the arguments and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def cmd_eval_conversations(args: argparse.Namespace) -> int:
    # lazy: the agent under evaluation loads LangChain + LangGraph (~1 s); other commands start without them
    from evals.catalog_conversations import set_files  # lazy: with the evaluation above
    from evals.conversation_eval import (
        DEFAULT_DATA,
        benchmark_latency,
        known_misses,
        load_conversations,
        markdown,
        rule_extractor,
        run,
    )

    data = args.data or DEFAULT_DATA
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="sift-eval-"))
    workdir.mkdir(parents=True, exist_ok=True)
    # --data naming catalog-scored sets runs them too (auto-detected by their header line).
    sets_path = args.catalog_sets or (args.data if args.data and set_files(args.data) else None)
    try:
        conversations = load_conversations(data)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    catalog_sets = _catalog_sets(sets_path, args) if sets_path else None
    if catalog_sets is not None and "error" in catalog_sets:
        print(f"error: {catalog_sets['error']}", file=sys.stderr)
        return 2
    if not conversations and catalog_sets is not None:  # only catalog-scored sets were named
        return _print_catalog_sets(catalog_sets, args)
    agent, baseline = run(data, workdir)
    bench = None
    if args.bench:
        import torch  # lazy: ~1 s to import, only for the latency benchmark

        from retrieval.store import BuildOptions, open_engine  # lazy: the index store, only for --bench

        settings = getattr(args, "settings", None)
        torch.set_num_threads(settings.torch_threads if settings else 1)  # as the app serves (see Settings)
        cache = Path(args.bench_cache or (settings.cache_dir if settings else workdir / "index"))
        model = settings.embedder if settings else BuildOptions().model
        engine = open_engine(args.bench, cache, BuildOptions(model=model, show_progress=False))
        scripts = [[t["user"] for t in c["turns"]] for c in conversations]
        bench = benchmark_latency(engine, rule_extractor(engine), scripts, workdir, repeats=args.repeats)
        if args.bench_model:
            # The same turns with the named seq2seq model (an evaluation of that model, not the served choice).
            from extraction.seq2seq import Seq2SeqExtractor  # lazy: only with --bench-model
            from extraction.vocabulary import Vocabulary  # lazy: only with --bench-model

            s2s = Seq2SeqExtractor.load(str(args.bench_model), vocab=Vocabulary.from_products(engine.products),
                                        device="cpu")
            bench["seq2seq"] = benchmark_latency(engine, s2s, scripts, workdir, repeats=args.repeats)
            bench["seq2seq"]["model"] = str(args.bench_model)
    out = {"agent": agent.summary(), "baseline": baseline.summary(), "known_misses": known_misses(conversations),
           "failures": agent.failures(), "latency": bench}
    if catalog_sets is not None:
        out["catalog_sets"] = catalog_sets
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        print(markdown([agent, baseline], bench))
        fails = agent.failures()
        if fails:
            print(f"\n{len(fails)} turns differ from the expected state or fail a check:")
            for f in fails[:20]:
                print(f"  {f['conversation']} #{f['turn']} {f['user']!r}: diff {f['diff']} "
                      f"violations {f['violations']} checks {f['checks_failed']}")
        if catalog_sets is not None:
            _print_catalog_sets(catalog_sets, args, markdown_only=True)
    # Constraint satisfaction is a hard guarantee: any violation fails the command.
    return 1 if agent.satisfaction < 1.0 else 0


def _catalog_sets(path: Path, args: argparse.Namespace) -> dict:
    """Run the catalog-scored sets at `path`: one cached index per catalog (built once, under the index cache)."""
    from agent.assistant import Assistant  # lazy: LangChain + LangGraph, only for an evaluation
    from evals.catalog_conversations import SPLITS, run_sets  # lazy: as above
    from evals.conversation_eval import rule_extractor  # lazy: as above
    from retrieval.store import BuildOptions, open_engine  # lazy: the index store, only for real catalogs
    from tools.describe import set_currency  # lazy: with the assistant above

    settings = getattr(args, "settings", None)
    cache = Path(args.bench_cache or (settings.cache_dir if settings else Path(".sift") / "index"))
    model = settings.embedder if settings else BuildOptions().model

    def open_assistant(catalog: Path):
        engine = open_engine(catalog, cache, BuildOptions(model=model, show_progress=False))
        opened = engine.manifest.get("opened", {})
        print(f"{catalog.name}: index {opened.get('action')} in {opened.get('seconds')} s ({opened.get('reason')})",
              file=sys.stderr)
        set_currency(engine.table.currency)  # prices print as that shop prints them (sets run one catalog at a time)
        return Assistant(engine, rule_extractor(engine))

    splits = SPLITS if args.split == "all" else (args.split,)
    try:
        return run_sets(path, open_assistant, splits, log=lambda m: print(m, file=sys.stderr))
    except (OSError, ValueError) as exc:
        return {"error": str(exc)}


def _print_catalog_sets(summary: dict, args: argparse.Namespace, markdown_only: bool = False) -> int:
    from evals.catalog_conversations import markdown  # lazy: with the evaluation

    if args.json and not markdown_only:
        if args.out:
            Path(args.out).write_text(json.dumps({"catalog_sets": summary}, indent=2, ensure_ascii=False))
        sys.stdout.write(json.dumps({"catalog_sets": summary}, ensure_ascii=False) + "\n")
        return 0
    if args.out and not markdown_only:
        Path(args.out).write_text(json.dumps({"catalog_sets": summary}, indent=2, ensure_ascii=False))
    print("\nCatalog-scored conversations (checks read the catalog rows, not Sift's filters):")
    print(markdown(summary))
    for s in summary["skipped"]:
        print(f"skipped {s['file']}: {s['reason']}")
    fails = summary["failures"]
    if fails:
        print(f"\n{len(fails)} turns fail:")
        for f in fails[:40]:
            print(f"  [{f['class']}] {f['conversation']} #{f['turn']} {f['user']!r}: {'; '.join(f['failures'])}")
    return 0


def add_eval_conversations(eval_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `conversations` to the `eval` group."""
    p = eval_subparsers.add_parser("conversations", help="replay scripted conversations: state accuracy per turn, "
                                                         "constraint satisfaction of shown products, latency")
    p.add_argument("--data", type=Path, default=None,
                   help="a conversations .jsonl file or a folder of them (default: tests/data/conversations)")
    p.add_argument("--workdir", type=Path, default=None, help="where the demo catalog and its index go (default: tmp)")
    p.add_argument("--out", type=Path, default=None, help="write the full JSON report here")
    p.add_argument("--json", action="store_true", help="print the JSON report instead of Markdown")
    p.add_argument("--bench", type=Path, default=None, metavar="CATALOG",
                   help="also measure per-turn latency on this catalog (real embedder, cached index)")
    p.add_argument("--bench-cache", type=Path, default=None, help="index cache folder for --bench and --catalog-sets (default: the settings' cache)")
    p.add_argument("--bench-model", type=Path, default=None, metavar="MODEL",
                   help="also measure the per-turn latency with this trained seq2seq extractor")
    p.add_argument("--repeats", type=int, default=3, help="benchmark passes over all conversations")
    p.add_argument("--catalog-sets", type=Path, nargs="?", default=None, metavar="PATH",
                   const=Path(__file__).resolve().parents[2] / "evals" / "conversations",
                   help="also run the catalog-scored conversation sets at PATH (default evals/conversations): real "
                        "catalogs, every shown product checked against its catalog row; report under 'catalog_sets'")
    p.add_argument("--split", choices=("dev", "test", "all"), default="all",
                   help="which split of the catalog-scored sets to run (default: both, reported separately)")
    p.set_defaults(func=cmd_eval_conversations)
    return p
