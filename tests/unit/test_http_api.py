"""The HTTP chat endpoint (sift/http_api.py) on a small FastAPI app: contract, state per conversation id,
size limits, rate limiting, staff-only transcripts. Runs the real agent over the hashing-embedder demo engine."""

from __future__ import annotations

import base64
from collections import namedtuple

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sift import ui
from sift.http_api import HTTPSettings, make_router, mount
from sift.ratelimit import TokenBucketLimiter
from sift.settings import Settings

Runtime = namedtuple("Runtime", "engine assistant")
CONTRACT = {"conversation_id", "turn", "filters", "chips", "matched", "shown", "cards", "answer", "latency_ms"}
CARD_KEYS = {"id", "position", "title", "brand", "price", "currency", "rating", "review_count", "image_url",
             "product_url", "why"}
STAFF = ("staff", "correct horse battery")


class FrozenClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def runtime(demo_engine, tmp_path_factory):
    from agent.factory import make_assistant

    path = tmp_path_factory.mktemp("http-agent") / "conversations.sqlite"
    return Runtime(demo_engine, make_assistant(demo_engine, checkpoint_path=path))


def make_client(runtime, tmp_path, clock=None, **http) -> TestClient:
    settings = Settings(home=tmp_path, staff_user=STAFF[0], staff_password=STAFF[1], database_url=None,
                        auth_mode="password")
    opts = dict(rate_limit_per_minute=30, rate_limit_burst=10, trusted_proxies=0)
    opts.update(http)

    async def get_runtime():
        return runtime

    app = FastAPI()
    app.include_router(make_router(get_runtime, settings, HTTPSettings(**opts), runtime_ready=lambda: runtime,
                                   clock=clock or FrozenClock()))
    return TestClient(app)


@pytest.fixture
def client(runtime, tmp_path):
    with make_client(runtime, tmp_path, rate_limit_per_minute=0) as c:
        yield c


def chat(client, message, conversation_id=None, **kw):
    body = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    return client.post("/api/chat", json=body, **kw)


def test_contract_fields_and_new_conversation_id(client):
    r = chat(client, "a cheap samsung phone")
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == CONTRACT
    assert len(data["conversation_id"]) == 36  # a fresh uuid
    assert data["turn"] == 1
    assert data["filters"]["brand"] == ["Samsung"]
    assert data["matched"] > 0 and data["shown"] and isinstance(data["answer"], str) and data["answer"]
    assert [c["id"] for c in data["cards"]] == data["shown"] and all(c["title"] for c in data["cards"])
    assert all(CARD_KEYS <= set(c) for c in data["cards"])
    assert [c["position"] for c in data["cards"]] == list(range(1, len(data["cards"]) + 1))
    assert {"group": "brand", "label": "Samsung", "remove": "any brand"} in data["chips"]
    assert data["latency_ms"] > 0
    again = chat(client, "a cheap samsung phone").json()
    assert again["conversation_id"] != data["conversation_id"]
    assert again["turn"] == 1


def test_state_is_kept_per_conversation_id(client):
    first = chat(client, "a cheap samsung phone", "conv-a").json()
    assert first["turn"] == 1
    other = chat(client, "a pixel phone", "conv-b").json()
    second = chat(client, "only black ones", "conv-a").json()
    assert second["conversation_id"] == "conv-a" and second["turn"] == 2
    assert second["filters"]["brand"] == ["Samsung"]
    assert second["filters"]["color"] == ["black"]
    assert second["filters"]["price_max"] == first["filters"]["price_max"]
    assert second["matched"] <= first["matched"]
    # The other conversation kept its own state.
    assert other["filters"]["brand"] == ["Google"] and "color" not in other["filters"]
    third = chat(client, "what about pixel instead?", "conv-a").json()
    assert third["turn"] == 3 and third["filters"]["brand"] == ["Google"] and third["filters"]["color"] == ["black"]


def test_health(client, runtime):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "products": len(runtime.engine.products)}


def test_health_while_starting(runtime, tmp_path):
    async def get_runtime():
        return runtime

    app = FastAPI()
    app.include_router(make_router(get_runtime, Settings(home=tmp_path), HTTPSettings(), runtime_ready=lambda: None))
    assert TestClient(app).get("/api/health").json() == {"status": "starting", "products": 0}


def test_health_after_a_failed_build_is_503_with_a_reason(runtime, tmp_path):
    """The build raised: /health answers 503 {"status": "error"} at once instead of "starting" forever."""
    async def get_runtime():
        return runtime

    def failed():
        raise OSError("disk went away")

    app = FastAPI()
    app.include_router(make_router(get_runtime, Settings(home=tmp_path), HTTPSettings(), runtime_ready=failed))
    r = TestClient(app).get("/api/health")
    assert r.status_code == 503
    assert r.json() == {"error": "the assistant failed to start; see the server log", "status": "error"}


@pytest.mark.parametrize("body", [{}, {"message": ""}, {"message": "   \x00\x07  "}, {"message": 42},
                                  {"message": "hi", "conversation_id": "../../etc/passwd"},
                                  {"message": "hi", "conversation_id": "x" * 129},
                                  {"message": "hi", "extra": 1}])
def test_malformed_or_empty_is_422(client, body):
    r = client.post("/api/chat", json=body)
    assert r.status_code == 422, r.text
    assert "error" in r.json() and "Traceback" not in r.text


def test_not_json_is_422(client):
    r = client.post("/api/chat", content=b"message=hi", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422


def test_message_over_hard_cap_is_413(client):
    r = chat(client, "cheap phone " * 400)  # 4,800 characters > 4 x 1,000
    assert r.status_code == 413
    assert "too long" in r.json()["error"]
    huge = client.post("/api/chat", content=b'{"message": "' + b"a" * 2_000_000 + b'"}',
                       headers={"content-type": "application/json"})
    assert huge.status_code == 413


def test_long_message_is_cut_and_the_answer_says_so(client):
    text = "a cheap samsung phone " + "please " * 300  # ~2,100 characters: between the soft and hard cap
    assert ui.MAX_MESSAGE_CHARS < len(text) < 4 * ui.MAX_MESSAGE_CHARS
    r = chat(client, text)
    assert r.status_code == 200, r.text
    data = r.json()
    assert "long message" in data["answer"] and f"{len(text.strip()):,}" in data["answer"]
    assert data["filters"]["brand"] == ["Samsung"]


def test_rate_limit_429_with_retry_after_and_other_clients_unaffected(runtime, tmp_path):
    clock = FrozenClock()
    with make_client(runtime, tmp_path, clock=clock, rate_limit_per_minute=30, rate_limit_burst=3,
                     trusted_proxies=1) as c:
        a = {"X-Forwarded-For": "203.0.113.7"}
        codes = [chat(c, "hi", "rl-a", headers=a).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = chat(c, "hi", "rl-a", headers=a)
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) == 2  # 30/min: one token every 2 s
        assert chat(c, "hi", "rl-b", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
        # A client cannot dodge its limit by prepending a forged address: only the proxy's hop counts.
        assert chat(c, "hi", "rl-a", headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}).status_code == 429
        clock.now += 2.0
        assert chat(c, "hi", "rl-a", headers=a).status_code == 200


def test_forwarded_for_ignored_without_a_trusted_proxy(runtime, tmp_path):
    with make_client(runtime, tmp_path, rate_limit_per_minute=30, rate_limit_burst=2) as c:
        for i in range(2):
            assert chat(c, "hi", headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code == 200
        # Same peer (the test client) whatever the header claims.
        assert chat(c, "hi", headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429


def test_header_mode_limits_and_namespaces_per_shopper(runtime, tmp_path):
    settings = Settings(home=tmp_path, staff_password="x", auth_mode="header", auth_header="X-Sift-User")

    async def get_runtime():
        return runtime

    app = FastAPI()
    app.include_router(make_router(get_runtime, settings, HTTPSettings(rate_limit_per_minute=30, rate_limit_burst=1),
                                   clock=FrozenClock()))
    with TestClient(app) as c:
        assert chat(c, "hi").status_code == 401  # the proxy must name the shopper
        alice = chat(c, "a cheap samsung phone", "shared-id", headers={"X-Sift-User": "alice"})
        assert alice.status_code == 200
        assert chat(c, "only black ones", "shared-id", headers={"X-Sift-User": "alice"}).status_code == 429
        bob = chat(c, "only black ones", "shared-id", headers={"X-Sift-User": "bob"})
        assert bob.status_code == 200
        # Bob's "shared-id" is his own conversation: Alice's Samsung filter is not in it.
        assert "brand" not in bob.json()["filters"] and bob.json()["turn"] == 1


def test_a_turn_that_raises_is_500_without_a_stack_trace(runtime, tmp_path):
    class Broken:
        async def aturn(self, conversation_id, text):
            raise RuntimeError("secret internals /srv/app.py line 12")

    broken = Runtime(runtime.engine, Broken())

    async def get_runtime():
        return broken

    app = FastAPI()
    app.include_router(make_router(get_runtime, Settings(home=tmp_path), HTTPSettings(rate_limit_per_minute=0)))
    r = TestClient(app).post("/api/chat", json={"message": "a phone"})
    assert r.status_code == 500
    assert set(r.json()) == {"error"} and "secret" not in r.text and "Traceback" not in r.text


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_transcripts_require_staff_login(client):
    r = chat(client, "a cheap samsung phone", "staff-review")
    assert r.status_code == 200
    for path in ("/api/transcripts", "/api/transcripts/staff-review"):
        anon = client.get(path)
        assert anon.status_code == 401 and anon.headers["WWW-Authenticate"].startswith("Basic")
        assert "Samsung" not in anon.text
        assert client.get(path, headers=basic("staff", "wrong")).status_code == 401
        assert client.get(path, headers=basic(*STAFF)).status_code == 200
    assert client.get("/api/transcripts", headers=basic("admin", STAFF[1])).status_code == 401
    assert client.get("/api/transcripts", headers={"Authorization": "Basic !!!notbase64"}).status_code == 401


def test_password_guessing_is_slowed_down(client):
    codes = [client.get("/api/transcripts", headers=basic("staff", f"guess{i}")).status_code for i in range(8)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    # Locked out means locked out: even the right password waits (the clock in these tests is frozen).
    locked = client.get("/api/transcripts", headers=basic(*STAFF))
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1


def test_transcripts_show_http_turns(client):
    chat(client, "a cheap samsung phone", "review-me")
    chat(client, "only black ones", "review-me")
    one = client.get("/api/transcripts/review-me", headers=basic(*STAFF))
    assert one.status_code == 200
    data = one.json()
    assert data["id"] == "http:review-me" and data["source"] == "chat_history"
    assert [t["user_text"] for t in data["turns"]] == ["a cheap samsung phone", "only black ones"]
    assert data["turns"][1]["filters"]["color"] == ["black"] and data["turns"][1]["source"] == "http"
    listing = client.get("/api/transcripts", headers=basic(*STAFF)).json()["conversations"]
    assert any(c["id"] == "http:review-me" and c["turns"] == 2 for c in listing)
    jsonl = client.get("/api/transcripts/review-me?format=jsonl", headers=basic(*STAFF))
    assert jsonl.status_code == 200 and len(jsonl.text.strip().splitlines()) == 2
    page = client.get("/api/transcripts?format=html", headers=basic(*STAFF))
    assert page.status_code == 200 and "review-me" in page.text
    assert client.get("/api/transcripts/nobody-here", headers=basic(*STAFF)).status_code == 404


def test_transcript_falls_back_to_the_checkpoint_when_history_write_failed(runtime, tmp_path):
    with make_client(runtime, tmp_path, rate_limit_per_minute=0, http_record_transcripts=False) as c:
        chat(c, "a cheap samsung phone", "not-recorded")
        r = c.get("/api/transcripts/not-recorded", headers=basic(*STAFF))
        assert r.status_code == 200
        data = r.json()
        assert data["source"] == "checkpoint" and data["filters"]["brand"] == ["Samsung"]
        assert data["messages"][0] == {"role": "user", "content": "a cheap samsung phone"}


def test_history_write_failure_still_answers(runtime, tmp_path, caplog):
    async def get_runtime():
        return runtime

    router = make_router(get_runtime, Settings(home=tmp_path), HTTPSettings(rate_limit_per_minute=0))

    def locked(*args, **kwargs):
        raise OSError("database is locked")

    router.transcript_writer.write = locked
    app = FastAPI()
    app.include_router(router)
    with caplog.at_level("WARNING", logger="sift.http"):
        r = TestClient(app).post("/api/chat", json={"message": "a cheap samsung phone"})
    assert r.status_code == 200 and r.json()["filters"]["brand"] == ["Samsung"]
    assert "could not record" in caplog.text and "database is locked" in caplog.text


def test_mount_puts_routes_before_a_catch_all(runtime, tmp_path):
    from fastapi import APIRouter
    from fastapi.responses import HTMLResponse

    async def get_runtime():
        return runtime

    app = FastAPI()
    spa = APIRouter()

    @spa.get("/{full_path:path}")
    async def page(full_path: str):
        return HTMLResponse("<html>chat window</html>")

    app.include_router(spa)
    mount(app, make_router(get_runtime, Settings(home=tmp_path), HTTPSettings(), runtime_ready=lambda: runtime))
    c = TestClient(app)
    assert c.get("/api/health").json()["status"] == "ok"
    assert "chat window" in c.get("/some/page").text


def test_token_bucket_refills_and_bounds_memory():
    clock = FrozenClock()
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=2, max_clients=3, clock=clock)
    assert [limiter.hit("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.hit("a") == pytest.approx(1.0)
    clock.now += 0.5
    assert limiter.hit("a") == pytest.approx(0.5)  # a refused request does not take a token
    clock.now += 0.5
    assert limiter.hit("a") == 0.0
    for key in "bcdef":
        limiter.hit(key)
    assert len(limiter) == 3
    assert TokenBucketLimiter(0, 1).hit("x") == 0.0  # disabled
