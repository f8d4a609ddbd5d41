"""Chat history in any SQLAlchemy database: the tables Chainlit's SQLAlchemy data layer queries, created by us.

`SQLAlchemyDataLayer` (chainlit/data/sql_alchemy.py) reads and writes five tables (users, threads, steps,
elements, feedbacks) with quoted camelCase columns but does not create them. `ensure_schema(url)`
creates them if missing (SQLite by default; the same DDL runs on PostgreSQL). `SiftDataLayer` adds two
things SQLite needs: list/dict step fields stored as JSON text, and element props read back as objects
(so product cards come back on resume). `LocalFileStorage` keeps element payloads under a folder, which
the data layer requires before it stores any element.

Database faults never break the chat: a write that fails (SQLite locked past its busy timeout or full,
PostgreSQL down) is logged as a warning naming the statement and the conversation, and the chat goes on
without that row (Chainlit's `execute_sql` already returns None on SQL errors; `SiftDataLayer` logs them
through `transcripts.datalayer` and also guards the write methods against the errors raised around
the SQL: a failed file write, a missing row). SQLite files use WAL so review reads never block the chat.

    >>> ensure_schema("sqlite+aiosqlite:////tmp/chat.sqlite")   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_S = 5.0  # a brief lock waits this long before a write gives up (and is logged)
SCHEMA_LOCK = 0x5EF7_DA7A  # PostgreSQL advisory lock key held while the tables are created
# Quoted identifiers keep the camelCase column names Chainlit's queries use. TEXT for ids/JSON so the same
# statements work on SQLite and PostgreSQL; ON CONFLICT(id) needs the primary keys.
SCHEMA: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS users (
        "id" TEXT PRIMARY KEY,
        "identifier" TEXT NOT NULL UNIQUE,
        "metadata" TEXT NOT NULL,
        "createdAt" TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS threads (
        "id" TEXT PRIMARY KEY,
        "createdAt" TEXT,
        "name" TEXT,
        "userId" TEXT,
        "userIdentifier" TEXT,
        "tags" TEXT,
        "metadata" TEXT,
        FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS steps (
        "id" TEXT PRIMARY KEY,
        "name" TEXT NOT NULL,
        "type" TEXT NOT NULL,
        "threadId" TEXT NOT NULL,
        "parentId" TEXT,
        "command" TEXT,
        "modes" TEXT,
        "streaming" BOOLEAN NOT NULL,
        "waitForAnswer" BOOLEAN,
        "isError" BOOLEAN,
        "metadata" TEXT,
        "tags" TEXT,
        "input" TEXT,
        "output" TEXT,
        "createdAt" TEXT,
        "start" TEXT,
        "end" TEXT,
        "generation" TEXT,
        "showInput" TEXT,
        "defaultOpen" BOOLEAN,
        "autoCollapse" BOOLEAN,
        "language" TEXT,
        "icon" TEXT,
        "indent" INT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS elements (
        "id" TEXT PRIMARY KEY,
        "threadId" TEXT,
        "type" TEXT,
        "url" TEXT,
        "chainlitKey" TEXT,
        "name" TEXT NOT NULL,
        "display" TEXT,
        "objectKey" TEXT,
        "size" TEXT,
        "page" INT,
        "language" TEXT,
        "forId" TEXT,
        "mime" TEXT,
        "props" TEXT,
        "autoPlay" BOOLEAN,
        "playerConfig" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    """CREATE TABLE IF NOT EXISTS feedbacks (
        "id" TEXT PRIMARY KEY,
        "forId" TEXT NOT NULL,
        "threadId" TEXT,
        "value" INT NOT NULL,
        "comment" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE
    )""",
    'CREATE INDEX IF NOT EXISTS steps_thread ON steps ("threadId")',
    'CREATE INDEX IF NOT EXISTS elements_thread ON elements ("threadId")',
    'CREATE INDEX IF NOT EXISTS feedbacks_for ON feedbacks ("forId")',
)


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        return Path(path) if path and path != ":memory:" else None
    return None


async def _create(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                # Replicas starting together: concurrent CREATE TABLE IF NOT EXISTS collide in PostgreSQL's
                # catalog (duplicate key in pg_type), so one process creates while the others wait here.
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            for stmt in SCHEMA:
                await conn.execute(text(stmt))
        if url.startswith("sqlite") and _sqlite_path(url) is not None:
            # WAL (persistent in the file): `sift transcripts` reading never blocks the chat writing.
            async with engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    finally:
        await engine.dispose()


def ensure_schema(url: str) -> None:
    """Create the chat-history tables if missing. Safe to call at every start; works inside a running loop."""
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_create(url))
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    t = threading.Thread(target=run, name="sift-schema")
    t.start()
    t.join()
    if errors:
        raise RuntimeError(f"could not create the chat-history tables at {url!r}: {errors[0]} "
                           "(check SIFT_DATABASE_URL and that its async driver is installed)") from errors[0]


@functools.cache
def local_file_storage_class():
    """`LocalFileStorage` (built on first use: importing chainlit has side effects, so not at import)."""
    from chainlit.data.storage_clients.base import BaseStorageClient  # lazy: see the docstring

    class LocalFileStorage(BaseStorageClient):
        """Element payloads as files under `root` (object keys are sanitised; nothing outside root is touched)."""

        def __init__(self, root: str | Path):
            self.root = Path(root).resolve()
            self.root.mkdir(parents=True, exist_ok=True)

        def _path(self, object_key: str) -> Path:
            safe = "/".join(p for p in object_key.replace("\\", "/").split("/") if p not in ("", ".", ".."))
            path = (self.root / safe).resolve()
            if self.root not in path.parents:
                raise ValueError(f"object key escapes the storage folder: {object_key!r}")
            return path

        async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                              overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
            path = self._path(object_key)
            payload = data.encode() if isinstance(data, str) else data

            def write() -> None:
                path.parent.mkdir(parents=True, exist_ok=True)
                if overwrite or not path.exists():
                    path.write_bytes(payload)

            await asyncio.to_thread(write)  # file I/O off the event loop
            # No public URL: custom elements render from their props; uploaded files are kept for review only.
            return {"object_key": object_key, "url": None}

        async def delete_file(self, object_key: str) -> bool:
            path = self._path(object_key)
            if path.exists():
                path.unlink()
            return True

        async def get_read_url(self, object_key: str) -> str:
            return ""

        async def close(self) -> None:
            return None

    return LocalFileStorage


def make_data_layer(url: str, files_dir: str | Path, create_tables: bool = True,
                    busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S):
    """A `SiftDataLayer` over `url` with element payloads under `files_dir` (tables created first unless
    `create_tables` is False, for callers that already ran `ensure_schema` at startup). `busy_timeout_s`:
    how long a SQLite write waits for a lock held elsewhere before it fails (and is logged)."""
    if create_tables:
        ensure_schema(url)
    connect_args = {"timeout": busy_timeout_s} if url.startswith("sqlite") else None
    return _data_layer_class()(conninfo=url, connect_args=connect_args,
                               storage_provider=local_file_storage_class()(files_dir))


def _statement(query: str) -> str:
    """The statement's kind ("INSERT INTO steps"), for log lines (never its values)."""
    words = re.sub(r"\s+", " ", query).strip().split(" ")
    return " ".join(words[:3]) if words and words[0].upper() in ("INSERT", "DELETE") else " ".join(words[:2])


def _thread_of(name: str, args: tuple, kwargs: dict[str, Any]) -> str | None:
    """The conversation a data-layer call is about (for log lines), whatever its argument shape."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, dict):
            found = value.get("threadId") or value.get("thread_id")
            if found:
                return str(found)
        found = getattr(value, "thread_id", None) or getattr(value, "threadId", None)
        if isinstance(found, str):
            return found
    for key in ("thread_id", "threadId"):
        if kwargs.get(key):
            return str(kwargs[key])
    return str(args[0]) if "thread" in name and args and isinstance(args[0], str) else None


def _guarded(default: Any = None):
    """Decorator for data-layer writes: any exception is logged with the conversation id, never raised."""

    def wrap(method):
        @functools.wraps(method)
        async def guarded(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except Exception as exc:
                log.warning("chat history %s failed for conversation %s (%s: %s); the chat goes on without it",
                            method.__name__, _thread_of(method.__name__, args, kwargs), type(exc).__name__, exc)
                return default(*args, **kwargs) if callable(default) else default

        return guarded

    return wrap


@functools.cache
def _data_layer_class():
    # lazy: Chainlit's data layer takes ~1.6 s to import and has side effects; `ensure_schema` needs none of it
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    class SiftDataLayer(SQLAlchemyDataLayer):
        """SQLAlchemyDataLayer plus JSON text for list/dict step fields, props parsed back on read, and
        database faults logged (not raised) on writes."""

        async def execute_sql(self, query: str, parameters: dict):  # type: ignore[override]
            """Chainlit's contract (rows, a row count, or None when the statement failed), logged here."""
            async with self.async_session() as session:
                try:
                    await session.begin()
                    result = await session.execute(text(query), parameters)
                    await session.commit()
                    if result.returns_rows:
                        return self.clean_result([dict(row._mapping) for row in result.fetchall()])
                    return result.rowcount
                except Exception as exc:
                    try:
                        await session.rollback()
                    except Exception:  # the connection itself is gone; the pool replaces it
                        pass
                    params = parameters or {}
                    thread = params.get("threadId") or params.get("thread_id") or (
                        params.get("id") if "threads" in query else None)
                    log.warning("chat history %s failed (conversation %s): %s: %s; the chat goes on without it",
                                _statement(query), thread, type(exc).__name__, (str(exc).splitlines() or [""])[0][:300])
                    return None

        @_guarded()
        async def update_thread(self, thread_id, name=None, user_id=None, metadata=None, tags=None):
            tags_json = json.dumps(tags) if isinstance(tags, list) else tags
            return await super().update_thread(thread_id, name=name, user_id=user_id, metadata=metadata,
                                               tags=tags_json)

        @_guarded()
        async def create_step(self, step_dict):  # type: ignore[override]
            step_dict = dict(step_dict)
            for key in ("tags", "modes"):
                value = step_dict.get(key)
                if isinstance(value, list | dict):
                    step_dict[key] = json.dumps(value) if value else None
            step_dict.pop("feedback", None)
            return await super().create_step(step_dict)

        @_guarded()
        async def update_step(self, step_dict):  # type: ignore[override]
            return await super().update_step(step_dict)

        @_guarded()
        async def delete_step(self, step_id):  # type: ignore[override]
            return await super().delete_step(step_id)

        @_guarded()
        async def delete_thread(self, thread_id):  # type: ignore[override]
            return await super().delete_thread(thread_id)

        @_guarded()
        async def create_element(self, element):  # type: ignore[override]
            return await super().create_element(element)

        @_guarded()
        async def delete_element(self, element_id, thread_id=None):  # type: ignore[override]
            return await super().delete_element(element_id, thread_id)

        @_guarded(default=lambda feedback: feedback.id or "")
        async def upsert_feedback(self, feedback):  # type: ignore[override]
            return await super().upsert_feedback(feedback)

        @_guarded(default=False)
        async def delete_feedback(self, feedback_id):  # type: ignore[override]
            return await super().delete_feedback(feedback_id)

        @_guarded()
        async def create_user(self, user):  # type: ignore[override]
            return await super().create_user(user)

        async def get_all_user_threads(self, user_id=None, thread_id=None):
            threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
            for thread in threads or []:
                for element in thread.get("elements") or []:
                    props = element.get("props")
                    if isinstance(props, str):
                        try:
                            element["props"] = json.loads(props)
                        except ValueError:
                            element["props"] = {}
                for step in thread.get("steps") or []:
                    meta = step.get("metadata")
                    if isinstance(meta, str):
                        try:
                            step["metadata"] = json.loads(meta)
                        except ValueError:
                            step["metadata"] = {}
                # Rows come back in no particular order; show chips first, then cards in result order.
                thread["elements"] = sorted(thread.get("elements") or [], key=_element_order)
                tags = thread.get("tags")
                if isinstance(tags, str):
                    try:
                        thread["tags"] = json.loads(tags)
                    except ValueError:
                        thread["tags"] = []
            return threads

    return SiftDataLayer


def _element_order(element: dict[str, Any]) -> tuple[int, float]:
    props = element.get("props") if isinstance(element.get("props"), dict) else {}
    position = props.get("position")
    return (0 if element.get("name") == "FilterChips" else 1,
            float(position) if isinstance(position, int | float) else 0.0)
