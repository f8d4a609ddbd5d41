"""The real app over HTTP: a conversation survives kill -9 and a restart, and two app processes sharing one
SIFT_HOME (the same checkpoint and chat-history databases) serve one conversation alternately."""

from __future__ import annotations

import json
import signal
import uuid

import httpx
import pytest

from .conftest import post_chat

pytestmark = pytest.mark.slow


def test_conversation_survives_kill_and_restart(start_app):
    cid = f"restart-{uuid.uuid4().hex[:8]}"
    app = start_app()
    first = post_chat(app.url, "a cheap samsung phone", cid)
    second = post_chat(app.url, "only black ones", cid)
    assert (first["turn"], second["turn"]) == (1, 2)
    assert second["filters"]["brand"] == ["Samsung"] and second["filters"]["color"] == ["black"]

    app.kill(signal.SIGKILL)  # a crash: nothing is flushed or closed on the way out
    assert app.proc.returncode == -signal.SIGKILL

    again = start_app()
    third = post_chat(again.url, "under $300", cid)
    assert third["turn"] == 3
    assert third["filters"]["brand"] == ["Samsung"] and third["filters"]["color"] == ["black"]
    assert third["filters"]["price_max"] == 300
    # The turns before the crash are in the chat history too (staff export over HTTP).
    r = httpx.get(again.url + f"/api/transcripts/{cid}", auth=("staff", "load-test-staff"), timeout=30,
                  trust_env=False)
    assert r.status_code == 200
    assert [t["user_text"] for t in r.json()["turns"]] == ["a cheap samsung phone", "only black ones", "under $300"]


def test_two_replicas_serve_one_conversation_alternately(start_app):
    a, b = start_app(), start_app()
    assert a.url != b.url
    health = httpx.get(a.url + "/api/health", timeout=30, trust_env=False)
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["products"] > 0
    page = httpx.get(a.url + "/some/page", timeout=30, trust_env=False)  # Chainlit's catch-all still serves
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert httpx.get(a.url + "/api/transcripts", timeout=30, trust_env=False).status_code == 401
    cid = f"replicas-{uuid.uuid4().hex[:8]}"
    script = [("a cheap samsung phone", {"brand": ["Samsung"]}),
              ("only black ones", {"brand": ["Samsung"], "color": ["black"]}),
              ("what about pixel instead?", {"brand": ["Google"], "color": ["black"]}),
              ("under $300", {"brand": ["Google"], "color": ["black"], "price_max": 300}),
              ("any brand", {"color": ["black"], "price_max": 300})]
    for i, (text, expected) in enumerate(script):
        server = (a, b)[i % 2]
        reply = post_chat(server.url, text, cid)
        assert reply["turn"] == i + 1, (server.url, reply)
        for field, value in expected.items():
            assert reply["filters"].get(field) == value, (text, server.url, reply["filters"])
        if "brand" not in expected:
            assert "brand" not in reply["filters"]
    # Both replicas see the same stored transcript.
    views = [httpx.get(s.url + f"/api/transcripts/{cid}", auth=("staff", "load-test-staff"), timeout=30,
                       trust_env=False).json() for s in (a, b)]
    assert views[0]["turns"] == views[1]["turns"] and len(views[0]["turns"]) == len(script)


def test_the_app_says_which_extractor_serves_and_why(start_app, tmp_path):
    """The app decides through `sift.extractor_choice` like `sift extract` and `sift chat`: a trained model
    whose evaluation lost to the rules is not served, and the log says so at start."""
    folder = tmp_path / "models" / "extractor"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")  # `auto` reads the evaluation before it would load anything
    report = {"single_turn": {"seq2seq": {"exact_match": 0.39}, "rules": {"exact_match": 0.93}}}
    (folder / "eval_extraction.json").write_text(json.dumps(report))
    app = start_app(SIFT_EXTRACTOR="auto", SIFT_MODELS_DIR=str(tmp_path / "models"))
    reply = post_chat(app.url, "a cheap samsung phone")
    assert reply["filters"]["price_max"] == "low" and reply["filters"]["brand"] == ["Samsung"]
    log = app.log_path.read_text()
    assert (f"extractor: rules (trained model at {folder} scored 0.39 exact match vs rules 0.93 on held-out "
            f"phrasings; using rules") in log
    other = start_app()  # the fixture's SIFT_EXTRACTOR=rules
    assert "extractor: rules (forced by SIFT_EXTRACTOR=rules)" in other.log_path.read_text()


def test_chat_returns_cards_and_chips_whose_remove_words_drop_them(start_app):
    app = start_app()
    cid = f"chips-{uuid.uuid4().hex[:8]}"
    first = post_chat(app.url, "a samsung phone under $300", cid)
    assert first["cards"] and [c["id"] for c in first["cards"]] == first["shown"]
    for card in first["cards"]:
        assert {"id", "title", "brand", "price", "currency", "rating", "review_count", "image_url", "product_url",
                "why"} <= set(card)
        assert card["brand"] == "Samsung" and card["price"] <= 300
    chips = {c["group"]: c for c in first["chips"]}
    assert chips["price"] == {"group": "price", "label": "under $300", "remove": "any price"}
    second = post_chat(app.url, chips["brand"]["remove"], cid)  # what the chip's remove button sends
    assert "brand" not in second["filters"] and second["filters"]["price_max"] == 300
    assert "brand" not in {c["group"] for c in second["chips"]}
