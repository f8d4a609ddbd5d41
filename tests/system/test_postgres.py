"""PostgreSQL by setting (issue 7): conversation state and chat history in one shared database, so several
app processes (replicas behind a load balancer) serve one conversation in turn; a database outage costs
the turn's persistence, never its answer.

Runs a throwaway PostgreSQL server (tests/system/pg.py). Skipped when the server binaries are absent,
except under CI (CI=true), where that is a failure: `make postgres` installs them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from tests.system.pg import REPO, PostgresServer, Replica, find_bindir

pytestmark = pytest.mark.slow
PHONES = "Cell Phones"


@pytest.fixture(scope="module")
def postgres():
    bindir = find_bindir()
    if bindir is None:
        message = ("PostgreSQL server binaries (initdb, pg_ctl) are not installed: run `make postgres` "
                   "(apt-get install postgresql)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + "; CI must run these tests")
        pytest.skip(message)
    with PostgresServer.started(bindir) as server:
        yield server


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """Where the replicas' demo catalog is written once (each process indexes it with the hashing embedder)."""
    from evals.conversation_eval import open_demo_engine

    workdir = tmp_path_factory.mktemp("replicas")
    open_demo_engine(workdir)
    return workdir


def test_two_processes_serve_one_conversation_alternately(postgres, demo_dir):
    url = postgres.create_database("checkpoints")
    a, b = Replica(demo_dir, url), Replica(demo_dir, url)
    try:
        assert a.pid != b.pid
        conv = f"alt-{uuid.uuid4().hex[:6]}"
        r1 = a.ask(conv, "a cheap samsung phone")
        r2 = b.ask(conv, "only black ones")
        r3 = a.ask(conv, "with lots of reviews")
        r4 = b.ask(conv, "what about pixel instead?")
    finally:
        a.close()
        b.close()
    assert r1["filters"] == {"price_max": "low", "subcategory": PHONES, "brand": ["Samsung"]}
    assert r2["filters"] == {**r1["filters"], "color": ["black"]}  # B continued what A started
    assert r3["filters"] == {**r2["filters"], "review_count_min": "high"}
    assert r4["filters"]["brand"] == ["Google"] and r4["filters"]["color"] == ["black"]
    assert r4["filters"]["review_count_min"] == "high" and r4["filters"]["price_max"] == "low"
    assert all(r["answer"] for r in (r1, r2, r3, r4))
    # The state is in the database, not in either process: a third reader sees the end of the conversation.
    from agent.factory import make_assistant
    from evals.conversation_eval import open_demo_engine

    reader = make_assistant(open_demo_engine(demo_dir), checkpoint_path=url)
    assert reader.filters(conv).active() == r4["filters"]
    assert reader.state(conv)["shown"]


def test_transcript_store_on_postgres(postgres, tmp_path):
    import chainlit as cl
    from chainlit.types import Feedback
    from chainlit.user import User

    from transcripts.datalayer import ensure_schema, make_data_layer
    from transcripts.store import TURN_KEY, TranscriptStore

    postgres.create_database("chat")
    url = postgres.url("chat", driver="asyncpg")
    ensure_schema(url)
    ensure_schema(url)  # every replica runs it at start: idempotent
    layer = make_data_layer(url, tmp_path / "files")
    turn = {"user_text": "a samsung phone under $300", "filters": {"brand": ["Samsung"], "price_max": 300},
            "matched": 4, "shown": ["P1", "P2"], "latency_ms": 9.5, "chips": ["Samsung"], "answer": "Here are 4"}

    async def go():
        from chainlit.context import init_http_context

        user = await layer.create_user(User(identifier="staff", metadata={"role": "staff"}))
        await layer.update_thread("pg-th", name="chat", user_id=user.id, tags=["phones"], metadata={"k": 1})
        init_http_context()  # outside a websocket session the data layer writes at once
        await layer.create_step({"id": "pg-s1", "name": "Sift", "type": "assistant_message", "threadId": "pg-th",
                                 "streaming": False, "isError": False, "output": "Here are 4", "tags": ["x"],
                                 "createdAt": "2026-01-01T00:00:01Z", "metadata": {TURN_KEY: turn}})
        await layer.upsert_feedback(Feedback(forId="pg-s1", value=1, threadId="pg-th", comment="good"))
        cards = cl.CustomElement(name="ProductCards", props={"cards": [{"id": "P1"}], "position": 1},
                                 display="inline")
        cards.for_id, cards.thread_id = "pg-s1", "pg-th"
        await layer.create_element(cards)
        thread = await layer.get_thread("pg-th")
        author = await layer.get_thread_author("pg-th")
        await layer.close()
        return thread, author

    thread, author = asyncio.run(go())
    assert author == "staff" and thread["tags"] == ["phones"]
    assert thread["steps"][0]["metadata"][TURN_KEY]["filters"] == turn["filters"]
    assert thread["elements"][0]["props"] == {"cards": [{"id": "P1"}], "position": 1}
    store = TranscriptStore(url)  # the review side reads the same rows through the sync driver
    [summary] = [c for c in store.conversations() if c.id == "pg-th"]
    assert (summary.user, summary.turns, summary.thumbs_up) == ("staff", 1, 1)
    [read] = store.conversation("pg-th").turns
    assert (read.user_text, read.filters, read.shown, read.feedback) == \
        (turn["user_text"], turn["filters"], ["P1", "P2"], 1)


def test_replicas_starting_together_create_the_tables_once(postgres):
    """Three processes start at once on an empty database: each creates the chat-history tables and the
    checkpoint tables (advisory locks serialise them: concurrent CREATE ... IF NOT EXISTS collide)."""
    url = postgres.create_database("startup")
    code = ("import sys; from transcripts.datalayer import ensure_schema; from agent.checkpoint import "
            "open_checkpointer, close_checkpointer; ensure_schema(sys.argv[1].replace('postgresql:', "
            "'postgresql+asyncpg:')); close_checkpointer(open_checkpointer(sys.argv[1]))")
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=REPO, env=env, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(e[-1500:] for e in errors)
    import psycopg

    with psycopg.connect(url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"users", "threads", "steps", "elements", "feedbacks", "checkpoints", "checkpoint_blobs",
            "checkpoint_writes"} <= tables


def test_database_outage_costs_persistence_not_answers(demo_dir, caplog):
    """PostgreSQL stops mid-conversation: the turn is answered and the failure logged; once it is back the
    conversation continues from what was saved and is saved again (same pool, no restart of the app)."""
    from agent.checkpoint import open_checkpointer
    from agent.factory import make_assistant
    from evals.conversation_eval import open_demo_engine

    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    engine = open_demo_engine(demo_dir)
    with PostgresServer.started() as pg:
        url = pg.create_database("outage")
        saver = open_checkpointer(url, pool_timeout_s=1.0)
        assistant = make_assistant(engine, checkpointer=saver)
        assert assistant.turn("out", "a samsung phone").shown
        pg.stop()
        caplog.set_level(logging.WARNING, logger="agent.checkpoint")
        r = assistant.turn("out", "only black ones")
        assert r.shown and r.filters.brand == ["Samsung"] and r.filters.color == ["black"]
        assert [w for w in caplog.records if w.name == "agent.checkpoint" and "out" in w.getMessage()]
        pg.start()
        r3 = assistant.turn("out", "under 900 dollars")
        assert r3.shown and r3.filters.price_max == 900.0 and r3.filters.color == []  # the outage turn is lost
        stored = make_assistant(engine, checkpoint_path=url).filters("out")
        assert stored.brand == ["Samsung"] and stored.price_max == 900.0
        saver.inner.conn.close()


# ---------------------------------------------------------------------------------------------- two real apps
def test_two_app_processes_share_one_conversation(postgres, app_home, start_app, tmp_path):
    """Two `chainlit run app.py` processes, each with its own SIFT_HOME (as on two machines), one PostgreSQL
    database: the turns of one conversation go to them alternately, as a load balancer without sticky
    sessions would send them, and the filter state accumulates across both. (Sharing one SIFT_HOME would
    share its SQLite files and prove nothing about PostgreSQL.)"""
    from transcripts.store import TranscriptStore

    from .conftest import post_chat

    postgres.create_database("app")
    db_url = postgres.url("app", driver="asyncpg")
    # Both read one catalog file (a shared read-only volume); the second machine gets a copy of the index,
    # whose cache is keyed by the catalog's path.
    [catalog] = (app_home / "data").glob("demo_catalog_*.jsonl.gz")
    other_home = tmp_path / "replica-b"
    shutil.copytree(app_home / "index", other_home / "index")
    shared = {"SIFT_DATABASE_URL": db_url, "SIFT_CATALOG": str(catalog),
              "CHAINLIT_AUTH_SECRET": "pg-system-test-secret-" + "x" * 40}  # one secret for all replicas
    a, b = start_app(**shared), start_app(home=other_home, **shared)

    r1 = post_chat(a.url, "a cheap samsung phone")
    conv = r1["conversation_id"]
    r2 = post_chat(b.url, "only black ones", conv)
    r3 = post_chat(a.url, "with lots of reviews", conv)
    r4 = post_chat(b.url, "what about pixel instead?", conv)
    assert r1["filters"]["brand"] == ["Samsung"] and r1["filters"]["price_max"] == "low"
    assert r2["filters"] == {**r1["filters"], "color": ["black"]}  # B continued what A started
    assert r3["filters"] == {**r2["filters"], "review_count_min": "high"}
    assert r4["filters"]["brand"] == ["Google"] and r4["filters"]["color"] == ["black"]
    assert [r["turn"] for r in (r1, r2, r3, r4)] == [1, 2, 3, 4]  # counted from the shared checkpoints
    assert all(r["answer"] and r["conversation_id"] == conv for r in (r1, r2, r3, r4))
    assert not (other_home / "conversations.sqlite").exists()  # the state went to PostgreSQL
    # Both replicas wrote the chat history to the same database.
    turns = TranscriptStore(db_url).conversation(f"http:{conv}").turns
    assert [t.user_text for t in turns] == ["a cheap samsung phone", "only black ones", "with lots of reviews",
                                            "what about pixel instead?"]
