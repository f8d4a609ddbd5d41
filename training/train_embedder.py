"""Fine-tune the product embedder on synthetic (query, product text) pairs, as the paper does.

Numbered steps inside an importable `main(config)`: 1. products and the held-out split, 2. synthetic
queries, 3. model, 4. loss (MultipleNegativesRankingLoss: in-batch negatives), 5. trainer with the
NO_DUPLICATES batch sampler (no product twice in a batch, else its own positive is a "negative"),
6. held-out evaluation of the base and the fine-tuned model, 7. save model + config + metrics.

Held-out products (`training.product_queries.is_held_out`, by hash of the product's model group)
never enter training; the dev sets of `evals/devsets.py` draw their queries from them.

CPU defaults (2 cores, AVX2): 2,048 pairs, batch 32 (64 steps), 1 epoch, max_seq_length 96.
bf16 only where the CPU has native bf16 (AVX512-BF16 / AMX); on AVX2 it is emulated and slower.

    >>> cfg = EmbedderTrainConfig(catalogs=["catalog.jsonl.gz"], output_dir="models/embedder")  # doctest: +SKIP
    >>> metrics = main(cfg)                                                                      # doctest: +SKIP
    >>> metrics["held_out"]["finetuned"]["R@10"] > metrics["held_out"]["base"]["R@10"]           # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from evals.metrics import macro_average, query_metrics
from retrieval.catalog import LoadReport, Product, load_catalog
from retrieval.embedder import DEFAULT_MODEL, product_text, resolve_model_path
from retrieval.filters import ACCESSORIES, PHONES
from training.product_queries import HELD_OUT_FRACTION, TemplateQueryGenerator, split_products

log = logging.getLogger(__name__)


class EmbedderTrainConfig(BaseModel):
    """Everything a run depends on; written next to the model as `train_config.json`."""

    model_config = ConfigDict(extra="forbid")

    catalogs: list[str] = Field(..., description="Catalog files (any format `load_catalog` reads).")
    output_dir: str = "models/embedder-finetuned"
    base_model: str = DEFAULT_MODEL
    subcategories: list[str] = Field(default_factory=lambda: [PHONES, ACCESSORIES],
                                     description="Only products of these subcategories; [] for all.")
    max_pairs: int = 2048  # subset size: (query, product) pairs used for training
    queries_per_product: int = 3
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    max_seq_length: int = 96  # word pieces per product text in training; the title and first bullets
    max_steps: int = -1  # > 0 overrides epochs (tests use 2)
    held_out_fraction: float = HELD_OUT_FRACTION
    eval_queries: int = 200  # held-out queries for the before/after comparison; 0 skips it
    eval_products: int = 500
    seed: int = 13
    bf16: bool | None = None  # None: auto (native bf16 CPUs or CUDA only)
    device: str | None = None


def bf16_supported() -> bool:
    """Native bf16 only: CUDA with bf16, or a CPU whose capability names AVX512 (BF16/AMX-class)."""
    import torch  # lazy: ~1 s; `sift --help` imports this module for its defaults

    if torch.cuda.is_available():
        return bool(torch.cuda.is_bf16_supported())
    cap = str(torch.backends.cpu.get_cpu_capability()).upper()
    return "AVX512" in cap or "AMX" in cap


def load_products(config: EmbedderTrainConfig) -> list[Product]:
    products: list[Product] = []
    wanted = set(config.subcategories)
    for path in config.catalogs:
        report = LoadReport()
        items = load_catalog(path, report=report)
        if report.skipped:
            log.warning("%s", report.summary())
        products += [p for p in items if not wanted or p.subcategory in wanted]
    seen: set[str] = set()
    unique = [p for p in products if not (p.id in seen or seen.add(p.id))]  # type: ignore[func-returns-value]
    if not unique:
        raise ValueError(f"no product of subcategories {sorted(wanted)} in {config.catalogs}; "
                         "pass --subcategory '' to use every product")
    return unique


def build_pairs(products: list[Product], config: EmbedderTrainConfig) -> tuple[list[str], list[str], list[str]]:
    """(anchor queries, positive product texts, product ids), at most `max_pairs`, shuffled."""
    gen = TemplateQueryGenerator(seed=config.seed, per_product=config.queries_per_product)
    rng = random.Random(config.seed)
    order = list(products)
    rng.shuffle(order)
    # Spread the budget over as many products as possible: a few queries each beats many for few.
    n_products = min(len(order), max(1, config.max_pairs // max(1, config.queries_per_product)))
    anchors, positives, ids = [], [], []
    for p in order[:n_products]:
        text = product_text(p)
        for q in gen.generate(p):
            anchors.append(q.text)
            positives.append(text)
            ids.append(p.id)
    idx = list(range(len(anchors)))
    rng.shuffle(idx)
    idx = idx[: config.max_pairs]
    return [anchors[i] for i in idx], [positives[i] for i in idx], [ids[i] for i in idx]


def heldout_eval(model: Any, held_out: list[Product], config: EmbedderTrainConfig) -> dict[str, float]:
    """R@1/R@10/MRR@10 of template queries against held-out products only (the model never saw them)."""
    rng = random.Random(config.seed + 1)
    prods = list(held_out)
    rng.shuffle(prods)
    prods = prods[: config.eval_products]
    # A different seed from training, so the eval queries are not the training queries of these products.
    gen = TemplateQueryGenerator(seed=config.seed + 1000, per_product=1)
    queries = [q for p in prods for q in gen.generate(p)]
    rng.shuffle(queries)
    queries = queries[: config.eval_queries]
    if not queries:
        return {}
    pvec = model.encode([product_text(p) for p in prods], batch_size=64, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=False)
    qvec = model.encode([q.text for q in queries], batch_size=64, normalize_embeddings=True,
                        convert_to_numpy=True, show_progress_bar=False)
    sims = qvec @ pvec.T
    top = np.argsort(-sims, axis=1)[:, :10]
    rows = [query_metrics([prods[j].id for j in top[i]], {q.product_id}, ks=(1, 10)) for i, q in enumerate(queries)]
    avg = macro_average(rows)
    return {"R@1": round(avg["R@1"], 4), "R@10": round(avg["R@10"], 4), "MRR@10": round(avg["MRR@10"], 4),
            "queries": len(queries), "products": len(prods)}


def main(config: EmbedderTrainConfig) -> dict[str, Any]:
    """Train, evaluate on held-out products, save. Returns the metrics written to `metrics.json`."""
    # lazy: torch, datasets and sentence-transformers take ~4 s; `sift --help` imports this module for its defaults
    import torch
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers

    torch.set_flush_denormal(True)
    torch.manual_seed(config.seed)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    # 1. Products and the held-out split (shared with evals/devsets.py).
    products = load_products(config)
    train_products, held_out = split_products(products, config.held_out_fraction)
    log.info("%d products: %d for training, %d held out", len(products), len(train_products), len(held_out))

    # 2. Synthetic (query, product text) pairs from training products only.
    anchors, positives, pair_ids = build_pairs(train_products, config)
    if not anchors:
        raise ValueError("no training pair could be generated; is the catalog empty after filtering?")
    train_dataset = Dataset.from_dict({"anchor": anchors, "positive": positives})
    timings["data_s"] = time.perf_counter() - t0

    # 3. Model.
    model = SentenceTransformer(resolve_model_path(config.base_model), device=config.device or "cpu")
    model.max_seq_length = config.max_seq_length
    base_metrics = heldout_eval(model, held_out, config) if config.eval_queries else {}
    timings["eval_base_s"] = time.perf_counter() - t0 - timings["data_s"]

    # 4. Loss: in-batch negatives; every other product of the batch is a negative for a query.
    loss = MultipleNegativesRankingLoss(model)

    # 5. Trainer.
    bf16 = bf16_supported() if config.bf16 is None else config.bf16
    batch_size = max(2, min(config.batch_size, len(anchors)))
    args = SentenceTransformerTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_ratio,  # a float < 1 is a ratio in sentence-transformers 6
        bf16=bf16,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        logging_steps=max(1, len(anchors) // batch_size // 10),
        report_to="none",
        seed=config.seed,
        dataloader_drop_last=False,
        use_cpu=(config.device or "cpu") == "cpu",
    )
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=train_dataset, loss=loss)
    t_train = time.perf_counter()
    result = trainer.train()
    timings["train_s"] = time.perf_counter() - t_train

    # 6. Held-out evaluation, same queries and products as for the base model.
    t_eval = time.perf_counter()
    tuned_metrics = heldout_eval(model, held_out, config) if config.eval_queries else {}
    timings["eval_finetuned_s"] = time.perf_counter() - t_eval

    # 7. Save model, config, metrics.
    model.save(str(out))
    metrics = {
        "base_model": config.base_model,
        "products": len(products), "train_products": len(train_products), "held_out_products": len(held_out),
        "pairs": len(anchors), "pair_products": len(set(pair_ids)), "steps": int(result.global_step),
        "train_loss": round(float(result.training_loss), 4), "bf16": bf16,
        "held_out": {"base": base_metrics, "finetuned": tuned_metrics},
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - t0, 1),
    }
    (out / "train_config.json").write_text(config.model_dump_json(indent=2))
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    return metrics
