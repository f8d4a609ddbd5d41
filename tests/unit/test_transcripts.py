"""Transcripts: tables Chainlit's SQLAlchemy data layer can use, turns read back, exports, unmet-demand report."""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3

import pytest

from transcripts.datalayer import SCHEMA, ensure_schema
from transcripts.export import to_html, to_jsonl
from transcripts.report import combination_key, report_markdown, unmet_demand
from transcripts.store import TURN_KEY, Conversation, TranscriptStore, Turn, sync_url


def _turn(user_text, filters, matched, shown, feedback=None, answer="ok", clarifying=False):
    return {"user_text": user_text, "filters": filters, "matched": matched, "shown": shown, "latency_ms": 12.5,
            "chips": [], "clarifying": clarifying, "source": "message", "answer": answer}


def _seed(path, turns, thread="t1", user="staff"):
    """Write rows the way the chat window does: a thread, user/assistant message steps, feedback rows."""
    con = sqlite3.connect(path)
    con.execute('INSERT OR IGNORE INTO users ("id","identifier","metadata","createdAt") VALUES (?,?,?,?)',
                ("u1", user, "{}", "2026-01-01T00:00:00Z"))
    con.execute('INSERT INTO threads ("id","createdAt","name","userId","userIdentifier","metadata") '
                'VALUES (?,?,?,?,?,?)', (thread, "2026-01-01T00:00:00Z", "chat", "u1", user, "{}"))
    for i, (data, feedback) in enumerate(turns):
        ts = f"2026-01-01T00:00:{i:02d}"
        con.execute('INSERT INTO steps ("id","name","type","threadId","streaming","output","createdAt",'
                    '"metadata") VALUES (?,?,?,?,?,?,?,?)',
                    (f"{thread}-u{i}", "staff", "user_message", thread, False, data["user_text"], ts + ".0Z", "{}"))
        con.execute('INSERT INTO steps ("id","name","type","threadId","parentId","streaming","output",'
                    '"createdAt","metadata") VALUES (?,?,?,?,?,?,?,?,?)',
                    (f"{thread}-a{i}", "Sift", "assistant_message", thread, f"{thread}-r{i}", False,
                     data["answer"], ts + ".5Z", json.dumps({TURN_KEY: data})))
        if feedback is not None:
            # Chainlit 2 rates the message's run step (its parent); older versions the message itself.
            rated = f"{thread}-r{i}" if i % 2 == 0 else f"{thread}-a{i}"
            con.execute('INSERT INTO feedbacks ("id","forId","threadId","value") VALUES (?,?,?,?)',
                        (f"f{thread}{i}", rated, thread, feedback))
    # A greeting without turn data is not a turn.
    con.execute('INSERT INTO steps ("id","name","type","threadId","streaming","output","createdAt") '
                'VALUES (?,?,?,?,?,?,?)', (f"{thread}-g", "Sift", "assistant_message", thread, False, "hi",
                                           "2026-01-01T00:00:00.1Z"))
    con.commit()
    con.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "chat.sqlite"
    url = f"sqlite+aiosqlite:///{path}"
    ensure_schema(url)
    _seed(path, [
        (_turn("a samsung phone under $300", {"price_max": 300, "brand": ["Samsung"]}, 7, ["P1", "P2"]), 1),
        (_turn("<script>alert(1)</script> only black", {"price_max": 300, "brand": ["Samsung"],
                                                         "color": ["black"]}, 0, [],
               answer="No <b>match</b>"), None),
        (_turn("pixel instead", {"brand": ["Google"], "color": ["black"]}, 3, ["P9"]), 0),
    ])
    return path, url


def test_sync_url_maps_async_drivers():
    assert sync_url("sqlite+aiosqlite:////x/chat.sqlite") == "sqlite:////x/chat.sqlite"
    assert sync_url("postgresql+asyncpg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert sync_url("sqlite:///a.db") == "sqlite:///a.db"


def test_schema_is_idempotent_and_has_every_table(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'c.sqlite'}"
    ensure_schema(url)
    ensure_schema(url)  # a second start must not fail
    con = sqlite3.connect(tmp_path / "sub" / "c.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "threads", "steps", "elements", "feedbacks"} <= tables
    assert len(SCHEMA) >= 5


def test_chainlit_data_layer_round_trip(tmp_path):
    """Chainlit's own SQLAlchemyDataLayer works on our tables: user, thread, step with metadata, feedback."""
    from chainlit.types import Feedback
    from chainlit.user import User

    from transcripts.datalayer import make_data_layer

    url = f"sqlite+aiosqlite:///{tmp_path / 'chat.sqlite'}"
    layer = make_data_layer(url, tmp_path / "files")

    async def go():
        user = await layer.create_user(User(identifier="staff", metadata={"role": "staff"}))
        await layer.update_thread("th1", name="chat", user_id=user.id, tags=["a", "b"])
        from chainlit.context import init_http_context

        init_http_context()  # outside a websocket session the data layer writes at once (no queueing)
        step = {"id": "s1", "name": "Sift", "type": "assistant_message", "threadId": "th1", "streaming": False,
                "output": "hello", "createdAt": "2026-01-01T00:00:00Z", "tags": ["x"],
                "metadata": {TURN_KEY: _turn("hi", {"brand": ["Apple"]}, 2, ["P1"])}}
        await layer.create_step(step)
        await layer.upsert_feedback(Feedback(forId="s1", value=0, threadId="th1", comment="meh"))
        thread = await layer.get_thread("th1")
        await layer.close()
        return thread

    thread = asyncio.run(go())
    assert thread["userIdentifier"] == "staff"
    assert thread["steps"][0]["metadata"][TURN_KEY]["filters"] == {"brand": ["Apple"]}
    assert thread["steps"][0]["feedback"]["value"] == 0
    store = TranscriptStore(url)
    turn = store.conversation("th1").turns[0]
    assert (turn.user_text, turn.matched, turn.shown, turn.feedback, turn.feedback_comment) == \
        ("hi", 2, ["P1"], 0, "meh")


def test_store_reads_turns_with_feedback(db):
    _, url = db
    store = TranscriptStore(url)
    [summary] = store.conversations()
    assert (summary.turns, summary.thumbs_up, summary.thumbs_down, summary.zero_results) == (3, 1, 1, 1)
    conv = store.conversation("t1")
    assert [t.index for t in conv.turns] == [1, 2, 3]
    assert conv.turns[0].filters == {"price_max": 300, "brand": ["Samsung"]}
    assert conv.turns[0].shown == ["P1", "P2"] and conv.turns[0].feedback == 1
    assert conv.turns[1].feedback is None and conv.turns[2].feedback == 0
    assert store.conversation("nope") is None


def test_store_on_a_database_the_app_never_used(tmp_path):
    store = TranscriptStore(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert store.conversations() == [] and store.conversation("x") is None


def test_jsonl_has_every_turn_field(db):
    _, url = db
    rows = [json.loads(line) for line in to_jsonl(TranscriptStore(url).all_conversations()).splitlines()]
    assert len(rows) == 3
    assert set(rows[0]) >= {"conversation_id", "turn", "user_text", "filters", "matched", "shown", "answer",
                            "latency_ms", "feedback"}
    assert rows[1]["matched"] == 0 and rows[2]["feedback"] == 0


def test_html_escapes_and_lists_every_turn(db):
    _, url = db
    page = to_html(TranscriptStore(url).all_conversations(), product_title={"P1": "Galaxy <A03>"}.get)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No &lt;b&gt;match&lt;/b&gt;" in page
    assert "Galaxy &lt;A03&gt;" in page
    for pid in ("P1", "P2", "P9"):
        assert pid in page
    assert page.count('class="turn"') == 3
    assert "<code>price_max</code>" in page and "thumbs down" in page


def test_unmet_demand_ranks_failing_combinations():
    def t(i, filters, matched, feedback=None, clarifying=False):
        return Turn(index=i, step_id=str(i), created_at="", user_text=f"q{i}", filters=filters, matched=matched,
                    shown=[], answer="", latency_ms=1.0, feedback=feedback, clarifying=clarifying)

    google_black = {"brand": ["Google"], "color": ["black"]}
    convs = [
        Conversation("c1", None, None, None, [t(1, google_black, 0), t(2, {"brand": ["Apple"]}, 4, 0)]),
        Conversation("c2", None, None, None, [t(1, {"color": ["black"], "brand": ["Google"]}, 0, 0),
                                              t(2, {"brand": ["Apple"]}, 5), t(3, {}, 0, clarifying=True)]),
    ]
    rows = unmet_demand(convs)
    assert [r.combination for r in rows] == ["brand=Google, color=black", "brand=Apple"]
    top = rows[0]
    assert (top.failures, top.zero_results, top.thumbs_down, top.turns) == (2, 2, 1, 2)
    assert top.conversations == ["c1", "c2"]
    assert (rows[1].failures, rows[1].turns) == (1, 2)
    assert "brand=Google, color=black" in report_markdown(rows)
    assert combination_key({}) == "(no filters)"
    assert "No unmet demand" in report_markdown([])


def test_cli_list_show_export_report(db, tmp_path, capsys):
    from sift.commands.transcripts import register

    _, url = db
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())

    def run(*argv):
        args = parser.parse_args(["transcripts", *argv, "--db", url] if argv[0] != "export" else
                                 ["transcripts", *argv[:1], "--db", url, *argv[1:]])
        return args.func(args)

    assert run("list", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == "t1"
    assert run("show", "t1") == 0
    assert "a samsung phone under $300" in capsys.readouterr().out
    assert run("show", "missing") == 1
    capsys.readouterr()
    out = tmp_path / "x.html"
    assert run("export", "--format", "html", "--no-titles", "--out", str(out)) == 0
    assert "pixel instead" in out.read_text()
    assert run("export", "--format", "jsonl", "t1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert run("export", "--format", "jsonl", "missing-id") == 1
    assert run("report", "--json") == 0
    capsys.readouterr()
    assert run("report") == 0
    assert "brand=Samsung" in capsys.readouterr().out


def test_local_file_storage_stays_inside_its_folder(tmp_path):
    from transcripts.datalayer import local_file_storage_class

    storage = local_file_storage_class()(tmp_path / "files")
    out = asyncio.run(storage.upload_file("user/el1/props.json", '{"a": 1}', "application/json"))
    assert out["object_key"] == "user/el1/props.json"
    assert (tmp_path / "files" / "user" / "el1" / "props.json").read_text() == '{"a": 1}'
    asyncio.run(storage.upload_file("../../escape.txt", b"x"))  # ".." parts are dropped, not followed
    assert not (tmp_path / "escape.txt").exists() and (tmp_path / "files" / "escape.txt").exists()
    assert asyncio.run(storage.delete_file("user/el1/props.json"))
    assert not (tmp_path / "files" / "user" / "el1" / "props.json").exists()
