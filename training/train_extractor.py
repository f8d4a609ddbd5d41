"""Train the seq2seq filter extractor: fine-tune a pretrained checkpoint, or train a small T5 from scratch.

Steps run inside `main(config)` so tests and the CLI (`sift train extractor`) import them; the output folder gets the model and
tokenizer (Hugging Face format, loadable with `Seq2SeqExtractor.load`), `train_config.json` (this
config; `config.json` is the model's own) and `metrics.json`.

    >>> metrics = main(TrainExtractorConfig(out_dir="models/extractor"))      # doctest: +SKIP
    >>> metrics["test"]["exact_match"]                                       # doctest: +SKIP
    0.97

From scratch (no pretrained weights on the machine), the default config trains a ~1.5M-parameter
T5 (gated-gelu like Flan-T5, d_model 128, 3+2 layers) with a Unigram tokenizer trained on the
synthetic data, catalog titles and real shopper instructions; it stops at `max_minutes` whatever the
step count, with the learning-rate schedule following whichever of steps/time runs out first.
Numbers are delexicalised (`extraction.numbers`: "$1,200" -> `$n0`, target `price_max=n0`), so the
model copies a placeholder instead of a digit string; `train_config.json` records it for `load`.
`--base google/flan-t5-small` (or any local path) fine-tunes instead.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    PreTrainedTokenizerFast,
    T5Config,
    T5ForConditionalGeneration,
)

from extraction.edits import format_edits
from extraction.seq2seq import Seq2SeqExtractor, snap_target
from extraction.serialize import encode_input, encode_typed, format_input, format_state
from extraction.vocabulary import Vocabulary
from retrieval.catalog import load_catalog
from training.synth import (
    Example,
    SynthConfig,
    SynthVocab,
    demo_products,
    generate_dialogues,
    generate_examples,
    load_vocab,
    split_by_family,
    write_jsonl,
)


def shared_data(relative: str) -> str:
    """A file of the shared data folder: `../shared/data` beside the checkout (as CI has it), else the
    machine-wide `/work/shared/data`; the first path when neither has it (callers report it missing)."""
    candidates = [Path(__file__).resolve().parents[2] / "shared" / "data" / relative,
                  Path("/work/shared/data") / relative]
    return str(next((c for c in candidates if c.exists()), candidates[0]))


# Real WebShop shopper instructions (silver lines for training, an unlabelled smoke test in evals).
WEBSHOP_TEXT = shared_data("queries/webshop_human_instructions.txt.gz")


@dataclass
class TrainExtractorConfig:
    out_dir: str = "models/extractor"
    base: str | None = None  # None: tokenizer + model from scratch; else a hub id or local checkpoint
    catalog: str | None = None  # None: the built-in demo catalog
    seed: int = 13
    n_single: int = 40000
    n_multi: int = 40000
    # model (from scratch)
    # Sized for a shared 2-core CPU: measured ~1 s per batch of 48 here; a 256-wide 4+4-layer T5 (9M)
    # took 3-30 s per step on the same box, far too slow to train within half an hour.
    vocab_size: int = 2000
    d_model: int = 128
    d_ff: int = 384
    num_layers: int = 3
    num_decoder_layers: int = 2
    num_heads: int = 4
    d_kv: int = 32
    dropout: float = 0.0
    # Numbers -> placeholders n0, n1, ... in input and target (`extraction.numbers`): the model copies a
    # placeholder instead of a digit string (the previous digit-copying model miscopied 800 -> 80).
    delexicalise: bool = True
    # Catalog brands/colors/carriers -> typed placeholders b0/c0/k0 before their words (`extraction.entities`):
    # the model picks which entity goes where instead of learning to spell (and snap) every brand, and a
    # model trained on one catalog can write the brands of another.
    entities: bool = True
    # optimisation
    batch_size: int = 48
    max_steps: int = 4000
    epochs: float | None = None  # if set, max_steps = epochs * len(train) / batch_size
    lr: float | None = None  # None: 3e-3 from scratch, 5e-4 for a pretrained base
    warmup_steps: int = 200
    weight_decay: float = 0.01
    max_minutes: float = 24.0
    max_input_tokens: int = 96
    max_target_tokens: int = 64
    # One thread: with other jobs on the 2 cores, OpenMP's two-thread barriers made steps 5-10x slower.
    threads: int = 1
    # evaluation
    eval_examples: int = 800
    log_every: int = 100
    tokenizer_text: list[str] = field(default_factory=lambda: [WEBSHOP_TEXT])
    save_data: bool = True
    n_dialogues_saved: int = 300

    @classmethod
    def quick(cls, out_dir: str, **kw: Any) -> TrainExtractorConfig:
        """A minutes-long run for smoke tests: small data, small model, few steps."""
        base = dict(out_dir=out_dir, n_single=1500, n_multi=1500, vocab_size=800, d_model=64, d_ff=128, num_layers=2,
                    num_decoder_layers=2, num_heads=2, d_kv=32, max_steps=200, max_minutes=3.0, eval_examples=200,
                    batch_size=32, warmup_steps=20, tokenizer_text=[])
        base.update(kw)
        return cls(**base)


def _log(msg: str) -> None:
    print(f"[train-extractor {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------------------------------------------ tokenizer
def encode_pair(ex: Example, delexicalise: bool = True, vocab: Any = None, edits: bool = False,
                number_hints: bool = False) -> tuple[str, str]:
    """(model input, target) for one example; numbers as placeholders when `delexicalise`, and catalog
    entities too when an extraction `Vocabulary` is given (`number_hints`: each placeholder followed by
    its value); with `edits`, the target is what the turn changes (`extraction.edits`, needs `vocab`)
    instead of the whole new state."""
    if not delexicalise:
        return format_input(ex.utterance, ex.input_state), format_state(ex.target_state, ex.moves, ex.reset)
    if vocab is not None:
        text, numbers, entities = encode_typed(ex.utterance, ex.input_state, vocab, number_hints)
        if edits:
            return text, format_edits(ex.input_state, ex.target_state, ex.moves, ex.reset, numbers=numbers,
                                      entities=entities)
        return text, format_state(ex.target_state, ex.moves, ex.reset, numbers=numbers, entities=entities)
    text, numbers = encode_input(ex.utterance, ex.input_state)
    return text, format_state(ex.target_state, ex.moves, ex.reset, numbers=numbers)


def tokenizer_corpus(train: Sequence[Example], vocab: SynthVocab, extra_files: Sequence[str] = (),
                     products: Sequence[Any] = (), delexicalise: bool = True,
                     pairs: Sequence[tuple[str, str]] | None = None) -> Iterator[str]:
    for a, b in pairs if pairs is not None else (encode_pair(ex, delexicalise) for ex in train):
        yield a
        yield b
    for p in products:
        yield p.title
    yield " ".join(vocab.phone_brands + vocab.accessory_brands + list(vocab.colors) + vocab.carriers)
    for path in extra_files:
        try:
            opener = gzip.open if str(path).endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    yield line.strip()
        except OSError:
            _log(f"tokenizer text {path} not found; skipped")


def train_tokenizer(corpus: Iterator[str], vocab_size: int) -> Any:
    """A Unigram tokenizer like T5's (pad=0, eos=1, unk=2), digits split one by one so numbers copy well."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always"),
        pre_tokenizers.Digits(individual_digits=True),
    ])
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"],
                                      unk_token="<unk>", max_piece_length=16, show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                       special_tokens=[("</s>", tok.token_to_id("</s>"))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   model_max_length=512)


# ------------------------------------------------------------------------------------------------ model
def build_model(cfg: TrainExtractorConfig, tokenizer: Any) -> Any:
    config = T5Config(
        vocab_size=len(tokenizer), d_model=cfg.d_model, d_ff=cfg.d_ff, d_kv=cfg.d_kv, num_layers=cfg.num_layers,
        num_decoder_layers=cfg.num_decoder_layers, num_heads=cfg.num_heads, dropout_rate=cfg.dropout,
        # Tied embeddings (as in the original T5) rescale the decoder output by d_model**-0.5: the first
        # loss is ~log(vocab) instead of ~40 with untied random heads, and it saves vocab*d_model weights.
        feed_forward_proj="gated-gelu", tie_word_embeddings=True, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
        relative_attention_num_buckets=32, relative_attention_max_distance=128,
    )
    return T5ForConditionalGeneration(config)


# ------------------------------------------------------------------------------------------------ evaluation
def exact_match(extractor: Any, examples: Sequence[Example], vocab: Any = None) -> dict[str, Any]:
    """State + moves exact match of a `Seq2SeqExtractor` (before moves are applied), and per-field accuracy."""
    preds = extractor.predict_raw([e.utterance for e in examples], [e.input_state for e in examples])
    hits = 0
    field_hits: dict[str, int] = {}
    errors = []
    for ex, pred in zip(examples, preds, strict=True):
        gold, _ = snap_target(extractor.vocab, ex.target_state.active())
        ok = pred.state == gold and sorted(pred.moves) == sorted(ex.moves)
        hits += ok
        for name in type(gold).model_fields:
            field_hits[name] = field_hits.get(name, 0) + (getattr(pred.state, name) == getattr(gold, name))
        if not ok and len(errors) < 25:
            errors.append({"utterance": ex.utterance, "state": ex.input_state.active(), "family": ex.family,
                           "gold": format_state(gold, ex.moves, ex.reset), "pred": pred.text})
    n = max(len(examples), 1)
    return {"n": len(examples), "exact_match": hits / n,
            "field_accuracy": {k: v / n for k, v in field_hits.items()}, "errors": errors}


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """Endless shuffled batches of similar input length (less padding = less CPU per example)."""
    n = len(lengths)
    while True:
        order = list(range(n))
        rng.shuffle(order)
        batches = []
        pool = batch_size * 50
        for j in range(0, n, pool):
            chunk = sorted(order[j:j + pool], key=lambda i: lengths[i])
            batches += [chunk[i:i + batch_size] for i in range(0, len(chunk) - batch_size + 1, batch_size)]
        rng.shuffle(batches)
        yield from batches


def main(config: TrainExtractorConfig) -> dict[str, Any]:
    torch.set_flush_denormal(True)  # gated-gelu T5 on CPU is ~4x slower with denormals
    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()

    # 1. data: synthetic examples from the catalog, split by template family (test families unseen)
    if config.catalog:
        products = load_catalog(config.catalog)
    else:
        products = demo_products()
    vocab = load_vocab(products=products)
    synth = SynthConfig(n_single=config.n_single, n_multi=config.n_multi, seed=config.seed, catalog=config.catalog)
    examples = generate_examples(synth, vocab)
    splits = split_by_family(examples, seed=config.seed)
    train, dev, test = splits["train"], splits["dev"], splits["test"]
    _log(f"data: {len(train)} train / {len(dev)} dev / {len(test)} test examples "
         f"({len({e.family for e in train})} / {len({e.family for e in dev})} / {len({e.family for e in test})} families)")
    if config.save_data:
        for name, exs in splits.items():
            write_jsonl(exs, out / "data" / f"{name}.jsonl")
        dialogues = generate_dialogues(SynthConfig(n_dialogues=config.n_dialogues_saved, seed=config.seed), vocab)
        write_jsonl([t for d in dialogues for t in d], out / "data" / "dialogues.jsonl")

    # 2. tokenizer (on the model's own input/target text)
    ex_vocab = Vocabulary.from_products(products)
    pairs = [encode_pair(e, config.delexicalise, ex_vocab if config.entities else None) for e in train]
    if config.base:
        tokenizer = AutoTokenizer.from_pretrained(config.base)
    else:
        tokenizer = train_tokenizer(tokenizer_corpus(train, vocab, config.tokenizer_text, products, config.delexicalise,
                                                     pairs), config.vocab_size)
    _log(f"tokenizer: {len(tokenizer)} pieces")

    # 3. model
    if config.base:
        model = AutoModelForSeq2SeqLM.from_pretrained(config.base)
    else:
        model = build_model(config, tokenizer)
    n_params = sum(p.numel() for p in model.parameters())
    _log(f"model: {n_params / 1e6:.2f}M parameters ({'fine-tune ' + config.base if config.base else 'from scratch'})")

    # 4. train: teacher forcing, AdamW, warmup then cosine over max(step progress, time progress)
    inputs = [a for a, _ in pairs]
    targets = [b for _, b in pairs]
    enc_in = tokenizer(inputs, truncation=True, max_length=config.max_input_tokens)["input_ids"]
    enc_out = tokenizer(targets, truncation=True, max_length=config.max_target_tokens)["input_ids"]
    pad = tokenizer.pad_token_id
    max_steps = config.max_steps
    if config.epochs:
        max_steps = max(1, int(config.epochs * len(train) / config.batch_size))
    lr = config.lr or (5e-4 if config.base else 3e-3)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "layer_norm" in name else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.98), eps=1e-8)
    budget_s = config.max_minutes * 60
    rng = random.Random(config.seed)
    model.train()
    t_train = time.time()
    step = n_tok = 0
    losses: list[float] = []
    lengths = [len(a) + len(b) for a, b in zip(enc_in, enc_out, strict=True)]
    for idx in length_batches(lengths, min(config.batch_size, len(train)), rng):
        elapsed = time.time() - t_train
        progress = max(step / max_steps, elapsed / budget_s)
        if progress >= 1.0:
            break
        warm = min(1.0, (step + 1) / max(config.warmup_steps, 1))
        cur_lr = lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = cur_lr
        li = max(len(enc_in[i]) for i in idx)
        lo = max(len(enc_out[i]) for i in idx)
        x = torch.full((len(idx), li), pad, dtype=torch.long)
        y = torch.full((len(idx), lo), -100, dtype=torch.long)
        for r, i in enumerate(idx):
            x[r, :len(enc_in[i])] = torch.tensor(enc_in[i])
            y[r, :len(enc_out[i])] = torch.tensor(enc_out[i])
        loss = model(input_ids=x, attention_mask=(x != pad).long(), labels=y).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        n_tok += int(x.numel() + y.numel())
        if step % config.log_every == 0:
            _log(f"step {step} {n_tok / (time.time() - t_train):.0f} tok/s loss {sum(losses[-config.log_every:]) / config.log_every:.4f} lr {cur_lr:.2e} "
                 f"{step / (time.time() - t_train):.2f} steps/s")
    train_s = time.time() - t_train
    _log(f"trained {step} steps in {train_s / 60:.1f} min (final loss {sum(losses[-50:]) / max(len(losses[-50:]), 1):.4f})")

    # 5. evaluate on dev and held-out test families (exact match of state + moves)
    model.eval()
    extractor = Seq2SeqExtractor(model, tokenizer, vocab=ex_vocab, max_new_tokens=config.max_target_tokens,
                                 max_input_tokens=config.max_input_tokens, batch_size=64,
                                 delexicalise=config.delexicalise, entities=config.entities and config.delexicalise)
    erng = random.Random(config.seed + 7)
    dev_eval = exact_match(extractor, erng.sample(dev, min(len(dev), config.eval_examples // 2)))
    test_eval = exact_match(extractor, erng.sample(test, min(len(test), config.eval_examples)))
    _log(f"dev EM {dev_eval['exact_match']:.4f}  test (unseen families) EM {test_eval['exact_match']:.4f}")

    # 6. save model, tokenizer, training config, metrics
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "train_config.json").write_text(json.dumps(asdict(config), indent=2) + "\n")
    metrics = {"train_steps": step, "train_minutes": round(train_s / 60, 2), "total_minutes": round((time.time() - t_start) / 60, 2),
               "final_loss": sum(losses[-50:]) / max(len(losses[-50:]), 1), "parameters": n_params,
               "n_train": len(train), "n_dev": len(dev), "n_test": len(test), "dev": dev_eval, "test": test_eval}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    _log(f"saved to {out}")
    return metrics


def config_from_args(args: Any) -> TrainExtractorConfig:
    catalog = getattr(args, "catalog", None)
    kw: dict[str, Any] = {"out_dir": str(args.out), "base": args.base, "catalog": str(catalog) if catalog else None,
                          "seed": args.seed}
    if getattr(args, "steps", None):
        kw["max_steps"] = args.steps
    if getattr(args, "epochs", None):
        kw["epochs"] = args.epochs
    if getattr(args, "max_minutes", None):
        kw["max_minutes"] = args.max_minutes
    if getattr(args, "lr", None):
        kw["lr"] = args.lr
    return TrainExtractorConfig.quick(**kw) if getattr(args, "quick", False) else TrainExtractorConfig(**kw)

