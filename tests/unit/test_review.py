"""Staff review: the /staff page (login, list, search, markers, comments), `transcripts list|show|report`
with first messages, feedback comments, readable clicks, unanswered questions, no-shopping messages and
attributes no filter holds."""

from __future__ import annotations

import argparse
import json
import sqlite3

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agent.answers import t as template
from sift.settings import Settings
from sift.staff import COOKIE, make_staff_router, valid_cookie
from transcripts.datalayer import ensure_schema
from transcripts.insights import insights, unfiltered_words
from transcripts.review import review_rows
from transcripts.store import CLICK_KEY, TranscriptStore

from .test_transcripts import _seed, _turn

STAFF = ("staff", "review-pass")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "chat.sqlite"
    url = f"sqlite+aiosqlite:///{path}"
    ensure_schema(url)
    unknown = template("answer_unknown", title="#1 Acme X1", terms='"waterproof"')
    _seed(path, [
        (dict(_turn("a waterproof phone case", {"subcategory": "Cell Phone Accessories"}, 4, ["P1", "P2"]),
              topic="waterproof phone case"), 1),
        (_turn("is the first one waterproof?", {"subcategory": "Cell Phone Accessories"}, 4, ["P1"],
               answer=unknown), 0),
    ], thread="c-case", user="shopper:anon-1")
    _seed(path, [(_turn("tell me a joke", {}, 0, [], answer=template("off_topic_chitchat")), None),
                 (_turn("a <b>cheap</b> phone", {"price_max": "low"}, 0, []), None)],
          thread="c-joke", user="shopper:anon-2")
    con = sqlite3.connect(path)
    con.execute('UPDATE feedbacks SET "comment" = ? WHERE "value" = 0', ("listing says nothing about water",))
    con.execute('INSERT INTO steps ("id","name","type","threadId","streaming","output","createdAt","metadata") '
                'VALUES (?,?,?,?,?,?,?,?)', ("click1", "clicked details", "tool", "c-case", False, "details",
                                             "2026-01-01T00:00:00.7Z",
                                             json.dumps({CLICK_KEY: {"action": "details", "id": "P2",
                                                                     "title": "Acme Rugged Case"}})))
    con.commit()
    con.close()
    return url


def test_review_rows_first_message_markers_comments_and_search(db):
    convs = TranscriptStore(db).all_conversations()
    rows = {r.id: r for r in review_rows(convs)}
    case = rows["c-case"]
    assert (case.first_message, case.turns, case.thumbs_up, case.thumbs_down) == ("a waterproof phone case", 2, 1, 1)
    assert case.comments == ["listing says nothing about water"]
    assert rows["c-joke"].zero_results == 2
    assert [r.id for r in review_rows(convs, "NOTHING about")] == ["c-case"]  # comments are searched too
    assert [r.id for r in review_rows(convs, "joke")] == ["c-joke"]
    assert review_rows(convs, "no such words") == []


def test_insights_unanswered_no_shopping_unfiltered(db):
    r = insights(TranscriptStore(db).all_conversations())
    assert [(c.text, c.count) for c in r.unanswered] == [("is the first one waterproof?", 1)]
    assert [c.text for c in r.no_shopping] == ["tell me a joke"]
    assert [(c.text, c.count) for c in r.unfiltered] == [("waterproof", 1)]
    assert unfiltered_words("rugged phone case for hiking") == ["rugged", "hiking"]
    assert "phone" not in unfiltered_words("a cheap samsung phone")


def test_cli_list_first_message_show_comments_and_clicks_report_sections(db, capsys):
    from sift.commands.transcripts import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())

    def run(*argv):
        args = parser.parse_args(["transcripts", *argv, "--db", db])
        return args.func(args)

    assert run("list") == 0
    out = capsys.readouterr().out
    assert "first message" in out and "a waterproof phone case" in out and "tell me a joke" in out
    assert run("show", "c-case", "--no-titles") == 0
    out = capsys.readouterr().out
    assert "feedback comment: listing says nothing about water" in out
    assert "(clicked details: Acme Rugged Case)" in out
    assert out.index("clicked details") < out.index("#2")  # between the turns, where it happened
    assert run("report") == 0
    out = capsys.readouterr().out
    for heading in ("Unmet demand", "Questions the listings did not answer", "Messages with no shopping content",
                    "no filter holds it"):
        assert heading in out
    assert "| 1 | waterproof |" in out
    assert run("report", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"unmet_demand", "unanswered", "no_shopping", "unfiltered"}


@pytest.fixture
def client(db, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "x" * 48)
    settings = Settings(home=tmp_path, staff_user=STAFF[0], staff_password=STAFF[1], database_url=db)
    app = FastAPI()
    app.include_router(make_staff_router(settings))
    return TestClient(app)


def test_staff_page_needs_the_login_labelled_username(client):
    r = client.get("/staff")
    assert r.status_code == 401 and "Username" in r.text and "Email" not in r.text
    assert "a waterproof phone case" not in r.text
    assert client.post("/staff/login", data={"username": "staff", "password": "nope"}).status_code == 401
    assert client.get("/staff/conversation/c-case").status_code == 401


def test_staff_page_lists_searches_and_opens_conversations(client):
    r = client.post("/staff/login", data={"username": STAFF[0], "password": STAFF[1]}, follow_redirects=False)
    assert r.status_code == 303 and valid_cookie("x" * 48, r.cookies.get(COOKIE))
    client.cookies.set(COOKIE, r.cookies.get(COOKIE))
    page = client.get("/staff").text
    assert page.count('data-testid="review-row"') == 2
    assert "a waterproof phone case" in page and "listing says nothing about water" in page
    assert "2 zero-result" in page and "1 thumbs down" in page and "1 thumbs up" in page
    found = client.get("/staff", params={"q": "joke"}, auth=STAFF).text  # HTTP Basic works too
    assert found.count('data-testid="review-row"') == 1 and "tell me a joke" in found
    conv = client.get("/staff/conversation/c-case", auth=STAFF)
    assert conv.status_code == 200 and "is the first one waterproof?" in conv.text
    assert "clicked details: Acme Rugged Case" in conv.text
    joke = client.get("/staff/conversation/c-joke", auth=STAFF).text
    assert "a &lt;b&gt;cheap&lt;/b&gt; phone" in joke and "<b>cheap</b>" not in joke  # shopper text escaped
    assert client.get("/staff/conversation/nope", auth=STAFF).status_code == 404


def test_forged_or_expired_cookies_are_refused():
    from sift.staff import _sign

    assert valid_cookie("s", _sign("s", 2_000_000_000), now=1_900_000_000)
    assert not valid_cookie("s", _sign("s", 1_000), now=1_900_000_000)
    assert not valid_cookie("s", _sign("other", 2_000_000_000), now=1_900_000_000)
    assert not valid_cookie("s", "garbage")
