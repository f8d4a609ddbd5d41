"""`sift eval retrieval` and `sift train embedder`.

`sift/cli.py` wires them: `add_eval_retrieval(eval_subparsers)` and `add_train_embedder(train_subparsers)`.
Handlers expect `args.cache_dir` and `args.models_dir` (set by the shell) and return an exit code.

    sift train embedder --catalog ../shared/data/catalogs/amazon_us_phones.jsonl.gz
    sift eval retrieval --catalog ../shared/data/catalogs/amazon_us_phones.jsonl.gz \\
        --qrels evals/devsets/us_phones_dev.csv [--finetuned .sift/models/embedder-finetuned] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from retrieval.embedder import DEFAULT_MAX_SEQ_LENGTH, DEFAULT_MODEL
from training.train_embedder import EmbedderTrainConfig
from training.train_embedder import main as train_embedder

DEFAULT_FINETUNED = "embedder-finetuned"


def _catalogs(args: argparse.Namespace) -> list[str]:
    cat = getattr(args, "catalog", None)
    if isinstance(cat, list | tuple) and cat:
        return [str(c) for c in cat]
    if cat:
        return [str(cat)]
    settings = getattr(args, "settings", None)
    if settings is not None:
        from ..wiring import catalog_path  # lazy: the index store and demo catalog generator (~25 ms)

        return [str(catalog_path(settings))]
    raise SystemExit("no catalog given: pass --catalog FILE")


# ------------------------------------------------------------------------------------------------ train
def add_train_embedder(train_subparsers: Any) -> argparse.ArgumentParser:
    d = EmbedderTrainConfig(catalogs=["-"])
    p = train_subparsers.add_parser("embedder", help="fine-tune the product embedder on synthetic queries",
                                    description="Fine-tune a sentence-transformer on (synthetic query, product) "
                                                "pairs; held-out products are never trained on.")
    p.add_argument("--catalog", action="append", type=Path, default=None,
                   help="catalog file, repeatable (default: the demo catalog)")
    p.add_argument("--base-model", default=DEFAULT_MODEL, help="hub id or path (default: packaged all-MiniLM-L6-v2)")
    p.add_argument("--out", default=None, help=f"output folder (default: MODELS_DIR/{DEFAULT_FINETUNED})")
    p.add_argument("--max-pairs", type=int, default=d.max_pairs, help="subset size: training pairs")
    p.add_argument("--queries-per-product", type=int, default=d.queries_per_product)
    p.add_argument("--epochs", type=float, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.learning_rate)
    p.add_argument("--max-seq-length", type=int, default=d.max_seq_length)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--eval-queries", type=int, default=d.eval_queries, help="held-out queries; 0 skips the eval")
    p.add_argument("--subcategory", action="append", default=None,
                   help="train on these subcategories (default: Cell Phones + Cell Phone Accessories); '' = all")
    p.add_argument("--bf16", choices=["auto", "on", "off"], default="auto")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train_embedder)
    return p


def cmd_train_embedder(args: argparse.Namespace) -> int:
    out = args.out or str(Path(args.models_dir) / DEFAULT_FINETUNED)
    subs = args.subcategory
    cfg_kwargs: dict[str, Any] = {}
    if subs is not None:
        cfg_kwargs["subcategories"] = [s for s in subs if s]
    config = EmbedderTrainConfig(
        catalogs=_catalogs(args), output_dir=out, base_model=args.base_model, max_pairs=args.max_pairs,
        queries_per_product=args.queries_per_product, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.lr, max_seq_length=args.max_seq_length, max_steps=args.max_steps,
        eval_queries=args.eval_queries, seed=args.seed,
        bf16=None if args.bf16 == "auto" else args.bf16 == "on", **cfg_kwargs,
    )
    try:
        metrics = train_embedder(config)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        ho = metrics["held_out"]
        print(f"trained {metrics['steps']} steps on {metrics['pairs']} pairs in {metrics['timings_s'].get('train_s')} s "
              f"-> {out}")
        if ho.get("base"):
            print(f"held-out R@10: base {ho['base']['R@10']:.3f} -> fine-tuned {ho['finetuned']['R@10']:.3f} "
                  f"({ho['base']['queries']} queries over {ho['base']['products']} held-out products)")
        print(f"use it: SIFT_EMBEDDER={out} sift search ...")
    return 0


# ------------------------------------------------------------------------------------------------ eval
def add_eval_retrieval(eval_subparsers: Any) -> argparse.ArgumentParser:
    p = eval_subparsers.add_parser("retrieval", help="retrieval quality on labelled queries (paper Table 5 layout)",
                                   description="BM25, pretrained and fine-tuned embedders, with and without filters, "
                                               "hybrid fusion; P@k/R@k (k=1,2,3,5,10), MRR@10, nDCG@10, CP@k.")
    p.add_argument("--catalog", action="append", type=Path, default=None,
                   help="catalog file; repeat together with --qrels to evaluate several sets in one run")
    p.add_argument("--qrels", action="append", type=Path, required=True,
                   help="ESCI-style CSV: query_id, product_id, query[, filters]")
    p.add_argument("--pretrained", default=DEFAULT_MODEL)
    p.add_argument("--finetuned", default=None,
                   help=f"fine-tuned model path (default: MODELS_DIR/{DEFAULT_FINETUNED} if it exists)")
    p.add_argument("--filters", choices=["auto", "csv", "rules"], default="auto",
                   help="where query filters come from: the qrels column or the rule extractor (auto: the rules)")
    p.add_argument("--reranker", default=None, help="cross-encoder path or hub id for a rerank row")
    p.add_argument("--rerank-depth", type=int, default=20, help="hits the reranker reorders")
    p.add_argument("--max-seq-length", type=int, default=DEFAULT_MAX_SEQ_LENGTH,
                   help=f"word pieces per product text ({DEFAULT_MAX_SEQ_LENGTH} = what `sift search` indexes with)")
    p.add_argument("--plots", default="docs/img", help="folder for retrieval_<set>.png ('' to skip)")
    p.add_argument("--out", default=None, help="also write the JSON result here")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval_retrieval)
    return p


def cmd_eval_retrieval(args: argparse.Namespace) -> int:
    from evals.retrieval_eval import EvalConfig, evaluate, markdown, plot  # lazy: keeps start-up short

    catalogs = _catalogs(args)
    if len(catalogs) == 1 and len(args.qrels) > 1:
        catalogs = catalogs * len(args.qrels)
    if len(catalogs) != len(args.qrels):
        print("error: give one --catalog per --qrels (or a single catalog for all)", file=sys.stderr)
        return 2
    finetuned = args.finetuned
    if finetuned is None:
        cand = Path(args.models_dir) / DEFAULT_FINETUNED
        settings = getattr(args, "settings", None)
        if settings is not None and getattr(settings, "embedder", DEFAULT_MODEL) != DEFAULT_MODEL:
            finetuned = str(settings.embedder)
        elif cand.exists():
            finetuned = str(cand)
    if finetuned is None:
        print("note: no fine-tuned model (run `sift train embedder` or pass --finetuned); its rows are skipped",
              file=sys.stderr)
    results = []
    for catalog, qrels in zip(catalogs, args.qrels, strict=True):
        cfg = EvalConfig(catalog=str(catalog), qrels=str(qrels), cache_dir=str(args.cache_dir),
                         pretrained=args.pretrained, finetuned=finetuned, filters_source=args.filters,
                         reranker=args.reranker, rerank_depth=args.rerank_depth,
                         max_seq_length=args.max_seq_length)
        try:
            res = evaluate(cfg)
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.plots:
            try:
                res["plot"] = str(plot(res, Path(args.plots) / f"retrieval_{res['name']}.png"))
            except ImportError:  # matplotlib is a dev extra; the table and JSON do not need it
                print("note: matplotlib not installed, no plot written", file=sys.stderr)
        results.append(res)
        if not args.json:
            print(markdown(res) + "\n")
            for e in res["skipped_rows"][:20]:
                print(f"  {qrels} line {e['line']}: {e['reason']}", file=sys.stderr)
    out = {"datasets": results}
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2))
    if args.json:
        print(json.dumps(out, indent=2))
    return 0
