"""`sift bench index` end to end on a tiny demo catalog with hashing embedders (no model, seconds)."""

from __future__ import annotations

import json

from evals.bench_index import BenchIndexConfig, markdown, run_benchmark
from tests.fakes import HashingEmbedder


def test_quick_run_counts_what_each_update_embeds(tmp_path):
    out = tmp_path / "bench_index.json"
    config = BenchIndexConfig(quick=True, out=out, update_reps=2, speed_reps=1, speed_sample=16)
    result = run_benchmark(config, embedder=HashingEmbedder(), load=lambda dtype, seq: HashingEmbedder(dtype=dtype))
    idx = result["index"]
    assert idx["products"] == 300
    assert idx["full_build"]["embedded"] == [300] and idx["full_build"]["actions"] == ["built"]
    assert idx["text_changed"]["embedded"] == [3, 3] and idx["text_changed"]["changed"] == [3, 3]
    assert idx["text_changed"]["actions"] == ["updated"]
    assert idx["price_only"]["embedded"] == [0, 0] and idx["price_only"]["changed"] == [30, 30]
    assert idx["unchanged"]["actions"] == ["reused"] and idx["unchanged"]["embedded"] == [0, 0]
    speed = result["encoder_speed"]
    assert {(r["dtype"], r["max_seq_length"]) for r in speed["rows"]} == {
        (d, s) for d in ("float32", "bfloat16") for s in (128, 256)}
    assert all(a["cosine_min"] > 0.99 for a in speed["cosine_bf16_vs_fp32"])
    assert json.loads(out.read_text())["index"]["price_only"]["embedded"] == [0, 0]
    table = markdown(result)
    assert "| update, 1% of texts changed |" in table and "| full build |" in table
