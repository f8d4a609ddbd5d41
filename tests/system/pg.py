"""A throwaway PostgreSQL server for the system tests, and a small "replica" worker process.

`PostgresServer` runs Debian's server binaries (`initdb`, `pg_ctl`) on a free loopback port with its socket
and data in a temporary folder, trust authentication, fsync off. PostgreSQL refuses to run as root, so as
root it runs as the `postgres` system user (`runuser`). Nothing is downloaded: without the binaries
`find_bindir()` returns None and the fixture skips, or fails under CI (`make postgres` installs them).

    >>> with PostgresServer.started() as pg:                      # doctest: +SKIP
    ...     url = pg.url("sift")                                  # postgresql://sift@127.0.0.1:PORT/sift

`replica()` is the body of a worker process: an `Assistant` over the demo catalog whose conversation
state lives at the URL it is given, answering JSON lines {"conversation", "text"} from stdin.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_USER = "sift"  # the superuser initdb creates (trust auth on loopback and the socket only)


def find_bindir() -> Path | None:
    """The folder of `initdb`/`pg_ctl`: PATH, else the newest /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]),
                         reverse=True):
        if (Path(bindir) / "initdb").exists() and (Path(bindir) / "pg_ctl").exists():
            return Path(bindir)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, bindir: Path, root: Path, port: int):
        self.bindir, self.root, self.port = bindir, root, port
        self.data = root / "data"
        self.log = root / "server.log"
        self._as_postgres = os.geteuid() == 0

    @classmethod
    @contextlib.contextmanager
    def started(cls, bindir: Path | None = None):
        bindir = bindir or find_bindir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found: `make postgres` "
                                    "or `apt-get install postgresql`")
        # Not under pytest's tmp folders: those are private to root and the server runs as `postgres`.
        root = Path(tempfile.mkdtemp(prefix="sift-pg-"))
        server = cls(bindir, root, free_port())
        try:
            server.init()
            server.start()
            yield server
        finally:
            server.stop()
            shutil.rmtree(root, ignore_errors=True)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({out.returncode}): {out.stderr[-2000:]}\n{tail}")
        return out

    def init(self) -> None:
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start", timeout=90)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres", driver: str = "") -> str:
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its libpq URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


# ---------------------------------------------------------------------------------------------- replica worker
REPLICA_CODE = "from tests.system.pg import replica; replica()"


def replica() -> None:
    """argv: workdir (demo catalog cache), checkpoint target. One JSON line in -> one JSON line out."""
    from agent.factory import make_assistant
    from evals.conversation_eval import open_demo_engine, rule_extractor

    workdir, target = sys.argv[1], sys.argv[2]
    engine = open_demo_engine(workdir)
    assistant = make_assistant(engine, rule_extractor(engine), checkpoint_path=target)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        result = assistant.turn(request["conversation"], request["text"])
        print(json.dumps({"pid": os.getpid(), "filters": result.filters.active(), "shown": result.shown,
                          "answer": result.answer}), flush=True)


class Replica:
    """A `replica()` process: `ask(conversation, text)` -> its JSON answer."""

    def __init__(self, workdir: Path, target: str):
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        # stderr to a file: a pipe nobody reads would block the worker once its warnings fill it.
        self.log = Path(tempfile.mkstemp(prefix="replica-", suffix=".log", dir=workdir)[1])
        with self.log.open("w") as err:
            self.proc = subprocess.Popen([sys.executable, "-c", REPLICA_CODE, str(workdir), target], cwd=REPO,
                                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         text=True)
        ready = self._read()
        self.pid = ready["ready"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=30)
            raise RuntimeError(f"replica exited ({self.proc.returncode}): {self.log.read_text()[-3000:]}")
        return json.loads(line)

    def ask(self, conversation: str, text: str) -> dict:
        self.proc.stdin.write(json.dumps({"conversation": conversation, "text": text}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
