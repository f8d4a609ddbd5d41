"""Load test of the HTTP chat endpoint: N concurrent scripted conversations against the real app.

Starts the app itself (`chainlit run app.py` on a free 127.0.0.1 port, its own SIFT_HOME) or drives a running
one (`--url`, loopback only). Every virtual shopper replays real multi-turn conversations from
tests/data/conversations/shoppers.jsonl, one turn after the other (a new conversation id per script), until
it has sent its turns or the level's time runs out. Per concurrency level: turns, errors by kind (HTTP status,
exception class, or "wrong_turn" when the reply's turn number is not the conversation's), turns/s, client-side
latency p50/p95/p99, and the server's CPU time (psutil) to explain saturation. The first level is the named
baseline; the others are compared with it (throughput and latency ratios).

Rate limiting is switched off in the server this starts (SIFT_RATE_LIMIT_PER_MINUTE=0): one client address
sends every turn here, so a per-client limit would measure the limiter, not the app. With `--url` the
server's own setting applies; the report says which.

    sift bench load --short                                # CI: N=1,8,32, 2 turns each, 200 products, seconds
    sift bench load --concurrency 1,8,32,64 --json evals/results/load.json     # the full run
    sift bench load --url http://127.0.0.1:8000 --concurrency 1,8

The app process itself (start, wait until healthy, kill, restart) is evals/app_server.py, which tests/system/
use too.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import psutil

from evals.app_server import REPO, AppServer, app_env, prebuild_index

SCRIPTS = REPO / "tests" / "data" / "conversations" / "shoppers.jsonl"
DEFAULT_OUT = REPO / "evals" / "results" / "load.json"


# ---------------------------------------------------------------------------------------------- the load
def load_scripts(path: Path = SCRIPTS, min_turns: int = 2) -> list[dict[str, Any]]:
    """Conversations with at least `min_turns` shopper turns: [{"id", "turns": [text, ...]}]."""
    scripts = []
    for line in path.read_text().splitlines():
        if line.strip():
            conv = json.loads(line)
            turns = [str(t["user"]) for t in conv.get("turns", []) if str(t.get("user", "")).strip()]
            if len(turns) >= min_turns:
                scripts.append({"id": conv.get("id", f"script-{len(scripts)}"), "turns": turns})
    if not scripts:
        raise ValueError(f"no multi-turn conversations in {path}")
    return scripts


@dataclass
class LoadConfig:
    concurrency: list[int] = field(default_factory=lambda: [1, 8, 32, 64])
    turns_per_user: int = 8  # each virtual shopper sends this many turns per level...
    min_turns: int = 40  # ...but a level sends at least this many in all (so N=1 has a usable p95)
    max_seconds: float = 180.0  # per level: no new turn starts after this
    request_timeout_s: float = 120.0
    warmup_turns: int = 4
    url: str | None = None  # a running app; None: start one
    demo_size: int = 3000
    catalog: str | None = None
    home: str | None = None  # reuse a SIFT_HOME (and its built index); None: a temporary one
    extractor: str = "auto"
    replicas: int = 1  # app processes on one SIFT_HOME; requests go round-robin (a stateless load balancer)
    require_no_errors_at: int | None = 32  # exit code 1 if a level <= this had errors
    seed: int = 7


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 100)) - 1))
    return float(ordered[k])


def _cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU seconds of these processes and their children (None: unknown)."""
    if not pids:
        return None
    try:
        total = 0.0
        for pid in pids:
            proc = psutil.Process(pid)
            for p in [proc, *proc.children(recursive=True)]:
                t = p.cpu_times()
                total += t.user + t.system
        return total
    except Exception:  # the process is gone (or psutil cannot read it): the figure is optional
        return None


async def _shopper(client: Any, urls: list[str], user: int, level: int, scripts: list[dict[str, Any]], turns: int,
                   deadline: float, latencies: list[float], errors: dict[str, int], rng: random.Random,
                   examples: list[dict[str, Any]]) -> int:
    sent = 0
    conv_no = 0
    start = rng.randrange(len(scripts))
    while sent < turns and time.monotonic() < deadline:
        script = scripts[(start + conv_no) % len(scripts)]
        # Unique per run (a reused --home keeps earlier runs' conversations), readable in the transcripts.
        cid = f"load-n{level}-u{user}-c{conv_no}-{uuid.uuid4().hex[:12]}"
        conv_no += 1
        for number, text in enumerate(script["turns"], start=1):
            if sent >= turns or time.monotonic() >= deadline:
                break
            sent += 1
            t0 = time.perf_counter()
            try:
                url = urls[(user + sent) % len(urls)]  # round-robin over replicas, per request
                r = await client.post(url + "/api/chat", json={"conversation_id": cid, "message": text})
                latencies.append((time.perf_counter() - t0) * 1e3)
                if r.status_code != 200:
                    kind = f"http_{r.status_code}"
                elif r.json().get("turn") != number:
                    kind = "wrong_turn"
                    if len(examples) < 5:
                        examples.append({"conversation_id": cid, "expected_turn": number,
                                         "got_turn": r.json().get("turn"), "url": url})
                else:
                    continue
            except Exception as exc:  # timeouts, refused connections...: counted, never fatal
                latencies.append((time.perf_counter() - t0) * 1e3)
                kind = type(exc).__name__
            errors[kind] = errors.get(kind, 0) + 1
            break  # a conversation that failed is abandoned (its next turns would not mean the same)
    return sent


async def run_level(urls: list[str], n: int, cfg: LoadConfig, scripts: list[dict[str, Any]],
                    server_pids: list[int] | None = None) -> dict[str, Any]:
    per_user = max(cfg.turns_per_user, -(-cfg.min_turns // n))
    latencies: list[float] = []
    errors: dict[str, int] = {}
    examples: list[dict[str, Any]] = []
    rng = random.Random(cfg.seed * 1000 + n)
    # Idle connections are dropped after 2 s, below uvicorn's 5 s keep-alive timeout: with both at 5 s (httpx's
    # default), a pooled connection can be reused just as the server closes it (a client-side ReadError that
    # says nothing about the app; measured: 3 of 512 turns at N=64 when p95 latency neared 5 s).
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n, keepalive_expiry=2.0)
    timeout = httpx.Timeout(cfg.request_timeout_s)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        cpu0, t0 = _cpu_seconds(server_pids or []), time.perf_counter()
        client0 = time.process_time()
        deadline = time.monotonic() + cfg.max_seconds
        sent = await asyncio.gather(*(_shopper(client, urls, u, n, scripts, per_user, deadline, latencies, errors,
                                               random.Random(rng.random()), examples) for u in range(n)))
        wall = time.perf_counter() - t0
        cpu1 = _cpu_seconds(server_pids or [])
        client_cpu = time.process_time() - client0
    turns = int(sum(sent))
    n_errors = int(sum(errors.values()))
    ok = turns - n_errors
    cpu = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
    return {
        "concurrency": n, "turns": turns, "ok": ok, "errors": n_errors, "errors_by_kind": dict(sorted(errors.items())),
        "duration_s": round(wall, 3), "turns_per_s": round(ok / wall, 2) if wall > 0 else 0.0,
        "latency_ms": {"p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1),
                       "p99": round(percentile(latencies, 99), 1), "max": round(max(latencies, default=0.0), 1),
                       "mean": round(sum(latencies) / len(latencies), 1) if latencies else 0.0},
        "server_cpu_s": round(cpu, 2) if cpu is not None else None,
        "server_cores_busy": round(cpu / wall, 2) if cpu is not None and wall > 0 else None,
        "server_cpu_ms_per_turn": round(cpu * 1e3 / turns, 1) if cpu is not None and turns else None,
        "client_cpu_s": round(client_cpu, 2),  # this load generator's own CPU (it shares the machine)
        "hit_time_limit": time.monotonic() >= deadline,
        "error_examples": examples,
    }


async def _warm_up(url: str, cfg: LoadConfig, scripts: list[dict[str, Any]]) -> None:
    async with httpx.AsyncClient(timeout=cfg.request_timeout_s, trust_env=False) as client:
        for i in range(cfg.warmup_turns):
            script = scripts[i % len(scripts)]
            await client.post(url + "/api/chat", json={"conversation_id": f"warmup-{i}", "message": script["turns"][0]})


def compare(levels: list[dict[str, Any]]) -> None:
    """Add `vs_baseline` (the first level) to every level, in place."""
    if not levels:
        return
    base = levels[0]
    for level in levels:
        def ratio(a: float, b: float) -> float | None:
            return round(a / b, 2) if b else None
        level["vs_baseline"] = {
            "throughput_ratio": ratio(level["turns_per_s"], base["turns_per_s"]),
            "p50_ratio": ratio(level["latency_ms"]["p50"], base["latency_ms"]["p50"]),
            "p95_ratio": ratio(level["latency_ms"]["p95"], base["latency_ms"]["p95"]),
        }


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load test only drives a loopback server (127.0.0.1), not {host!r}")


def _get_json(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read() or b"{}")
    except (OSError, ValueError, urllib.error.URLError):
        return {}


def run_load(cfg: LoadConfig, log=print) -> dict[str, Any]:
    """Run every concurrency level; returns the result dict (see `markdown`)."""
    scripts = load_scripts()
    servers: list[AppServer] = []
    tmp: tempfile.TemporaryDirectory | None = None
    urls = [cfg.url] if cfg.url else []
    rate_limit = "server setting (--url)"
    try:
        if not urls:
            if cfg.home:
                home = Path(cfg.home)
            else:
                tmp = tempfile.TemporaryDirectory(prefix="sift-load-")
                home = Path(tmp.name)
            extra: dict[str, Any] = {"SIFT_RATE_LIMIT_PER_MINUTE": "0", "SIFT_EXTRACTOR": cfg.extractor}
            if cfg.catalog:
                extra["SIFT_CATALOG"] = str(Path(cfg.catalog).resolve())
            env = app_env(home, cfg.demo_size, **extra)
            log(f"building/loading the index in {home} ...")
            prebuild_index(env)
            for _ in range(max(1, cfg.replicas)):
                servers.append(AppServer(env).start())
            urls = [s.url for s in servers]
            rate_limit = "disabled (SIFT_RATE_LIMIT_PER_MINUTE=0)"
            log(f"app up at {', '.join(urls)} (pids {', '.join(str(s.pid) for s in servers)})")
        for url in urls:
            _check_loopback(url)
        health = _get_json(urls[0] + "/api/health")
        for url in urls:
            asyncio.run(_warm_up(url, cfg, scripts))
        pids = [s.pid for s in servers if s.pid]
        levels = []
        for n in cfg.concurrency:
            level = asyncio.run(run_level(urls, n, cfg, scripts, pids))
            log(f"N={n}: {level['turns']} turns, {level['errors']} errors, {level['turns_per_s']} turns/s, "
                f"p50 {level['latency_ms']['p50']} ms, p95 {level['latency_ms']['p95']} ms")
            levels.append(level)
        compare(levels)
        failed = [lv["concurrency"] for lv in levels
                  if cfg.require_no_errors_at is not None and lv["concurrency"] <= cfg.require_no_errors_at
                  and lv["errors"]]
        return {
            "config": dict(asdict(cfg), replicas=len(urls), products=health.get("products"), rate_limit=rate_limit,
                           cpu_count=os.cpu_count(), scripts=len(scripts)),
            "baseline": f"N={levels[0]['concurrency']}" if levels else None,
            "levels": levels,
            "passed": not failed,
            "failed_levels": failed,
        }
    finally:
        for server in servers:
            server.stop()
        if tmp is not None:
            tmp.cleanup()


def markdown(result: dict[str, Any]) -> str:
    cfg = result["config"]
    lines = [f"Load test: {cfg.get('products')} products, {cfg['replicas']} app process(es), extractor "
             f"{cfg['extractor']}, rate limit "
             f"{cfg['rate_limit']}, {cfg['cpu_count']} CPUs; baseline {result['baseline']}", "",
             "| N | turns | errors | turns/s | p50 ms | p95 ms | p99 ms | server cores busy | server CPU ms/turn "
             "| client CPU s | throughput vs base | p50 vs base |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for lv in result["levels"]:
        lat, vs = lv["latency_ms"], lv.get("vs_baseline", {})
        errs = str(lv["errors"]) + (f" ({', '.join(f'{k}: {v}' for k, v in lv['errors_by_kind'].items())})"
                                    if lv["errors"] else "")
        lines.append(f"| {lv['concurrency']} | {lv['turns']} | {errs} | {lv['turns_per_s']} | {lat['p50']} | "
                     f"{lat['p95']} | {lat['p99']} | {lv['server_cores_busy'] if lv['server_cores_busy'] is not None else '-'} | "
                     f"{lv['server_cpu_ms_per_turn'] if lv['server_cpu_ms_per_turn'] is not None else '-'} | "
                     f"{lv['client_cpu_s']} | "
                     f"{vs.get('throughput_ratio', '-')}x | {vs.get('p50_ratio', '-')}x |")
    verdict = "PASS" if result["passed"] else f"FAIL (errors at N={result['failed_levels']})"
    if cfg.get("require_no_errors_at") is not None:
        lines += ["", f"Every turn answered without errors at N <= {cfg['require_no_errors_at']}: {verdict}"]
    return "\n".join(lines)


SHORT = dict(concurrency=[1, 8, 32], turns_per_user=2, min_turns=4, max_seconds=60.0, demo_size=200,
             warmup_turns=2)
