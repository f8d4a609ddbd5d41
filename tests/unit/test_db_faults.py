"""Database faults (issue 7): a locked or full database, or one that cannot be read, never costs the shopper
the answer; the failure is logged and persistence resumes once the database recovers.

Conversation state: `agent.checkpoint.ResilientSaver` around LangGraph's SqliteSaver. Chat history:
`transcripts.datalayer.SiftDataLayer` (Chainlit's SQLAlchemy data layer) on SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import contextmanager

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.assistant import FAILED_TURN
from agent.checkpoint import ResilientSaver, open_checkpointer
from agent.factory import make_assistant
from transcripts.store import TURN_KEY, TranscriptStore

FAILED_PREFIX = FAILED_TURN.split("(")[0]
BUSY_S = 0.2  # short busy timeouts keep the locked-database tests fast


@contextmanager
def exclusive_lock(path):
    """Another connection holding the database's write lock (as a long migration or a backup would)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("COMMIT")
        other.close()


def answered(result) -> bool:
    return bool(result.answer) and not result.answer.startswith(FAILED_PREFIX) and bool(result.shown)


def warnings_from(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


# ---------------------------------------------------------------------------------------------- conversation state
def test_locked_checkpoint_db_still_answers_then_persists_again(demo_engine, tmp_path, caplog):
    db = tmp_path / "conversations.sqlite"
    saver = open_checkpointer(db, busy_timeout_s=BUSY_S)
    assistant = make_assistant(demo_engine, checkpointer=saver)
    assert answered(assistant.turn("locked", "a cheap samsung phone"))

    caplog.set_level(logging.WARNING, logger="agent.checkpoint")
    with exclusive_lock(db):
        r = assistant.turn("locked", "only black ones")
    assert answered(r), r.answer
    assert r.filters.brand == ["Samsung"] and r.filters.color == ["black"]  # the turn itself saw the state
    [warning] = warnings_from(caplog, "agent.checkpoint")
    assert "database is locked" in warning and "locked" in warning and "not saved" in warning

    r3 = assistant.turn("locked", "with lots of reviews")
    assert answered(r3) and len(warnings_from(caplog, "agent.checkpoint")) == 1
    # A new process (a fresh saver) sees what was saved after the lock went: the locked turn is the only loss.
    reopened = make_assistant(demo_engine, checkpoint_path=db)
    stored = reopened.filters("locked")
    assert stored.brand == ["Samsung"] and stored.review_count_min == "high" and stored.color == []


def test_full_checkpoint_db_still_answers_then_persists_again(demo_engine, tmp_path, caplog):
    db = tmp_path / "conversations.sqlite"
    saver = open_checkpointer(db, busy_timeout_s=BUSY_S)
    assistant = make_assistant(demo_engine, checkpointer=saver)
    assert answered(assistant.turn("full", "a samsung phone"))

    conn = saver.inner.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: no page can be added
    caplog.set_level(logging.WARNING, logger="agent.checkpoint")
    r = assistant.turn("full", "under 900 dollars")
    assert answered(r) and r.filters.price_max == 900.0
    assert any("database or disk is full" in w for w in warnings_from(caplog, "agent.checkpoint"))
    assert saver.failures["write"] >= 1

    conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    assert answered(assistant.turn("full", "only black ones"))
    stored = make_assistant(demo_engine, checkpoint_path=db).filters("full")
    assert stored.brand == ["Samsung"] and stored.color == ["black"]


class FlakySaver(InMemorySaver):
    """An in-memory store whose reads fail on demand (a database that went away)."""

    fail_reads = False

    def get_tuple(self, config):
        if self.fail_reads:
            raise sqlite3.OperationalError("disk I/O error")
        return super().get_tuple(config)


def test_failed_read_answers_from_last_known_state_and_never_overwrites(demo_engine, caplog):
    store = FlakySaver()
    assistant = make_assistant(demo_engine, checkpointer=ResilientSaver(store))
    assistant.turn("flaky", "a samsung phone")
    saved = store.get_tuple({"configurable": {"thread_id": "flaky"}}).checkpoint["id"]

    store.fail_reads = True
    caplog.set_level(logging.WARNING, logger="agent.checkpoint")
    r = assistant.turn("flaky", "only black ones")
    assert answered(r) and r.filters.brand == ["Samsung"] and r.filters.color == ["black"]
    assert any("disk I/O error" in w for w in warnings_from(caplog, "agent.checkpoint"))
    # A replica with nothing cached answers from scratch; neither saves over the stored conversation.
    other = make_assistant(demo_engine, checkpointer=ResilientSaver(store))
    r2 = other.turn("flaky", "only white ones")
    assert answered(r2) and r2.filters.brand == [] and r2.filters.color == ["white"]

    store.fail_reads = False
    assert store.get_tuple({"configurable": {"thread_id": "flaky"}}).checkpoint["id"] == saved
    r3 = other.turn("flaky", "under 800")  # reads work again: the stored state is back, and saving resumes
    assert r3.filters.brand == ["Samsung"] and r3.filters.price_max == 800.0 and r3.filters.color == []
    assert store.get_tuple({"configurable": {"thread_id": "flaky"}}).checkpoint["id"] != saved


def test_programming_errors_are_not_swallowed():
    class Broken(InMemorySaver):
        def put(self, *args, **kwargs):
            raise TypeError("a bug, not a database fault")

    saver = ResilientSaver(Broken())
    config = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    from langgraph.checkpoint.base import empty_checkpoint

    with pytest.raises(TypeError):
        saver.put(config, empty_checkpoint(), {}, {})


def test_open_checkpointer_targets(tmp_path):
    from langgraph.checkpoint.sqlite import SqliteSaver

    from agent.builder import open_checkpointer as builder_alias

    assert isinstance(open_checkpointer(None), InMemorySaver)
    by_path = open_checkpointer(tmp_path / "a" / "c.sqlite")
    assert isinstance(by_path, ResilientSaver) and isinstance(by_path.inner, SqliteSaver)
    assert by_path.inner.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert by_path.inner.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    by_url = builder_alias(f"sqlite:///{tmp_path / 'u.sqlite'}")
    assert isinstance(by_url.inner, SqliteSaver) and (tmp_path / "u.sqlite").exists()
    assert isinstance(open_checkpointer(tmp_path / "raw.sqlite", resilient=False), SqliteSaver)


def test_settings_pick_the_checkpoint_store(tmp_path):
    from sift.settings import Settings

    assert Settings(home=tmp_path).checkpoint_target() == tmp_path / "conversations.sqlite"
    sqlite_chat = Settings(home=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite'}")
    assert sqlite_chat.checkpoint_target() == tmp_path / "conversations.sqlite"
    pg = Settings(home=tmp_path, database_url="postgresql+asyncpg://sift:secret@db:5432/sift")
    assert pg.uses_postgres() and pg.checkpoint_target() == "postgresql://sift:secret@db:5432/sift"


# ---------------------------------------------------------------------------------------------- chat history
def _step(thread: str, step_id: str, output: str = "hello") -> dict:
    return {"id": step_id, "name": "Sift", "type": "assistant_message", "threadId": thread, "streaming": False,
            "output": output, "createdAt": "2026-01-01T00:00:00Z",
            "metadata": {TURN_KEY: {"user_text": "hi", "filters": {}, "matched": 1, "shown": ["P1"]}}}


def _layer(tmp_path, **kwargs):
    from transcripts.datalayer import make_data_layer

    url = f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite'}"
    return url, make_data_layer(url, tmp_path / "files", busy_timeout_s=BUSY_S, **kwargs)


def test_data_layer_writes_on_a_locked_db_are_logged_not_raised(tmp_path, caplog):
    url, layer = _layer(tmp_path)
    caplog.set_level(logging.WARNING, logger="transcripts.datalayer")

    async def go():
        from chainlit.context import init_http_context

        init_http_context()  # outside a websocket session the data layer writes at once
        await layer.update_thread("th-lock", name="chat")
        with exclusive_lock(tmp_path / "chat.sqlite"):
            await layer.create_step(_step("th-lock", "s-locked"))
            await layer.update_thread("th-lock", name="renamed")
        await layer.create_step(_step("th-lock", "s-after"))
        await layer.close()

    asyncio.run(go())
    warnings = warnings_from(caplog, "transcripts.datalayer")
    assert warnings and all("database is locked" in w for w in warnings)
    assert any("INSERT INTO steps" in w and "th-lock" in w for w in warnings)
    turns = TranscriptStore(url).conversation("th-lock").turns
    assert [t.step_id for t in turns] == ["s-after"]  # the locked write is lost, the next one is saved


def test_data_layer_on_a_full_db_and_failing_file_storage(tmp_path, caplog):
    import chainlit as cl
    from sqlalchemy import event

    url, layer = _layer(tmp_path)
    assert sqlite3.connect(tmp_path / "chat.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    @event.listens_for(layer.engine.sync_engine, "connect")
    def _full_disk(dbapi_conn, _record):  # each connection may grow the file by at most a few pages
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages + 2}")
        cur.close()

    (tmp_path / "files" / "unknown").write_text("a file where the storage wants a folder")
    caplog.set_level(logging.WARNING, logger="transcripts.datalayer")

    async def go():
        from chainlit.context import init_http_context

        init_http_context()
        await layer.update_thread("th-full", name="chat")
        await layer.create_step(_step("th-full", "s-small"))
        await layer.create_step(_step("th-full", "s-big", output="x" * 200_000))  # needs ~50 pages
        element = cl.CustomElement(name="ProductCards", props={"cards": []}, display="inline")
        element.for_id, element.thread_id = "s-small", "th-full"
        await layer.create_element(element)  # the payload file cannot be written
        await layer.close()

    asyncio.run(go())
    warnings = warnings_from(caplog, "transcripts.datalayer")
    assert any("database or disk is full" in w and "th-full" in w for w in warnings)
    assert any(w.startswith("chat history create_element failed for conversation th-full") for w in warnings)
    assert [t.step_id for t in TranscriptStore(url).conversation("th-full").turns] == ["s-small"]
