"""Browser-test fixtures: a real `chainlit run app.py` on a free loopback port, driven by Debian's chromium.

Never downloads a browser: Playwright launches the `chromium` binary found on PATH
(`apt-get install chromium`). The server gets its own SIFT_HOME in a temporary folder and a 300-product
demo catalog; the index is built here first (bounded by the test timeout) so the server starts ready.
Screenshots of each step go to test-artifacts/e2e/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STAFF_USER = "staff"
STAFF_PASSWORD = "e2e-staff-password"
SERVER_START_TIMEOUT_S = 120
DEMO_SIZE = "300"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status < 500:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s (last error: {last})")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `apt-get install -y chromium` (the browser tests "
                    "never download one)")
    return path


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict[str, str]:
    # SIFT_E2E_HOME reuses a folder (and its built index) across runs while developing; default: fresh.
    home = Path(os.environ["SIFT_E2E_HOME"]) if os.environ.get("SIFT_E2E_HOME") else \
        tmp_path_factory.mktemp("sift-home")
    env = dict(os.environ)
    env.update({
        "SIFT_HOME": str(home), "SIFT_DEMO_SIZE": DEMO_SIZE, "SIFT_STAFF_USER": STAFF_USER,
        "SIFT_STAFF_PASSWORD": STAFF_PASSWORD, "SIFT_LLM": "", "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
        "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    env.pop("SIFT_DATABASE_URL", None)
    env.pop("CHAINLIT_AUTH_SECRET", None)  # the app makes one in SIFT_HOME
    return env


@pytest.fixture(scope="session")
def server(server_env, artifacts):
    """The app on a free port; yields {"url", "home", "db_url", "env"}; killed at the end."""
    home = Path(server_env["SIFT_HOME"])
    # Build the demo catalog's index before the server starts, so its first answer is not an index build.
    prebuild = subprocess.run(
        [sys.executable, "-c", "from sift.settings import Settings; from sift.wiring import build_engine; "
                               "build_engine(Settings(), show_progress=False)"],
        cwd=REPO, env=server_env, capture_output=True, text=True, timeout=900)
    assert prebuild.returncode == 0, prebuild.stderr[-3000:]
    port = free_port()
    log_path = artifacts / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "chainlit", "run", "app.py", "--headless", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=REPO, env=server_env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/auth/config", SERVER_START_TIMEOUT_S, proc, log_path)
        yield {"url": url, "home": home, "env": server_env,
               "db_url": f"sqlite+aiosqlite:///{(home / 'chat.sqlite').resolve()}"}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


class Shots:
    """Numbered screenshots for one test: test-artifacts/e2e/<test>/NN-<step>.png."""

    def __init__(self, root: Path, name: str):
        self.dir = root / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.n = 0

    def __call__(self, page, step: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shots(artifacts, request) -> Shots:
    return Shots(artifacts, request.node.name)


@pytest.fixture
def page(browser, request, artifacts):
    """A fresh browser context and page; console errors and page errors are collected on `page.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []  # uncaught exceptions in the page (e.g. an injected script running)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()
