"""Trained weights on disk: fp16, or int8 with one scale per row, so a trained part fits a commit.

A minilm-top model trains about 11M parameters (22 MB in fp16); the project commits a trained part only
at 10 MB or less. Symmetric per-row int8 (each row of a matrix scaled by its largest absolute value / 127)
halves that again and, for weights of this size, moves a model's outputs very little (measured: see the
README). Vectors (biases, LayerNorm) stay fp16; they are a few thousand numbers. Loading always gives
fp32 tensors, whatever the file holds, so the model code never sees the storage format.

    >>> import torch
    >>> w = {"a.weight": torch.tensor([[0.5, -1.0], [2.0, 0.25]]), "a.bias": torch.tensor([0.1, 0.2])}
    >>> q = quantize(w, "int8")
    >>> q["a.weight"].dtype, q["a.bias"].dtype
    (torch.int8, torch.float16)
    >>> back = dequantize(q)
    >>> float((back["a.weight"] - w["a.weight"]).abs().max()) < 0.01, back["a.bias"].dtype
    (True, torch.float32)
"""

from __future__ import annotations

from pathlib import Path

import torch

STORAGES = ("fp16", "int8")
SCALE = ".__int8_scale"  # suffix of a quantized matrix's per-row scales


def quantize(state: dict[str, torch.Tensor], storage: str = "fp16") -> dict[str, torch.Tensor]:
    """Tensors as they go on disk: fp16, or (`int8`) matrices as int8 rows plus fp16 per-row scales."""
    if storage not in STORAGES:
        raise ValueError(f"unknown weight storage {storage!r}; choose one of {', '.join(STORAGES)}")
    out: dict[str, torch.Tensor] = {}
    for name, t in state.items():
        t = t.detach().float()
        if storage == "fp16" or t.dim() != 2:
            out[name] = t.half().contiguous()
            continue
        scale = (t.abs().amax(dim=1, keepdim=True) / 127.0).clamp(min=1e-12)
        out[name] = torch.round(t / scale).clamp(-127, 127).to(torch.int8).contiguous()
        out[name + SCALE] = scale.half().contiguous()
    return out


def dequantize(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """fp32 tensors from a file written by `save` in either storage."""
    out: dict[str, torch.Tensor] = {}
    for name, t in tensors.items():
        if name.endswith(SCALE):
            continue
        scale = tensors.get(name + SCALE)
        out[name] = t.float() * scale.float() if scale is not None else t.float()
    return out


def save(state: dict[str, torch.Tensor], path: str | Path, storage: str = "fp16") -> None:
    from safetensors.torch import save_file  # lazy: with torch, only when a model is written

    save_file(quantize(state, storage), str(path), metadata={"storage": storage})


def load(path: str | Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file  # lazy: with torch, only when a model is loaded

    return dequantize(load_file(str(path)))
