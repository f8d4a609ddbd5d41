"""System-test fixtures: the real app (`chainlit run app.py`) as subprocesses on free 127.0.0.1 ports.

    def test_x(app_home, start_app):
        a = start_app()                                   # on the shared SIFT_HOME (index prebuilt once)
        b = start_app(SIFT_DATABASE_URL="postgresql+asyncpg://...")   # extra env for this process
        post_chat(a.url, "a cheap samsung phone", "c1")

Every process started here is killed at the end of its test (`finally`), whatever happened. The home holds a
200-product demo catalog whose index is built once per session, so each start takes seconds (model load).
Rate limiting stays on (defaults): these tests send a few turns per client.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from evals.app_server import AppServer, app_env, prebuild_index

DEMO_SIZE = 200


def post_chat(url: str, message: str, conversation_id: str | None = None, timeout: float = 120) -> dict:
    body = {"message": message} | ({"conversation_id": conversation_id} if conversation_id else {})
    r = httpx.post(url + "/api/chat", json=body, timeout=timeout, trust_env=False)
    assert r.status_code == 200, f"{r.status_code}: {r.text[:500]}"
    return r.json()


@pytest.fixture(scope="session")
def app_home(tmp_path_factory) -> Path:
    """A SIFT_HOME with the demo catalog's index built (shared by the session's app processes)."""
    home = tmp_path_factory.mktemp("sift-system-home")
    prebuild_index(app_env(home, DEMO_SIZE, SIFT_EXTRACTOR="rules"))
    return home


@pytest.fixture
def start_app(app_home):
    """`start_app(home=None, **env) -> AppServer`: start one more app process (ready when it returns)."""
    started: list[AppServer] = []

    def start(home: Path | None = None, **env: str) -> AppServer:
        server = AppServer(app_env(home or app_home, DEMO_SIZE, **({"SIFT_EXTRACTOR": "rules"} | env)))
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()
