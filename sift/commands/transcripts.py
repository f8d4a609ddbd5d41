"""`sift transcripts ...`: review conversations stored by the chat window.

    sift transcripts list [--json]
    sift transcripts show ID [--json]
    sift transcripts export --format jsonl|html [--out FILE] [ID ...]
    sift transcripts report [--top 20] [--json]   unmet demand, unanswered questions, no shopping content,
                                                  attributes asked for that no filter holds

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
    print(f"{'id':<38} {'user':<24} {'turns':>5} {'up':>3} {'down':>4} {'zero':>4}  {'created':<19}  first message")
    for r in rows:
        print(f"{r.id:<38} {(r.user or '-')[:24]:<24} {r.turns:>5} {r.thumbs_up:>3} {r.thumbs_down:>4} "
              f"{r.zero_results:>4}  {(r.created_at or '')[:19]:<19}  {_one_line(r.first_message, 60)}")
    return 0


def _one_line(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def cmd_show(args: argparse.Namespace) -> int:
    conv = _store(args).conversation(args.id)
    if conv is None:
        print(f"error: no conversation {args.id!r} (see `sift transcripts list`)", file=sys.stderr)
        return 1
    if args.json:
        _print_json(conv.to_json())
        return 0
    title = (_title_lookup(_settings(args)) if args.titles else None) or (lambda _pid: None)
    print(f"conversation {conv.id} ({conv.user or 'unknown user'}, {len(conv.turns)} turns)")
    clicks = sorted(conv.clicks, key=lambda c: c.created_at)
    for t in conv.turns:
        while clicks and clicks[0].created_at <= t.created_at:  # card clicks between the turns
            c = clicks.pop(0)
            print(f"\n   (clicked {c.action}: {c.title or title(c.product_id) or c.product_id})")
        fb = {1: " [thumbs up]", 0: " [thumbs down]"}.get(t.feedback, "")
        via = "" if t.source == "message" else f" (via {'a button' if t.source == 'action' else t.source})"
        print(f"\n#{t.index}{fb} shopper{via}: {t.user_text}")
        if t.feedback_comment:
            print(f"   feedback comment: {t.feedback_comment}")
        print(f"   filters: {json.dumps(t.filters, ensure_ascii=False)}")
        shown = [f"{pid} ({_one_line(name, 50)})" if (name := title(pid)) else pid for pid in t.shown]
        print(f"   matched {t.matched}, {t.latency_ms:.0f} ms, shown: {', '.join(shown) or 'nothing'}")
        print("   answer: " + t.answer.replace("\n", "\n           "))
    for c in clicks:
        print(f"\n   (clicked {c.action}: {c.title or title(c.product_id) or c.product_id})")
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
    # lazy: only `sift transcripts report` needs these (the answer templates and lexicon load here)
    from transcripts.insights import insights, insights_markdown
    from transcripts.report import report_markdown, unmet_demand

    conversations = _store(args).all_conversations()
    rows = unmet_demand(conversations, top=args.top)
    more = insights(conversations, top=args.top)
    if args.json:
        _print_json({"unmet_demand": [r.to_json() for r in rows], **more.to_json()})
    else:
        sys.stdout.write("## Unmet demand\n\n" + report_markdown(rows) + insights_markdown(more))
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

    p = common(sub.add_parser("show", help="every turn of one conversation, with feedback comments and clicks"))
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-titles", dest="titles", action="store_false",
                   help="do not look up product titles in the catalog")
    p.set_defaults(func=cmd_show)

    p = common(sub.add_parser("export", help="turns as JSON Lines or an HTML page"))
    p.add_argument("ids", nargs="*", metavar="ID", help="conversations to export (default: all)")
    p.add_argument("--format", choices=("jsonl", "html"), default="jsonl")
    p.add_argument("--out", help="write here instead of stdout")
    p.add_argument("--no-titles", dest="titles", action="store_false",
                   help="HTML: do not look up product titles in the catalog")
    p.set_defaults(func=cmd_export)

    p = common(sub.add_parser("report", help="unmet demand (filter combinations ending in zero results or a "
                                             "thumbs-down), unanswered questions, messages with no shopping "
                                             "content, attributes no filter holds"))
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)
