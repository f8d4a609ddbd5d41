"""Conversations over real catalogs, scored from the catalog rows (never from Sift's own filters).

    sift eval conversations --catalog-sets [evals/conversations] [--split dev|test] [--json]

A catalog-scored set is a `.jsonl` file whose first line names its catalog and currency:

    {"catalog": "../shared/data/catalogs/amazon_in_electronics.jsonl.gz", "currency": "INR"}
    {"id": "in-earbuds", "split": "dev", "class": "multi_category", "turns": [
        {"user": "only boat ones", "checks": ["brand in [boat]", "not title~\\"(?i)case\\""]}, ...]}

Each turn is scored by `evals.catalog_checks.score_turn`; a turn's class is its own `class`, else its
conversation's, else "search". The catalog path is resolved relative to the repository root and, for
`../shared/...`, against every folder above it (a git worktree sits deeper than the main checkout);
a set whose catalog is absent is skipped with the reason, not failed.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.catalog_checks import TurnOutcome, load_rows, score_turn, validate_turn

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = REPO_ROOT / "evals" / "conversations"
SPLITS = ("dev", "test")


@dataclass
class CatalogSet:
    path: Path
    catalog: str  # as written in the header
    currency: str
    conversations: list[dict[str, Any]]


def header_of(path: str | Path) -> dict[str, Any] | None:
    """The header of a catalog-scored set (its first line: an object with `catalog` and no `turns`), else None."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError:
                    return None
                return first if isinstance(first, dict) and "catalog" in first and "turns" not in first else None
    return None


def set_files(path: str | Path) -> list[Path]:
    """The catalog-scored `.jsonl` files at `path` (a file or a folder, sorted by name)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [f for f in files if f.is_file() and header_of(f) is not None]


def load_set(path: str | Path) -> CatalogSet:
    """Read and validate one set; a ValueError names the file and line and what is wrong."""
    path = Path(path)
    header = header_of(path)
    if header is None:
        raise ValueError(f"{path}: the first line must be a header such as "
                         '{"catalog": "../shared/data/catalogs/x.jsonl.gz", "currency": "USD"}')
    convs, seen = [], set()
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            conv = json.loads(line)
            if conv.get("id") in seen or not conv.get("id"):
                raise ValueError(f"missing or repeated conversation id {conv.get('id')!r}")
            if conv.get("split", "dev") not in SPLITS:
                raise ValueError(f"split must be one of {SPLITS}")
            for turn in conv["turns"]:
                validate_turn(turn)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: {exc}") from None
        seen.add(conv["id"])
        convs.append(conv)
    return CatalogSet(path, header["catalog"], str(header.get("currency", "USD")), convs)


def resolve_catalog(ref: str, root: Path = REPO_ROOT) -> Path | None:
    """The catalog file a header names, or None. `../shared/x` is looked up as `shared/x` above `root`."""
    direct = Path(ref) if Path(ref).is_absolute() else root / ref
    if direct.is_file():
        return direct.resolve()
    parts = Path(ref).parts
    if "shared" in parts:
        tail = Path(*parts[parts.index("shared"):])
        for folder in (root, *root.parents):
            if (folder / tail).is_file():
                return (folder / tail).resolve()
    return None


# ---------------------------------------------------------------------------------------------- scoring
@dataclass
class TurnRecord:
    file: str
    conversation: str
    split: str
    cls: str
    turn: int
    user: str
    outcome: TurnOutcome
    shown: list[str] = field(default_factory=list)
    answer: str = ""
    latency_ms: float = 0.0


def evaluate_set(assistant: Any, cset: CatalogSet, rows: dict[str, dict[str, Any]],
                 splits: Sequence[str] = SPLITS) -> list[TurnRecord]:
    """Replay every conversation of `cset` (fresh conversation ids) and score each turn from `rows`."""
    out: list[TurnRecord] = []
    run = f"catalog-eval-{time.time_ns()}"
    for conv in cset.conversations:
        split = conv.get("split", "dev")
        if split not in splits:
            continue
        before: dict[str, Any] = {}
        for i, turn in enumerate(conv["turns"], 1):
            r = assistant.turn(f"{run}-{conv['id']}", turn["user"])
            after = r.filters.active()
            outcome = score_turn(turn, shown=r.shown, matched=r.matched, answer=r.answer, state_before=before,
                                 state_after=after, rows=rows, currency=cset.currency)
            out.append(TurnRecord(cset.path.name, conv["id"], split, turn.get("class") or conv.get("class") or
                                  "search", i, turn["user"], outcome, list(r.shown), r.answer, r.latency_ms))
            before = after
    return out


def _group(records: Iterable[TurnRecord]) -> dict[str, Any]:
    recs = list(records)
    precisions = [r.outcome.precision for r in recs if r.outcome.precision is not None]
    convs: dict[str, bool] = {}
    for r in recs:
        convs[r.conversation] = convs.get(r.conversation, True) and r.outcome.passed
    return {"turns": len(recs), "turn_pass_rate": round(sum(r.outcome.passed for r in recs) / max(1, len(recs)), 4),
            "mean_top5_precision": round(statistics.fmean(precisions), 4) if precisions else None,
            "scored_turns": len(precisions), "conversations": len(convs),
            "conversation_pass_rate": round(sum(convs.values()) / max(1, len(convs)), 4)}


def summarize(records: Sequence[TurnRecord], skipped: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """Pass rates and top-5 precision overall, per split, per file (per split) and per class (per split)."""
    out: dict[str, Any] = {"overall": _group(records), "splits": {}, "files": {}, "classes": {}}
    for split in SPLITS:
        part = [r for r in records if r.split == split]
        if not part:
            continue
        out["splits"][split] = _group(part)
        for name in sorted({r.file for r in part}):
            out["files"].setdefault(name, {})[split] = _group(r for r in part if r.file == name)
        for cls in sorted({r.cls for r in part}):
            out["classes"].setdefault(cls, {})[split] = _group(r for r in part if r.cls == cls)
    out["skipped"] = list(skipped)
    out["failures"] = [{"file": r.file, "conversation": r.conversation, "split": r.split, "class": r.cls,
                        "turn": r.turn, "user": r.user, "precision": r.outcome.precision,
                        "failures": r.outcome.failures, "bad_products": r.outcome.bad_products,
                        "answer": r.answer[:300]}
                       for r in records if not r.outcome.passed]
    return out


def run_sets(path: str | Path, open_assistant: Callable[[Path], Any], splits: Sequence[str] = SPLITS,
             root: Path = REPO_ROOT, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Evaluate every catalog-scored set at `path`; `open_assistant(catalog)` gives an Assistant over it.

    Sets sharing a catalog share one assistant (one index build, one row table)."""
    by_catalog: dict[Path, list[CatalogSet]] = {}
    skipped = []
    for f in set_files(path):
        cset = load_set(f)
        catalog = resolve_catalog(cset.catalog, root)
        if catalog is None:
            reason = f"catalog {cset.catalog} not found (looked under {root} and the folders above it)"
            log(f"skipped {f.name}: {reason}")
            skipped.append({"file": f.name, "catalog": cset.catalog, "reason": reason})
            continue
        by_catalog.setdefault(catalog, []).append(cset)
    records: list[TurnRecord] = []
    timings: dict[str, float] = {}
    for catalog, sets in by_catalog.items():
        t0 = time.perf_counter()
        assistant = open_assistant(catalog)
        rows = load_rows(catalog)
        t1 = time.perf_counter()
        for cset in sets:
            records += evaluate_set(assistant, cset, rows, splits)
        timings[catalog.name] = {"open_s": round(t1 - t0, 2), "replay_s": round(time.perf_counter() - t1, 2)}
    return {**summarize(records, skipped), "timings": timings}


def markdown(summary: dict[str, Any]) -> str:
    """Per split: one row per file and per class (turn pass rate, mean top-5 precision)."""
    lines = ["| split | group | turns | turn pass rate | mean top-5 precision | conversations fully right |",
             "|---|---|---|---|---|---|"]

    def row(split: str, name: str, g: dict[str, Any]) -> None:
        p = "–" if g["mean_top5_precision"] is None else f"{g['mean_top5_precision']:.2f}"
        lines.append(f"| {split} | {name} | {g['turns']} | {g['turn_pass_rate']:.1%} | {p} | "
                     f"{g['conversation_pass_rate']:.1%} |")

    for split, g in summary["splits"].items():
        row(split, "**all**", g)
        for name, per in summary["files"].items():
            if split in per:
                row(split, f"file {name}", per[split])
        for cls, per in summary["classes"].items():
            if split in per:
                row(split, f"class {cls}", per[split])
    return "\n".join(lines)
