"""The load test: its pieces (fast), and its short CI size against the real app (slow): the app started by
the load test answers every turn at N=1, 8, 32 with rate limiting off."""

from __future__ import annotations

import argparse
import json

import pytest

from evals.load_test import compare, load_scripts, markdown, percentile
from sift.commands.load import add_arguments, register, run


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0 and percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0 and percentile([], 50) == 0.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0


def test_scripts_are_real_multi_turn_conversations():
    scripts = load_scripts()
    assert len(scripts) >= 10
    assert all(len(s["turns"]) >= 2 and all(t.strip() for t in s["turns"]) for s in scripts)


def test_compare_against_the_first_level_and_table():
    def level(n, tps, p50):
        return {"concurrency": n, "turns": 10, "ok": 10, "errors": 0, "errors_by_kind": {}, "turns_per_s": tps,
                "latency_ms": {"p50": p50, "p95": p50 * 2, "p99": p50 * 3}, "server_cores_busy": 1.0,
                "server_cpu_ms_per_turn": 20.0, "client_cpu_s": 0.1}

    levels = [level(1, 40.0, 25.0), level(8, 30.0, 200.0)]
    compare(levels)
    assert levels[0]["vs_baseline"]["throughput_ratio"] == 1.0
    assert levels[1]["vs_baseline"] == {"throughput_ratio": 0.75, "p50_ratio": 8.0, "p95_ratio": 8.0}
    result = {"config": {"products": 200, "replicas": 1, "extractor": "rules", "rate_limit": "disabled",
                         "cpu_count": 2, "require_no_errors_at": 32},
              "baseline": "N=1", "levels": levels, "passed": True, "failed_levels": []}
    table = markdown(result)
    assert "| 8 | 10 | 0 | 30.0 | 200.0 |" in table and "PASS" in table


def test_bench_load_is_added_to_the_bench_command():
    from sift.commands.bench import register as register_bench

    parser = argparse.ArgumentParser(prog="sift")
    sub = parser.add_subparsers(dest="command")
    register_bench(sub)
    register(sub)
    args = parser.parse_args(["bench", "load", "--short", "--concurrency", "1,4", "--json", "x.json"])
    assert args.func is run and args.short and args.concurrency == "1,4"
    assert parser.parse_args(["bench", "retrieval", "--quick"]).quick  # the existing sub-command still works


def test_bad_concurrency_is_a_usage_error(capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--concurrency", "1,x"])) == 2
    assert "--concurrency" in capsys.readouterr().err


@pytest.mark.slow
def test_load_short_mode_answers_every_turn(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out = tmp_path / "load.json"
    code = run(parser.parse_args(["--short", "--json", str(out)]))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err[-3000:]  # the reason it could not run is on stderr
    result = json.loads(out.read_text())
    assert [lv["concurrency"] for lv in result["levels"]] == [1, 8, 32]
    assert result["config"]["rate_limit"].startswith("disabled")
    for level in result["levels"]:
        assert level["turns"] >= 4 and level["errors"] == 0 and level["ok"] == level["turns"], level
        assert level["turns_per_s"] > 0 and 0 < level["latency_ms"]["p50"] <= level["latency_ms"]["p99"]
        assert level["vs_baseline"]["throughput_ratio"] is not None
    assert result["levels"][-1]["turns"] >= 32 * 2
    assert "| 32 |" in captured.out and "PASS" in captured.out
