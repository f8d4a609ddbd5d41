"""Where HTTP conversations are counted, recorded and read back (checkpoints, chat-history tables); apart from http_api.py, which routes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from sqlalchemy import create_engine, text

from transcripts.datalayer import ensure_schema
from transcripts.store import sync_url

from . import ui


def _utc_now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------------------------- turn counting
def count_turns(assistant: Any, thread_id: str) -> int:
    """Completed turns of a conversation = its checkpoints (the assistant writes one per turn, durability="exit").

    Read from the checkpointer database, so every replica sharing it agrees. SQLite: one COUNT query;
    other savers: their `list()` (deserialises each checkpoint, fine for conversations of tens of turns).
    """
    saver = getattr(assistant.graph, "checkpointer", None)
    saver = getattr(saver, "inner", saver)  # the ResilientSaver wrapper (agent/checkpoint.py)
    if saver is None:
        return 0
    conn = getattr(saver, "conn", None)
    lock = getattr(saver, "lock", None)
    if conn is not None and type(saver).__name__ == "SqliteSaver" and lock is not None:
        with lock:
            row = conn.execute("SELECT COUNT(*) FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ''",
                               (thread_id,)).fetchone()
        return int(row[0]) if row else 0
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    return sum(1 for _ in saver.list(config))


# ---------------------------------------------------------------------------------------------- transcripts
class TranscriptWriter:
    """Append HTTP turns to the chat-history tables (the rows `transcripts.store.TranscriptStore` reads)."""

    def __init__(self, url: str):
        self.url = url
        self._engine = None
        self._schema_ready = False

    def _conn(self):
        if self._engine is None:
            self._engine = create_engine(sync_url(self.url))
        if not self._schema_ready:
            ensure_schema(self.url)
            self._schema_ready = True
        return self._engine.begin()

    def write(self, thread_id: str, user: str, record: ui.TurnRecord) -> None:
        now = _utc_now()
        with self._conn() as conn:
            conn.execute(text('INSERT INTO threads ("id", "createdAt", "name", "userIdentifier", "metadata") '
                              'VALUES (:id, :at, :name, :user, :meta) ON CONFLICT ("id") DO NOTHING'),
                         {"id": thread_id, "at": now, "name": record.user_text[:80], "user": user,
                          "meta": json.dumps({"source": "http"})})
            conn.execute(text('INSERT INTO steps ("id", "name", "type", "threadId", "streaming", "metadata", '
                              '"output", "createdAt", "start", "end") VALUES (:id, :name, :type, :thread, :streaming, '
                              ':meta, :output, :at, :at, :at)'),
                         {"id": str(uuid.uuid4()), "name": "Sift", "type": "assistant_message", "thread": thread_id,
                          "streaming": False, "meta": json.dumps({"sift_turn": record.to_json()}),
                          "output": record.answer, "at": now})

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def checkpoint_transcript(assistant: Any, thread_id: str) -> dict[str, Any] | None:
    """The agent-side view of a conversation (kept messages + state), when the chat history has no rows."""
    state = assistant.state(thread_id)
    if not state:
        return None
    messages = []
    for m in state.get("messages") or []:
        if isinstance(m, HumanMessage):
            messages.append({"role": "user", "content": m.content})
        elif isinstance(m, AIMessage) and not m.tool_calls and isinstance(m.content, str):
            messages.append({"role": "assistant", "content": m.content})
    return {"id": thread_id, "source": "checkpoint", "turns": count_turns(assistant, thread_id),
            "filters": dict(state.get("filters") or {}), "matched": int(state.get("matched") or 0),
            "shown": list(state.get("shown") or []), "messages": messages,
            "note": "from the agent's checkpoint: only the last turns' messages are kept"}
