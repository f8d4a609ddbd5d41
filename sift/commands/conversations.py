"""`sift eval conversations`: replay the committed scripted conversations and score every turn.

    sift eval conversations [--data tests/data/conversations] [--out report.json] [--json]
    sift eval conversations --bench CATALOG [--bench-model MODEL]     # also per-turn latency on a real catalog

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
    try:
        conversations = load_conversations(data)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
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
    # Constraint satisfaction is a hard guarantee: any violation fails the command.
    return 1 if agent.satisfaction < 1.0 else 0


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
    p.add_argument("--bench-cache", type=Path, default=None, help="index cache folder for --bench")
    p.add_argument("--bench-model", type=Path, default=None, metavar="MODEL",
                   help="also measure the per-turn latency with this trained seq2seq extractor")
    p.add_argument("--repeats", type=int, default=3, help="benchmark passes over all conversations")
    p.set_defaults(func=cmd_eval_conversations)
    return p
