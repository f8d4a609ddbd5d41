"""`sift chat`: the assistant in a terminal, interactive or from a script.

The extractor is the one `sift.extractor_choice` picks (as for `sift extract` and the app); which one and
why is printed on stderr at start.

    sift chat                                  # interactive: one message per line, Ctrl-D or "quit" ends
    sift chat --conversation my-id             # continue a stored conversation (SQLite, survives restarts)
    sift chat --script turns.json [--json]     # a JSON list of messages, or JSONL of {"id", "turns"}

With `--json` every turn prints one line with exactly these fields:
`{"conversation", "turn", "user", "filters", "matched", "shown", "answer"}`, where `filters` is the full
state after the turn (`Filters.active()`), not the change.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

JSON_FIELDS = ("conversation", "turn", "user", "filters", "matched", "shown", "answer")


class ScriptError(ValueError):
    """A chat script that cannot be read; the message shows the accepted shapes."""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("chat", help="chat with the assistant in the terminal (or replay a script)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--catalog", type=Path, default=None,
                   help="catalog file (Amazon-2023 JSONL[.gz], CSV/JSONL); default: the demo catalog")
    p.add_argument("--script", type=Path, default=None,
                   help="JSON list of messages, or JSONL with one {\"id\", \"turns\"} conversation per line")
    p.add_argument("--json", action="store_true", help="one JSON line per turn (with --script or interactive)")
    p.add_argument("--conversation", default=None, help="conversation id to start or continue (interactive)")
    p.add_argument("--db", type=Path, default=None,
                   help="SQLite file for conversation state (default: <SIFT_HOME>/conversations.sqlite when "
                        "interactive, in memory for --script)")
    p.set_defaults(func=cmd_chat)
    return p


# ---------------------------------------------------------------------------------------------- scripts
def load_script(path: str | Path) -> list[dict[str, Any]]:
    """Conversations `[{"id", "turns": [str, ...]}]` from a script file.

    Accepted: a JSON list of messages (one conversation, id = file stem); a JSON object or list of objects
    with `id` and `turns`; JSONL with one such object per line. A turn is a string or `{"user": str, ...}`
    (the committed test conversations), so test data replays as is.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(f"cannot read script {path}: {exc}") from None
    try:
        data: Any = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except ValueError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise ScriptError(f"{path} is neither JSON nor JSONL ({exc}); expected a list of messages or "
                              '{"id": ..., "turns": [...]} per line') from None
    if items and all(isinstance(x, str) for x in items):
        return [{"id": path.stem.split(".")[0], "turns": list(items)}]
    conversations = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("turns"), list):
            raise ScriptError(f"{path} item {i}: expected {{\"id\": ..., \"turns\": [...]}}, got {str(item)[:80]}")
        turns = [t if isinstance(t, str) else str(t.get("user", "")) for t in item["turns"]]
        conversations.append({"id": str(item.get("id") or f"{path.stem}-{i}"), "turns": turns})
    return conversations


def turn_json(conversation: str, turn: int, user: str, result: Any) -> dict[str, Any]:
    return {"conversation": conversation, "turn": turn, "user": user, "filters": result.filters.active(),
            "matched": result.matched, "shown": list(result.shown), "answer": result.answer}


def run_script(assistant: Any, conversations: Iterable[dict[str, Any]], as_json: bool = False,
               out: TextIO | None = None) -> int:
    out = out or sys.stdout  # read at call time, so a redirected stdout is honoured
    for conv in conversations:
        if not as_json:
            out.write(f"=== {conv['id']}\n")
        for i, text in enumerate(conv["turns"], 1):
            result = assistant.turn(conv["id"], text)
            if as_json:
                out.write(json.dumps(turn_json(conv["id"], i, text, result), ensure_ascii=False) + "\n")
            else:
                _print_turn(out, text, result)
        out.flush()
    return 0


def _print_turn(out: TextIO, text: str, result: Any) -> None:
    out.write(f"you> {text}\n")
    out.write(f"sift> {result.answer}\n")
    if result.chips:
        out.write(f"      [{' | '.join(result.chips)}]  {result.matched} match  ({result.latency_ms:.0f} ms)\n")
    out.write("\n")


def interactive(assistant: Any, conversation: str, as_json: bool = False, stdin: TextIO | None = None,
                out: TextIO | None = None) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    if not as_json:
        out.write(f"Sift chat (conversation {conversation}). Type what you're looking for; "
                  "'quit' or Ctrl-D ends.\n")
    turn = 0
    for line in stdin:
        text = line.strip()
        if not text:
            continue
        if text.lower() in ("quit", "exit", "/quit", "/exit", ":q"):
            break
        turn += 1
        result = assistant.turn(conversation, text)
        if as_json:
            out.write(json.dumps(turn_json(conversation, turn, text, result), ensure_ascii=False) + "\n")
        else:
            out.write(f"sift> {result.answer}\n")
            if result.chips:
                out.write(f"      [{' | '.join(result.chips)}]  {result.matched} match\n")
        out.flush()
    return 0


# ---------------------------------------------------------------------------------------------- command
def assistant_from_args(args: argparse.Namespace, checkpoint_path: Path | str | None) -> Any:
    """Engine, extractor and chat model from the shell's settings and `args`; says which extractor runs and why."""
    from .. import wiring  # lazy: the index store, extractors and agent (~1 s with LangChain), only for chat

    settings = args.settings
    engine = wiring.build_engine(settings, getattr(args, "catalog", None), show_progress=not args.json)
    llm = getattr(args, "llm", None) or settings.llm
    assistant, choice = wiring.build_assistant(settings, engine, checkpoint_path, llm=llm)
    print(choice.line(), file=sys.stderr)
    return assistant


def cmd_chat(args: argparse.Namespace) -> int:
    conversations = None
    if args.script is not None:
        try:
            conversations = load_script(args.script)
        except ScriptError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    db = args.db
    if db is None and conversations is None:
        db = args.settings.checkpoint_target()  # SQLite in SIFT_HOME, or PostgreSQL by SIFT_DATABASE_URL
    try:
        assistant = assistant_from_args(args, db)
    except Exception as exc:  # a wiring problem (bad LLM spec, missing package) is a message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if conversations is not None:
        return run_script(assistant, conversations, as_json=args.json)
    conversation = args.conversation or f"chat-{uuid.uuid4().hex[:8]}"
    return interactive(assistant, conversation, as_json=args.json)
