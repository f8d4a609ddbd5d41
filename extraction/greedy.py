"""Greedy decoding of the learned extractor's small decoder, laid out for serving on a CPU.

At a batch of one every decoder step multiplies one 384-wide vector by each weight matrix, so a step costs
what reading those matrices and dispatching a few dozen small ops cost, not arithmetic. This module keeps a
frozen copy of the decoder's weights transposed and contiguous (`addmm` over an (in, out) matrix instead of
`nn.Linear` over (out, in), which ran faster for one row at one thread on our AVX512-BF16 Xeon), writes the
self-attention keys/values into buffers allocated once instead of growing them with `torch.cat`, and
projects the encoder states for cross-attention once per query. Measured side by side on the extraction
eval's 100 latency queries (one thread, two runs each), the decoder's part of a query went from 11.9-13.7
to 10.6-10.7 ms (p50); its outputs are the teacher-forced decoder's argmax
(`tests/unit/test_learned_extractor.py`).

The math is `learned._Layer`'s (pre-norm causal self-attention, cross-attention, GELU MLP) in inference
form; the module reads the decoder by its attribute names and does not import it, so `learned` can build it.
A `GreedyDecoder` is a snapshot: build a new one after the decoder's weights change.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn import functional as F

Norm = tuple[torch.Tensor, torch.Tensor, float]
Proj = tuple[torch.Tensor, torch.Tensor]  # (weight as (in, out), bias)


def _proj(linear: Any) -> Proj:
    return linear.weight.detach().t().contiguous(), linear.bias.detach().clone()


def _norm(ln: Any) -> Norm:
    return ln.weight.detach().clone(), ln.bias.detach().clone(), float(ln.eps)


class GreedyDecoder:
    """A frozen, inference-only view of `learned.SmallDecoder` with a greedy loop."""

    def __init__(self, decoder: Any):
        c = decoder.config
        self.d_model, self.heads, self.max_len = c.d_model, c.n_heads, c.max_len
        self.emb = decoder.emb.weight.detach().clone()
        self.emb_t = self.emb.t().contiguous()  # tied output projection, (d_model, vocab)
        self.pos = decoder.pos.weight.detach().clone()
        self.norm = _norm(decoder.ln)
        self.layers = [{"ln1": _norm(x.ln1), "ln2": _norm(x.ln2), "ln3": _norm(x.ln3), "qkv": _proj(x.qkv),
                        "so": _proj(x.so), "q": _proj(x.q), "co": _proj(x.co), "kv": _proj(x.kv),
                        "ff1": _proj(x.ff[0]), "ff2": _proj(x.ff[2])} for x in decoder.layers]

    def _ln(self, x: torch.Tensor, n: Norm) -> torch.Tensor:
        return F.layer_norm(x, (self.d_model,), n[0], n[1], n[2])

    @torch.inference_mode()
    def run(self, enc: torch.Tensor, attention_mask: torch.Tensor, bos: int, eos: int,
            max_new_tokens: int) -> tuple[list[list[int]], list[float]]:
        """Greedy ids per row (EOS included, EOS-padded after it) and per row the lowest probability the
        decoder gave a token it chose: its confidence in the whole reading (`extraction.shadow`)."""
        enc = enc.float()
        b, n, _ = enc.shape
        h, d = self.heads, self.d_model // self.heads
        mask = attention_mask.bool()[:, None, None, :]
        mems = []
        for layer in self.layers:  # cross-attention keys/values of the encoder states, once per query
            w, bias = layer["kv"]
            kv = torch.addmm(bias, enc.reshape(b * n, -1), w).view(b, n, 2, h, d)
            mems.append((kv[:, :, 0].transpose(1, 2), kv[:, :, 1].transpose(1, 2)))
        steps = min(max_new_tokens, self.max_len - 1)
        keys = [torch.empty(b, h, steps, d) for _ in self.layers]
        values = [torch.empty(b, h, steps, d) for _ in self.layers]
        tok = torch.full((b,), bos, dtype=torch.long)
        out: list[torch.Tensor] = []
        done = torch.zeros(b, dtype=torch.bool)
        lowest = torch.ones(b)
        for step in range(steps):
            x = self.emb[tok] + self.pos[step]
            for i, layer in enumerate(self.layers):
                w, bias = layer["qkv"]
                qkv = torch.addmm(bias, self._ln(x, layer["ln1"]), w).view(b, 3, h, 1, d)
                keys[i][:, :, step], values[i][:, :, step] = qkv[:, 1, :, 0], qkv[:, 2, :, 0]
                a = F.scaled_dot_product_attention(qkv[:, 0], keys[i][:, :, :step + 1], values[i][:, :, :step + 1])
                x = x + torch.addmm(layer["so"][1], a.reshape(b, self.d_model), layer["so"][0])
                q = torch.addmm(layer["q"][1], self._ln(x, layer["ln2"]), layer["q"][0]).view(b, h, 1, d)
                a = F.scaled_dot_product_attention(q, mems[i][0], mems[i][1], attn_mask=mask)
                x = x + torch.addmm(layer["co"][1], a.reshape(b, self.d_model), layer["co"][0])
                hidden = F.gelu(torch.addmm(layer["ff1"][1], self._ln(x, layer["ln3"]), layer["ff1"][0]))
                x = x + torch.addmm(layer["ff2"][1], hidden, layer["ff2"][0])
            prob, tok = torch.softmax(self._ln(x, self.norm) @ self.emb_t, -1).max(-1)
            lowest = torch.where(done, lowest, torch.minimum(lowest, prob))
            tok = torch.where(done, torch.full_like(tok, eos), tok)
            out.append(tok)
            done |= tok == eos
            if bool(done.all()):
                break
        if not out:
            return [[] for _ in range(b)], lowest.tolist()
        return torch.stack(out, 1).tolist(), lowest.tolist()
