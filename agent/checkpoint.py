"""Where conversation state lives: `open_checkpointer(target)` and `ResilientSaver`.

`target` picks the store (the same LangGraph thread id, i.e. the conversation id, keys it in each):

    None                                   in memory (tests, `--script` replays)
    ".sift/conversations.sqlite"           a SQLite file (a path, or a `sqlite:///` URL), one process
    "postgresql://user@host:5432/sift"     PostgreSQL through a psycopg connection pool: several app
                                           processes (replicas) share it and serve one conversation in turn

    >>> saver = open_checkpointer(".sift/conversations.sqlite")            # doctest: +SKIP
    >>> saver = open_checkpointer("postgresql://sift@db:5432/sift")        # doctest: +SKIP

Database faults never take a turn down: SQLite and PostgreSQL savers come wrapped in `ResilientSaver`,
which logs a failed write and lets the turn's answer through (only that turn's persistence is lost). A
failed read answers from the last state this process saw for the conversation (or a fresh one) and skips
saving that turn, so a stored conversation is never overwritten by a state rebuilt without it.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 5.0  # a brief lock (another writer, a backup) waits this long before the write fails
PG_POOL_MAX = 4
PG_POOL_TIMEOUT_S = 5.0  # how long a turn waits for a database connection before giving up on saving
LAST_KNOWN_CACHE = 256  # conversations whose last state is kept in memory to answer when a read fails
# Any process that calls `setup()` takes this advisory lock first, so replicas starting together do not race
# on the migrations (concurrent CREATE TABLE IF NOT EXISTS collide in PostgreSQL's catalog).
PG_SETUP_LOCK = 0x5EF7_C4EC


@functools.cache
def database_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "the database failed" (locked, full, down), not "the code is wrong"."""
    errors: list[type[BaseException]] = [sqlite3.Error, OSError]
    try:  # lazy: the PostgreSQL driver (~0.1 s) is loaded once, here or by `open_postgres`, not for SQLite users
        import psycopg
        from psycopg_pool import PoolTimeout

        errors += [psycopg.Error, PoolTimeout]
    except ImportError:  # PostgreSQL support not installed: nothing of it can fail either
        pass
    return tuple(errors)


def is_postgres_url(target: Any) -> bool:
    return isinstance(target, str) and re.match(r"postgres(ql)?(\+\w+)?://", target) is not None


def postgres_conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one: `postgresql+asyncpg://u@h/db` -> `postgresql://u@h/db`."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def redact(url: str) -> str:
    """The URL with its password replaced by ***, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def sqlite_path(target: str | Path) -> Path | None:
    """The file of a path or `sqlite:///` URL (None for `sqlite:///:memory:`)."""
    if isinstance(target, str) and target.startswith("sqlite"):
        rest = target.split("://", 1)[-1]
        rest = rest[1:] if rest.startswith("/") else rest  # sqlite:///rel.db -> rel.db; sqlite:////abs -> /abs
        return None if rest in ("", ":memory:") else Path(rest)
    return Path(target)


def open_checkpointer(target: str | Path | None, *, resilient: bool = True,
                     busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S, pool_max: int = PG_POOL_MAX,
                     pool_timeout_s: float = PG_POOL_TIMEOUT_S) -> BaseCheckpointSaver:
    """The checkpointer for `target` (see the module docstring); wrapped in `ResilientSaver` unless told not.

    PostgreSQL: creates its tables on first use (`setup()`, once per process, under an advisory lock) and
    raises a clear `RuntimeError` when the server cannot be reached at startup.
    """
    if target is None:
        return InMemorySaver()  # cannot fail: no wrapper
    if is_postgres_url(target):
        saver = open_postgres(str(target), pool_max=pool_max, pool_timeout_s=pool_timeout_s)
    else:
        saver = open_sqlite(sqlite_path(target), busy_timeout_s=busy_timeout_s)
    return ResilientSaver(saver) if resilient else saver


def open_sqlite(path: Path | None, busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> BaseCheckpointSaver:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # One connection shared by the facade's worker threads; SqliteSaver serialises access with a lock.
    conn = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, timeout=busy_timeout_s)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    if path is not None:
        # WAL: readers (another process, `sift transcripts`) never block the writer, nor it them.
        conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn)


def open_postgres(url: str, pool_max: int = PG_POOL_MAX, pool_timeout_s: float = PG_POOL_TIMEOUT_S):
    """`PostgresSaver` over a psycopg pool (`check` revalidates a connection after a server restart)."""
    try:  # lazy: the PostgreSQL driver (~0.1 s) only when SIFT_DATABASE_URL names PostgreSQL
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise RuntimeError("PostgreSQL checkpoints need `pip install langgraph-checkpoint-postgres "
                           "'psycopg[binary,pool]'`") from exc
    conninfo = postgres_conninfo(url)
    # PostgresSaver needs autocommit and dict rows; prepare_threshold=None: no server-side prepared
    # statements, which break behind a transaction-pooling proxy (PgBouncer).
    pool = ConnectionPool(conninfo, min_size=1, max_size=max(2, pool_max), timeout=pool_timeout_s, open=False,
                          check=ConnectionPool.check_connection, name="sift-checkpoints",
                          kwargs={"autocommit": True, "prepare_threshold": None, "row_factory": dict_row})
    try:
        pool.open(wait=True, timeout=max(pool_timeout_s, 10.0))
        saver = PostgresSaver(pool)
        with pool.connection() as conn:
            _advisory_lock(conn, PG_SETUP_LOCK)
            try:
                saver.setup()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (PG_SETUP_LOCK,))
    except Exception as exc:
        pool.close()
        raise RuntimeError(f"could not open the conversation store at {redact(conninfo)}: {exc} "
                           "(check SIFT_DATABASE_URL and that the PostgreSQL server is up)") from exc
    return saver


def _advisory_lock(conn: Any, key: int, wait_s: float = 120.0) -> None:
    """Take a session advisory lock by polling, not by a blocking `pg_advisory_lock`: a process blocked in
    that statement holds a snapshot, which the holder's `CREATE INDEX CONCURRENTLY` (a LangGraph migration)
    would wait for, forever."""
    deadline = time.monotonic() + wait_s
    while not next(iter(conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone().values())):
        if time.monotonic() > deadline:
            raise TimeoutError(f"another process held the checkpoint setup lock for {wait_s:.0f} s")
        time.sleep(0.1)


def close_checkpointer(saver: Any) -> None:
    """Release the saver's connections (a pool or a SQLite connection); safe on any saver."""
    inner = getattr(saver, "inner", saver)
    conn = getattr(inner, "conn", None)
    close = getattr(conn, "close", None)
    if close is not None:
        close()


def _key(config: dict[str, Any]) -> tuple[str, str]:
    conf = config.get("configurable") or {}
    return str(conf.get("thread_id", "")), str(conf.get("checkpoint_ns", ""))


class ResilientSaver(BaseCheckpointSaver):
    """Any checkpointer, made fault tolerant: database errors are logged and the turn goes on.

    - a failed write (`put`, `put_writes`): warning with the conversation id; the caller gets the config it
      would have got, so the graph finishes and the shopper gets the answer. Only that write is lost.
    - a failed read (`get_tuple`, `list`): warning; the last state this process read or wrote for the
      conversation (up to `cache_size` conversations), else none (a fresh conversation). Writes for that
      conversation are then skipped until a read succeeds again, so a state rebuilt without the stored
      one never replaces it (with several replicas this process's last-known state may be stale).
    - anything else (a bug, a serialisation error) is not caught.

    `failures` counts the swallowed errors per operation (for tests and health reporting).
    """

    def __init__(self, inner: BaseCheckpointSaver, cache_size: int = LAST_KNOWN_CACHE) -> None:
        super().__init__(serde=inner.serde)
        self.inner = inner
        self.cache_size = cache_size
        self.failures: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._last: OrderedDict[tuple[str, str], CheckpointTuple] = OrderedDict()
        self._unread: set[tuple[str, str]] = set()  # conversations whose last read failed

    # ------------------------------------------------------------------------------------------ bookkeeping
    @property
    def config_specs(self) -> list:
        return self.inner.config_specs

    def get_next_version(self, current: Any, channel: None) -> Any:
        return self.inner.get_next_version(current, channel)

    def with_allowlist(self, extra_allowlist):  # type: ignore[override]
        inner = self.inner.with_allowlist(extra_allowlist)
        if inner is self.inner:
            return self
        clone = ResilientSaver.__new__(ResilientSaver)
        clone.__dict__.update(self.__dict__)  # shares the cache and failure counters
        clone.inner, clone.serde = inner, inner.serde
        return clone

    def _remember(self, key: tuple[str, str], tup: CheckpointTuple | None) -> None:
        with self._lock:
            self._unread.discard(key)
            if tup is None:
                self._last.pop(key, None)
                return
            self._last[key] = tup
            self._last.move_to_end(key)
            while len(self._last) > self.cache_size:
                self._last.popitem(last=False)

    def _last_known(self, config: dict[str, Any]) -> CheckpointTuple | None:
        key = _key(config)
        with self._lock:
            self._unread.add(key)
            tup = self._last.get(key)
        wanted = (config.get("configurable") or {}).get("checkpoint_id")
        if tup is not None and wanted and tup.checkpoint["id"] != wanted:
            return None
        return tup

    def _failed(self, op: str, config: dict[str, Any], exc: BaseException, consequence: str) -> None:
        self.failures[op] += 1
        log.warning("conversation store %s failed for conversation %s (%s: %s); %s", op, _key(config)[0],
                    type(exc).__name__, exc, consequence)

    def _skip(self, config: dict[str, Any]) -> bool:
        with self._lock:
            return _key(config) in self._unread

    def _recover(self) -> None:
        """Leave the inner connection usable: a SQLite statement that failed mid-transaction rolls back."""
        conn = getattr(self.inner, "conn", None)
        if isinstance(conn, sqlite3.Connection):
            try:
                with getattr(self.inner, "lock", threading.Lock()):
                    if conn.in_transaction:
                        conn.rollback()
            except sqlite3.Error:
                pass

    @staticmethod
    def _saved_config(config: dict[str, Any], checkpoint: dict[str, Any]) -> dict[str, Any]:
        thread_id, ns = _key(config)
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint["id"]}}

    @staticmethod
    def _tuple_after_put(config, checkpoint, metadata, saved) -> CheckpointTuple:
        parent = (config.get("configurable") or {}).get("checkpoint_id")
        thread_id, ns = _key(config)
        parent_config = ({"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": parent}}
                         if parent else None)
        return CheckpointTuple(saved, checkpoint, metadata, parent_config, [])

    # ------------------------------------------------------------------------------------------ sync
    def get_tuple(self, config):
        try:
            tup = self.inner.get_tuple(config)
        except database_errors() as exc:
            self._recover()
            self._failed("read", config, exc, "answering from the last known state; this turn will not be saved")
            return self._last_known(config)
        if not (config.get("configurable") or {}).get("checkpoint_id"):
            self._remember(_key(config), tup)
        return tup

    def list(self, config, *, filter=None, before=None, limit=None) -> Iterator[CheckpointTuple]:
        try:
            yield from self.inner.list(config, filter=filter, before=before, limit=limit)
        except database_errors() as exc:
            self._recover()
            self._failed("list", config or {}, exc, "history is incomplete")

    def put(self, config, checkpoint, metadata, new_versions):
        saved = self._saved_config(config, checkpoint)
        if self._skip(config):
            log.warning("conversation %s: not saving this turn (its stored state could not be read)",
                        _key(config)[0])
            return saved
        try:
            saved = self.inner.put(config, checkpoint, metadata, new_versions)
        except database_errors() as exc:
            self._recover()
            self._failed("write", config, exc, "the answer is delivered but this turn is not saved")
            return saved
        self._remember(_key(config), self._tuple_after_put(config, checkpoint, metadata, saved))
        return saved

    def put_writes(self, config, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        if self._skip(config):
            return
        try:
            self.inner.put_writes(config, writes, task_id, task_path)
        except database_errors() as exc:
            self._recover()
            self._failed("write", config, exc, "intermediate writes of this turn are not saved")

    def delete_thread(self, thread_id: str) -> None:
        self.inner.delete_thread(thread_id)
        with self._lock:
            for key in [k for k in self._last if k[0] == str(thread_id)]:
                del self._last[key]

    def delete_for_runs(self, run_ids) -> None:
        self.inner.delete_for_runs(run_ids)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self.inner.copy_thread(source_thread_id, target_thread_id)

    def prune(self, thread_ids, *, strategy: str = "keep_latest") -> None:
        self.inner.prune(thread_ids, strategy=strategy)

    # ------------------------------------------------------------------------------------------ async
    async def aget_tuple(self, config):
        try:
            tup = await self.inner.aget_tuple(config)
        except database_errors() as exc:
            self._failed("read", config, exc, "answering from the last known state; this turn will not be saved")
            return self._last_known(config)
        if not (config.get("configurable") or {}).get("checkpoint_id"):
            self._remember(_key(config), tup)
        return tup

    async def alist(self, config, *, filter=None, before=None, limit=None) -> AsyncIterator[CheckpointTuple]:
        try:
            async for tup in self.inner.alist(config, filter=filter, before=before, limit=limit):
                yield tup
        except database_errors() as exc:
            self._failed("list", config or {}, exc, "history is incomplete")

    async def aput(self, config, checkpoint, metadata, new_versions):
        saved = self._saved_config(config, checkpoint)
        if self._skip(config):
            log.warning("conversation %s: not saving this turn (its stored state could not be read)",
                        _key(config)[0])
            return saved
        try:
            saved = await self.inner.aput(config, checkpoint, metadata, new_versions)
        except database_errors() as exc:
            self._failed("write", config, exc, "the answer is delivered but this turn is not saved")
            return saved
        self._remember(_key(config), self._tuple_after_put(config, checkpoint, metadata, saved))
        return saved

    async def aput_writes(self, config, writes, task_id: str, task_path: str = "") -> None:
        if self._skip(config):
            return
        try:
            await self.inner.aput_writes(config, writes, task_id, task_path)
        except database_errors() as exc:
            self._failed("write", config, exc, "intermediate writes of this turn are not saved")

    async def adelete_thread(self, thread_id: str) -> None:
        await self.inner.adelete_thread(thread_id)
        with self._lock:
            for key in [k for k in self._last if k[0] == str(thread_id)]:
                del self._last[key]
