"""Build something slow (the engine and the agent) once, in a worker thread, and recover from a failed build.

A build can fail for reasons that pass: PostgreSQL not accepting connections yet while a replica starts, a
file-system hiccup while a model loads. A failed build is logged with its traceback (the log says why, not
only that it failed) and is tried again on the next request once `retry_after_s` has passed, so the app
recovers without a restart; until then `ready()` raises and GET /api/health answers 503 with the reason in
the server log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger("sift.app")


class BackgroundBuild(Generic[T]):
    """`start()` returns the build's future (starting it, or a retry after a failure); `ready()` returns the
    built value, None while building, and raises the build's error while a failure is recent."""

    def __init__(self, build: Callable[[], T], *, name: str = "runtime", retry_after_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._build, self._name, self._retry_after_s, self._clock = build, name, retry_after_s, clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sift-build-{name}")
        self._lock = threading.Lock()
        self._future: Future[T] | None = None
        self._failed_at: float | None = None
        self.attempts = 0

    def start(self) -> Future[T]:
        with self._lock:
            if self._future is None or self._retry_due():
                self.attempts += 1
                self._failed_at = None
                self._future = self._executor.submit(self._run, self.attempts)
            return self._future

    def ready(self) -> T | None:
        future = self.start()
        return future.result() if future.done() else None

    def _retry_due(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and self._clock() - failed_at >= self._retry_after_s

    def _run(self, attempt: int) -> T:
        try:
            return self._build()
        except BaseException:
            log.exception("the %s failed to build (attempt %d); retrying on the next request after %.0f s",
                          self._name, attempt, self._retry_after_s)
            with self._lock:
                self._failed_at = self._clock()
            raise
