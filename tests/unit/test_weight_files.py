"""Trained weights on disk (extraction/weight_files.py): fp16 and int8 rows round-trip to fp32 closely, int8 files
are about half the size, and a bad storage name says what to choose."""

import pytest
import torch

from extraction import weight_files


def _state():
    g = torch.Generator().manual_seed(0)
    return {"layer.weight": torch.randn(64, 128, generator=g) * 0.05, "layer.bias": torch.randn(64, generator=g),
            "norm.weight": torch.ones(128), "emb.weight": torch.randn(300, 128, generator=g) * 0.02}


@pytest.mark.parametrize(("storage", "tolerance"), [("fp16", 1e-3), ("int8", 0.01)])
def test_weights_round_trip_to_fp32_within_the_storage_precision(tmp_path, storage, tolerance):
    state = _state()
    path = tmp_path / f"w-{storage}.safetensors"
    weight_files.save(state, path, storage)
    back = weight_files.load(path)
    assert set(back) == set(state)  # the scales are not parameters
    for name, t in state.items():
        assert back[name].dtype == torch.float32 and back[name].shape == t.shape
        rel = float((back[name] - t).abs().max() / t.abs().max())
        assert rel < tolerance, (name, rel)


def test_int8_matrices_take_half_the_bytes_of_fp16_and_vectors_stay_fp16(tmp_path):
    state = _state()
    weight_files.save(state, tmp_path / "a.safetensors", "fp16")
    weight_files.save(state, tmp_path / "b.safetensors", "int8")
    fp16, int8 = (tmp_path / "a.safetensors").stat().st_size, (tmp_path / "b.safetensors").stat().st_size
    assert int8 < 0.6 * fp16
    q = weight_files.quantize(state, "int8")
    assert q["layer.weight"].dtype == torch.int8 and q["layer.bias"].dtype == torch.float16


def test_an_unknown_storage_names_the_choices():
    with pytest.raises(ValueError, match="fp16, int8"):
        weight_files.quantize(_state(), "int4")
