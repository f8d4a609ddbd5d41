"""The real app as a subprocess (`chainlit run app.py` on a free 127.0.0.1 port, its own SIFT_HOME): start it,
wait until GET /api/health says ok, kill it like a crash, stop it. Used by the load test (evals/load_test.py)
and the system tests (tests/system/).

    server = AppServer(app_env(home)).start()
    try: ... server.url ...
    finally: server.stop()
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 300


# ---------------------------------------------------------------------------------------------- the app process
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(home: str | Path, demo_size: int = 200, **extra: str) -> dict[str, str]:
    """The environment of an app process: its own SIFT_HOME, offline, a known staff password, no LLM.

    `extra` adds or overrides variables (e.g. SIFT_DATABASE_URL=..., SIFT_RATE_LIMIT_PER_MINUTE="0");
    a value of None removes one."""
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("SIFT_")]:
        env.pop(key)  # the caller's own settings must not leak into the app under test
    env.pop("CHAINLIT_AUTH_SECRET", None)  # the app keeps one in SIFT_HOME
    env.update({
        "SIFT_HOME": str(home), "SIFT_DEMO_SIZE": str(demo_size), "SIFT_STAFF_USER": "staff",
        "SIFT_STAFF_PASSWORD": "load-test-staff", "SIFT_LLM": "", "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
        "SIFT_MODELS_DIR": str(REPO / "models"),
        "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    })
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def prebuild_index(env: dict[str, str], timeout_s: float = 1800) -> None:
    """Build (or load) the catalog's index in a separate process, so the app starts ready to answer."""
    code = ("from sift.settings import Settings; from sift.wiring import build_engine; "
            "build_engine(Settings(), show_progress=False)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"index build failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


@dataclass
class AppServer:
    """One `chainlit run app.py` process on 127.0.0.1; `start()` waits until /api/health says ok.

        server = AppServer(env).start()
        try: ... server.url ...
        finally: server.stop()
    """

    env: dict[str, str]
    port: int = 0
    log_path: Path | None = None
    proc: subprocess.Popen | None = None
    _log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout_s: float = START_TIMEOUT_S) -> AppServer:
        chosen = bool(self.port)
        try:
            return self._start(timeout_s)
        except RuntimeError as exc:
            # free_port() only finds a port that was free a moment ago: another process may take it before the
            # app binds. An app that exited at start on a port we picked is tried once more on a new port.
            if chosen or "address already in use" not in str(exc).lower():
                raise
            print(f"app could not bind {self.url}; retrying on another port", file=sys.stderr)
            self.port, self.log_path = free_port(), None
            return self._start(timeout_s)

    def _start(self, timeout_s: float) -> AppServer:
        self.port = self.port or free_port()
        if self.log_path is None:
            self.log_path = Path(self.env["SIFT_HOME"]) / f"server-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chainlit", "run", "app.py", "--headless", "--host", "127.0.0.1",
             "--port", str(self.port)], cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            self.wait_ready(timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last: Any = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode} before it was ready:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=5) as r:
                    body = json.loads(r.read() or b"{}")
                    if body.get("status") == "ok":
                        return
                    last = body
            except (OSError, ValueError) as exc:
                last = exc
            time.sleep(0.5)
        raise TimeoutError(f"{self.url}/api/health not ok within {timeout_s:.0f} s (last: {last})\n"
                           f"{self.first_failure()}{self.log_tail()}")

    def first_failure(self, chars: int = 4000) -> str:
        """The log from the first failed runtime build on (its traceback says why), or "" if none failed:
        the tail alone may hold only the health checks that followed it."""
        text = self.log_tail(chars=10**7)
        at = text.find("failed to build")
        return f"first build failure:\n{text[at:at + chars]}\n...\n" if at >= 0 else ""

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text()[-chars:] if self.log_path else ""
        except OSError:
            return ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the app's process group (SIGKILL: a crash, nothing gets to clean up)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Terminate (then kill) the process group; idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


