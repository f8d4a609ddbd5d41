"""Conversation evaluation: replay the committed scripted conversations and score every turn.

    sift eval conversations [--data tests/data/conversations] [--json OUT] [--bench CATALOG]   (sift/commands/)

Per turn it checks the filter state after the turn against the expected active filters (state
accuracy) and that every shown product satisfies every active constraint (constraint satisfaction,
must be 100%). Baseline in the same run: the same extractor used single-turn (each utterance from an
empty state, as the paper's system works), so the table shows what carrying state across turns buys.

`benchmark_latency` measures per-turn latency of the whole agent (offline policy + extractor +
search + checkpoint) on a real catalog, against the same turns run as bare extractor + search calls
(the "no agent" baseline), so the LangGraph overhead is visible.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.assistant import Assistant
from agent.factory import default_extractor
from evals.catalog_conversations import header_of
from retrieval.attributes import AttributeTable
from retrieval.catalog import load_catalog
from retrieval.demo_catalog import write_demo_catalog
from retrieval.filters import Filters
from retrieval.hashing_embedder import HashingEmbedder
from retrieval.index import VectorIndex
from retrieval.search import SearchEngine
from tools.catalog_tools import content_words

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "conversations"
DEMO_SIZE, DEMO_SEED = 400, 7


# ---------------------------------------------------------------------------------------------- data
def load_conversations(path: str | Path = DEFAULT_DATA) -> list[dict[str, Any]]:
    """Every conversation in a `.jsonl` file, or in all `*.jsonl` files of a folder (sorted by name).

    A conversation: `{"id", "note", "turns": [{"user", "expect": {active filters}, ...checks}]}`.
    `expect` uses `Filters.active()` names; the value `"*"` means "set, any value" (relative moves
    such as "cheaper" whose number depends on the products shown). Optional checks per turn:
    `expect_clarifying` (bool), `expect_empty` (matched == 0), `expect_details` (number of products
    detailed), `expect_shown` (number of product cards).
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    # Catalog-scored sets (a header line naming their catalog) are run by evals.catalog_conversations.
    files = [f for f in files if header_of(f) is None]
    out: list[dict[str, Any]] = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    conv = json.loads(line)
                except ValueError as exc:
                    raise ValueError(f"{f}:{n}: not JSON ({exc})") from None
                conv.setdefault("id", f"{f.stem}-{n}")
                out.append(conv)
    return out


def _norm_value(v: Any) -> Any:
    if isinstance(v, list):
        return sorted(str(x).lower() for x in v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return round(float(v), 4)
    return v.lower() if isinstance(v, str) else v


def state_matches(expected: dict[str, Any], got: dict[str, Any]) -> tuple[bool, list[str]]:
    """Exact match of active filters (lists as sets, case-insensitive); returns the differing fields."""
    diff = []
    for name in sorted(set(expected) | set(got)):
        want, have = expected.get(name), got.get(name)
        if want == "*":
            if have is None:
                diff.append(name)
        elif _norm_value(want) != _norm_value(have):
            diff.append(name)
    return not diff, diff


def violations(engine: Any, filters: Filters, ids: Iterable[str]) -> list[str]:
    """Shown product ids that do not satisfy every active constraint (must always be empty)."""
    mask = engine.table.mask(filters)
    return [pid for pid in ids if pid not in engine.row_of or not mask[engine.row_of[pid]]]


# ---------------------------------------------------------------------------------------------- evaluation
@dataclass
class TurnScore:
    conversation: str
    turn: int
    user: str
    expected: dict[str, Any]
    got: dict[str, Any]
    state_ok: bool
    diff: list[str]
    shown: list[str]
    violations: list[str]
    checks_failed: list[str]
    latency_ms: float
    answer: str = ""


@dataclass
class Report:
    name: str
    turns: list[TurnScore] = field(default_factory=list)

    @property
    def state_accuracy(self) -> float:
        return sum(t.state_ok for t in self.turns) / max(1, len(self.turns))

    @property
    def conversation_accuracy(self) -> float:
        convs: dict[str, bool] = {}
        for t in self.turns:
            convs[t.conversation] = convs.get(t.conversation, True) and t.state_ok
        return sum(convs.values()) / max(1, len(convs))

    @property
    def shown_products(self) -> int:
        return sum(len(t.shown) for t in self.turns)

    @property
    def satisfaction(self) -> float:
        bad = sum(len(t.violations) for t in self.turns)
        return 1.0 if not self.shown_products else 1 - bad / self.shown_products

    @property
    def checks_passed(self) -> float:
        return sum(not t.checks_failed for t in self.turns) / max(1, len(self.turns))

    def summary(self) -> dict[str, Any]:
        lat = [t.latency_ms for t in self.turns]
        return {"name": self.name, "conversations": len({t.conversation for t in self.turns}),
                "turns": len(self.turns), "state_accuracy": round(self.state_accuracy, 4),
                "conversation_accuracy": round(self.conversation_accuracy, 4),
                "shown_products": self.shown_products, "constraint_satisfaction": round(self.satisfaction, 4),
                "checks_passed": round(self.checks_passed, 4),
                "latency_ms_p50": round(statistics.median(lat), 2) if lat else None}

    def failures(self) -> list[dict[str, Any]]:
        return [{"conversation": t.conversation, "turn": t.turn, "user": t.user, "expected": t.expected,
                 "got": t.got, "diff": t.diff, "violations": t.violations, "checks_failed": t.checks_failed}
                for t in self.turns if not t.state_ok or t.violations or t.checks_failed]


def _checks(turn: dict[str, Any], result: Any) -> list[str]:
    failed = []
    if "expect_clarifying" in turn and bool(result.clarifying) != bool(turn["expect_clarifying"]):
        failed.append(f"clarifying={result.clarifying}")
    if turn.get("expect_empty") and result.matched != 0:
        failed.append(f"expected no match, matched={result.matched}")
    if turn.get("expect_empty") and not result.relaxations:
        failed.append("empty result without relaxation offers")
    if "expect_details" in turn and len(result.shown) != turn["expect_details"]:
        failed.append(f"details of {len(result.shown)} products, expected {turn['expect_details']}")
    if "expect_shown" in turn and len(result.shown) != turn["expect_shown"]:
        failed.append(f"{len(result.shown)} cards, expected {turn['expect_shown']}")
    if not result.answer.strip():
        failed.append("empty answer")
    return failed


def evaluate_assistant(assistant: Any, conversations: Sequence[dict[str, Any]], name: str = "agent") -> Report:
    """Replay every conversation through `assistant` (fresh conversation ids) and score each turn."""
    report = Report(name)
    run = f"eval-{time.time_ns()}"
    for conv in conversations:
        cid = f"{run}-{conv['id']}"
        for i, turn in enumerate(conv["turns"], 1):
            r = assistant.turn(cid, turn["user"])
            got = r.filters.active()
            ok, diff = state_matches(turn.get("expect", {}), got)
            report.turns.append(TurnScore(conv["id"], i, turn["user"], turn.get("expect", {}), got, ok, diff,
                                          list(r.shown), violations(assistant.engine, r.filters, r.shown),
                                          _checks(turn, r), r.latency_ms, r.answer))
    return report


def evaluate_single_turn(extractor: Any, conversations: Sequence[dict[str, Any]]) -> Report:
    """Baseline: each utterance extracted from an empty state, as a single-turn system (the paper's) would."""
    report = Report(f"single-turn {getattr(extractor, 'name', type(extractor).__name__)}")
    for conv in conversations:
        for i, turn in enumerate(conv["turns"], 1):
            t0 = time.perf_counter()
            got = extractor.extract(turn["user"], Filters()).filters.active()
            ms = (time.perf_counter() - t0) * 1e3
            ok, diff = state_matches(turn.get("expect", {}), got)
            report.turns.append(TurnScore(conv["id"], i, turn["user"], turn.get("expect", {}), got, ok, diff,
                                          [], [], [], ms))
    return report


# ---------------------------------------------------------------------------------------------- engines
def open_demo_engine(workdir: str | Path, n_products: int = DEMO_SIZE, seed: int = DEMO_SEED,
                     embedder: Any = None):
    """The demo catalog the committed conversations are written against, indexed in memory with
    `embedder` (default: `HashingEmbedder`, so evaluation needs no model and takes about a second)."""
    catalog = Path(workdir) / f"demo_catalog_{n_products}_{seed}.jsonl.gz"
    if not catalog.exists():
        catalog.parent.mkdir(parents=True, exist_ok=True)
        write_demo_catalog(catalog, n_products=n_products, seed=seed)
    embedder = embedder or HashingEmbedder()
    products = load_catalog(catalog)
    index = VectorIndex.build(embedder.encode_products(products, show_progress=False))
    return SearchEngine(products, AttributeTable.from_products(products), index, embedder,
                        {"model": embedder.name, "catalog": {"path": str(catalog)}})


def rule_extractor(engine: Any):
    return default_extractor(engine)


# ---------------------------------------------------------------------------------------------- latency
def benchmark_latency(engine: Any, extractor: Any, utterances: Sequence[Sequence[str]], workdir: str | Path,
                      repeats: int = 3) -> dict[str, Any]:
    """Per-turn latency of the agent (offline policy, SQLite checkpoint) against bare extract + search.

    `utterances`: conversations as lists of messages. Each is replayed `repeats` times under fresh
    conversation ids after one warm-up pass. Wall and CPU (process) time are both reported: on a
    shared machine wall time includes waiting for a core, CPU time does not.
    """
    db = Path(workdir) / f"bench-{time.time_ns()}.sqlite"
    assistant = Assistant(engine, extractor, checkpointer_path=db)
    agent_wall, agent_cpu, base_wall, base_cpu, embed = [], [], [], [], []
    n = 0
    for rep in range(repeats + 1):
        for c, conv in enumerate(utterances):
            state, topic = Filters(), ""

            def bare(text: str, measured: bool) -> None:
                # The same work as the tools do, without the agent: extract, carry the topic, search, facets.
                nonlocal state, topic
                result = extractor.extract(text, state)
                state = result.filters
                topic = "" if result.reset else (result.topic or topic)
                r = engine.search(topic if content_words(topic) else "", state, k=5)
                engine.table.facet_counts(state, top=6)
                if measured:
                    embed.append(r.timings_ms.get("embed", 0.0))

            for text in conv:
                n += 1
                # Alternate which path runs first, so neither always meets a warm (or cold) cache.
                order = ("agent", "bare") if n % 2 else ("bare", "agent")
                for path in order:
                    w0, c0 = time.perf_counter(), time.process_time()
                    if path == "agent":
                        assistant.turn(f"bench-{rep}-{c}", text)
                    else:
                        bare(text, measured=rep > 0)
                    w, cpu = (time.perf_counter() - w0) * 1e3, (time.process_time() - c0) * 1e3
                    if rep:  # the first pass warms caches (and the embedder)
                        (agent_wall if path == "agent" else base_wall).append(w)
                        (agent_cpu if path == "agent" else base_cpu).append(cpu)

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {"p50": round(statistics.median(xs), 2), "p95": round(xs[int(0.95 * (len(xs) - 1))], 2),
                "mean": round(statistics.fmean(xs), 2)}

    return {"catalog_size": engine.size, "turns": len(agent_wall), "embedder": getattr(engine.embedder, "name", "?"),
            "agent_wall_ms": stats(agent_wall), "agent_cpu_ms": stats(agent_cpu),
            "baseline_extract_search_wall_ms": stats(base_wall), "baseline_extract_search_cpu_ms": stats(base_cpu),
            "query_embedding_wall_ms": stats(embed), "load_average": _loadavg()}


def _loadavg() -> list[float] | None:
    """1/5/15-minute load average (Linux), recorded with timings: wall time on a shared machine depends on it."""
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------- command
def known_misses(conversations: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Conversation id -> reasons, for turns marked `known_miss` (an extractor gap recorded in the data)."""
    out: dict[str, list[str]] = {}
    for conv in conversations:
        reasons = [t["known_miss"] for t in conv["turns"] if t.get("known_miss")]
        if reasons:
            out[conv["id"]] = reasons
    return out


def markdown(reports: Sequence[Report], bench: dict[str, Any] | None = None) -> str:
    lines = ["| system | conversations | turns | state accuracy (turns) | conversations fully right | "
             "shown products | constraint satisfaction | turn checks | p50 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        s = r.summary()
        lines.append(f"| {s['name']} | {s['conversations']} | {s['turns']} | {s['state_accuracy']:.1%} | "
                     f"{s['conversation_accuracy']:.1%} | {s['shown_products']} | "
                     f"{s['constraint_satisfaction']:.1%} | {s['checks_passed']:.1%} | {s['latency_ms_p50']} |")
    if bench:
        lines += ["", f"Per-turn latency on {bench['catalog_size']:,} products ({bench['turns']} turns, "
                      f"embedder {bench['embedder']}, query embedding p50 {bench['query_embedding_wall_ms']['p50']} ms, "
                      f"load average {bench.get('load_average')}):", "",
                  "| path | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms |", "|---|---|---|---|---|"]
        for name, key in (("agent: offline policy + rules + search + SQLite checkpoint", "agent"),
                          ("baseline: rules + search, no agent", "baseline_extract_search")):
            w, c = bench[f"{key}_wall_ms"], bench[f"{key}_cpu_ms"]
            lines.append(f"| {name} | {w['p50']} | {w['p95']} | {c['p50']} | {c['p95']} |")
        if bench.get("seq2seq"):
            for name, key in (("agent: offline policy + seq2seq + search + SQLite checkpoint", "agent"),
                              ("baseline: seq2seq + search, no agent", "baseline_extract_search")):
                w, c = bench["seq2seq"][f"{key}_wall_ms"], bench["seq2seq"][f"{key}_cpu_ms"]
                lines.append(f"| {name} | {w['p50']} | {w['p95']} | {c['p50']} | {c['p95']} |")
    return "\n".join(lines)


def run(data: str | Path = DEFAULT_DATA, workdir: str | Path | None = None, engine: Any = None,
        extractor: Any = None) -> tuple[Report, Report]:
    """Evaluate the offline agent and the single-turn baseline on the committed conversations."""
    conversations = load_conversations(data)
    workdir = Path(workdir or tempfile.mkdtemp(prefix="sift-eval-"))
    engine = engine or open_demo_engine(workdir)
    extractor = extractor or rule_extractor(engine)
    agent = evaluate_assistant(Assistant(engine, extractor), conversations,
                               name=f"agent: offline policy + {getattr(extractor, 'name', 'extractor')}")
    return agent, evaluate_single_turn(extractor, conversations)
