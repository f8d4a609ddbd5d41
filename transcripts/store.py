"""Read stored conversations for review: the chat window writes them, this reads them (synchronously).

A turn is an assistant message whose metadata holds "sift_turn" (user text, filters, matched count, shown
ids, latency...); its thumbs up/down is the feedback row whose "forId" is that message's run step (its
parent step in Chainlit 2) or the message itself.

    >>> store = TranscriptStore("sqlite+aiosqlite:///.sift/chat.sqlite")      # doctest: +SKIP
    >>> [c.id for c in store.conversations()]                                 # doctest: +SKIP
    >>> store.conversation("3f2a...").turns[0].filters                        # doctest: +SKIP
    {'brand': ['Samsung'], 'price_max': 300}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

TURN_KEY = "sift_turn"
CLICK_KEY = "sift_click"  # a click on a card ("details"), kept as a step: {"action", "id", "title"}


def sync_url(url: str) -> str:
    """The synchronous driver's URL for an async one: sqlite+aiosqlite -> sqlite, postgresql+asyncpg -> +psycopg."""
    scheme, sep, rest = url.partition("://")
    for async_part, sync_part in (("+aiosqlite", ""), ("+asyncpg", "+psycopg"), ("+aiomysql", "+pymysql")):
        if scheme.endswith(async_part):
            return scheme[: -len(async_part)] + sync_part + sep + rest
    return url


@dataclass
class Turn:
    index: int
    step_id: str
    created_at: str
    user_text: str
    filters: dict[str, Any]
    matched: int
    shown: list[str]
    answer: str
    latency_ms: float
    feedback: int | None = None  # 1 thumbs up, 0 thumbs down, None none
    feedback_comment: str | None = None
    chips: list[str] = field(default_factory=list)
    clarifying: bool = False
    source: str = "message"
    topic: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Click:
    created_at: str
    action: str
    product_id: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Conversation:
    id: str
    name: str | None
    user: str | None
    created_at: str | None
    turns: list[Turn] = field(default_factory=list)
    clicks: list[Click] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "user": self.user, "created_at": self.created_at,
                "turns": [t.to_json() for t in self.turns], "clicks": [c.to_json() for c in self.clicks]}


@dataclass
class ConversationSummary:
    id: str
    name: str | None
    user: str | None
    created_at: str | None
    turns: int
    thumbs_up: int
    thumbs_down: int
    zero_results: int
    first_message: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _json(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, dict | list):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return default


def _turn(index: int, row: dict[str, Any]) -> Turn | None:
    meta = _json(row.get("metadata"), {})
    data = meta.get(TURN_KEY) if isinstance(meta, dict) else None
    if not isinstance(data, dict):
        return None
    value = row.get("fvalue")
    return Turn(index=index, step_id=str(row["id"]), created_at=str(row.get("createdAt") or ""),
                user_text=str(data.get("user_text", "")), filters=dict(data.get("filters") or {}),
                matched=int(data.get("matched") or 0), shown=[str(s) for s in data.get("shown") or []],
                answer=str(data.get("answer") or row.get("output") or ""),
                latency_ms=float(data.get("latency_ms") or 0.0),
                feedback=int(value) if value is not None else None, feedback_comment=row.get("fcomment"),
                chips=[str(c) for c in data.get("chips") or []], clarifying=bool(data.get("clarifying")),
                source=str(data.get("source") or "message"), topic=str(data.get("topic") or ""))


class TranscriptStore:
    """Read-only view of the chat-history database (any SQLAlchemy URL; async URLs are mapped to sync)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(sync_url(url))

    def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            with self.engine.connect() as conn:
                return [dict(r._mapping) for r in conn.execute(text(sql), params or {})]
        except (OperationalError, ProgrammingError) as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                return []  # the chat window has not run against this database yet
            raise

    def _threads(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        where = 'WHERE t."id" = :id' if thread_id else ""
        return self._rows(f'SELECT t."id", t."name", t."userIdentifier", t."createdAt" FROM threads t {where} '
                          'ORDER BY t."createdAt"', {"id": thread_id} if thread_id else None)

    def _turns(self, thread_ids: list[str]) -> dict[str, list[Turn]]:
        if not thread_ids:
            return {}
        keys = {f"t{i}": t for i, t in enumerate(thread_ids)}
        placeholders = ", ".join(f":{k}" for k in keys)
        rows = self._rows(
            'SELECT s."id", s."threadId", s."createdAt", s."output", s."metadata", f."value" AS fvalue, '
            'f."comment" AS fcomment FROM steps s '
            # Chainlit 2 puts the thumbs on the message's run step (its parent); older versions on the message.
            'LEFT JOIN feedbacks f ON (f."forId" = s."id" OR f."forId" = s."parentId") '
            f'WHERE s."threadId" IN ({placeholders}) AND s."type" = \'assistant_message\' '
            'ORDER BY s."createdAt", s."id"', keys)
        out: dict[str, list[Turn]] = {t: [] for t in thread_ids}
        seen: set[str] = set()
        for row in rows:
            if row["id"] in seen:  # one row per message even if two feedback rows exist
                continue
            turn = _turn(len(out[row["threadId"]]) + 1, row)
            if turn is not None:
                seen.add(row["id"])
                out[row["threadId"]].append(turn)
        return out

    def _clicks(self, thread_id: str) -> list[Click]:
        rows = self._rows('SELECT s."createdAt", s."metadata" FROM steps s WHERE s."threadId" = :id '
                          f'AND s."metadata" LIKE \'%{CLICK_KEY}%\' ORDER BY s."createdAt"', {"id": thread_id})
        out = []
        for row in rows:
            data = _json(row.get("metadata"), {}).get(CLICK_KEY)
            if isinstance(data, dict):
                out.append(Click(str(row.get("createdAt") or ""), str(data.get("action") or ""),
                                 str(data.get("id") or ""), str(data.get("title") or "")))
        return out

    def conversations(self) -> list[ConversationSummary]:
        threads = self._threads()
        turns = self._turns([t["id"] for t in threads])
        out = []
        for t in threads:
            ts = turns.get(t["id"], [])
            if not ts:
                continue
            out.append(ConversationSummary(
                id=t["id"], name=t.get("name"), user=t.get("userIdentifier"), created_at=t.get("createdAt"),
                turns=len(ts), thumbs_up=sum(x.feedback == 1 for x in ts),
                thumbs_down=sum(x.feedback == 0 for x in ts), zero_results=sum(x.matched == 0 for x in ts),
                first_message=ts[0].user_text))
        return out

    def conversation(self, conversation_id: str) -> Conversation | None:
        threads = self._threads(conversation_id)
        if not threads:
            return None
        t = threads[0]
        return Conversation(id=t["id"], name=t.get("name"), user=t.get("userIdentifier"),
                            created_at=t.get("createdAt"), turns=self._turns([t["id"]])[t["id"]],
                            clicks=self._clicks(t["id"]))

    def all_conversations(self, ids: list[str] | None = None) -> list[Conversation]:
        if ids:
            found = [self.conversation(i) for i in ids]
            return [c for c in found if c is not None]
        threads = self._threads()
        turns = self._turns([t["id"] for t in threads])
        return [Conversation(id=t["id"], name=t.get("name"), user=t.get("userIdentifier"),
                             created_at=t.get("createdAt"), turns=turns[t["id"]])
                for t in threads if turns.get(t["id"])]
