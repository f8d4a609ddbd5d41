"""`sift transcripts ...`: review conversations stored by the chat window.

    sift transcripts list [--json]
    sift transcripts show ID [--json]
    sift transcripts export --format jsonl|html [--out FILE] [ID ...]
    sift transcripts report [--top 20] [--json]

The database is SIFT_DATABASE_URL (default: the SQLite file $SIFT_HOME/chat.sqlite), or `--db URL`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.catalog import iter_products

from ..settings import Settings
from .common import print_json as _print_json

if TYPE_CHECKING:
    from transcripts.store import TranscriptStore


def _settings(args: argparse.Namespace) -> Settings:
    return getattr(args, "settings", None) or Settings()


def _store(args: argparse.Namespace) -> TranscriptStore:
    # lazy: SQLAlchemy-backed store (~5 ms), only for this group
    from transcripts.store import TranscriptStore

    return TranscriptStore(args.db or _settings(args).resolved_database_url())


def cmd_list(args: argparse.Namespace) -> int:
    rows = _store(args).conversations()
    if args.json:
        _print_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("no stored conversations (chat in the window first: `make demo`)")
        return 0
    print(f"{'id':<38} {'user':<24} {'turns':>5} {'up':>3} {'down':>4} {'zero':>4}  created")
    for r in rows:
        print(f"{r.id:<38} {(r.user or '-')[:24]:<24} {r.turns:>5} {r.thumbs_up:>3} {r.thumbs_down:>4} "
              f"{r.zero_results:>4}  {r.created_at or ''}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    conv = _store(args).conversation(args.id)
    if conv is None:
        print(f"error: no conversation {args.id!r} (see `sift transcripts list`)", file=sys.stderr)
        return 1
    if args.json:
        _print_json(conv.to_json())
        return 0
    print(f"conversation {conv.id} ({conv.user or 'unknown user'}, {len(conv.turns)} turns)")
    for t in conv.turns:
        fb = {1: " [thumbs up]", 0: " [thumbs down]"}.get(t.feedback, "")
        print(f"\n#{t.index}{fb} shopper: {t.user_text}")
        print(f"   filters: {json.dumps(t.filters, ensure_ascii=False)}")
        print(f"   matched {t.matched}, shown {', '.join(t.shown) or 'nothing'}, {t.latency_ms:.0f} ms")
        print("   answer: " + t.answer.replace("\n", "\n           "))
    return 0


def _title_lookup(settings: Settings):
    """Product titles for the HTML export when the catalog is at hand (without building an index)."""
    from ..wiring import catalog_path  # lazy: the index store and demo catalog generator (~25 ms)

    try:
        path = catalog_path(settings)
        if not path.exists():
            return None
        titles = {p.id: p.title for p in iter_products(path)}
        return titles.get
    except Exception:  # titles are a convenience; ids alone are a complete export
        return None


def cmd_export(args: argparse.Namespace) -> int:
    from transcripts.export import to_html, to_jsonl  # lazy: only `sift transcripts export` writes these

    convs = _store(args).all_conversations(args.ids or None)
    if args.ids and len(convs) < len(args.ids):
        missing = set(args.ids) - {c.id for c in convs}
        print(f"error: no conversation {', '.join(sorted(missing))} (see `sift transcripts list`)",
              file=sys.stderr)
        return 1
    titles = _title_lookup(_settings(args)) if args.titles and args.format == "html" else None
    text = to_jsonl(convs) if args.format == "jsonl" else to_html(convs, titles)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {sum(len(c.turns) for c in convs)} turns of {len(convs)} conversations to {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from transcripts.report import report_markdown, unmet_demand  # lazy: only `sift transcripts report`

    rows = unmet_demand(_store(args).all_conversations(), top=args.top)
    if args.json:
        _print_json([r.to_json() for r in rows])
    else:
        sys.stdout.write(report_markdown(rows))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `transcripts list|show|export|report` to the `sift` command line."""
    tr = subparsers.add_parser("transcripts", help="review conversations stored by the chat window")
    sub = tr.add_subparsers(dest="transcripts_cmd", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="SQLAlchemy URL of the chat history (default: SIFT_DATABASE_URL or "
                                    "$SIFT_HOME/chat.sqlite)")
        return p

    p = common(sub.add_parser("list", help="stored conversations with turn and feedback counts"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = common(sub.add_parser("show", help="every turn of one conversation"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = common(sub.add_parser("export", help="turns as JSON Lines or an HTML page"))
    p.add_argument("ids", nargs="*", metavar="ID", help="conversations to export (default: all)")
    p.add_argument("--format", choices=("jsonl", "html"), default="jsonl")
    p.add_argument("--out", help="write here instead of stdout")
    p.add_argument("--no-titles", dest="titles", action="store_false",
                   help="HTML: do not look up product titles in the catalog")
    p.set_defaults(func=cmd_export)

    p = common(sub.add_parser("report", help="unmet demand: filter combinations ending in zero results or "
                                             "a thumbs-down"))
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)
