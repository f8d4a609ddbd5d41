"""Per-client token buckets for the HTTP chat endpoint (in process memory, bounded in size).

Each client key gets a bucket of `burst` tokens refilled at `rate_per_minute`; a request takes one token.
`hit(key)` returns 0.0 when the request may go ahead, else the seconds until a token is available (what the
`Retry-After` header says).

    >>> clock = iter([0.0, 0.0, 0.0, 30.0]).__next__
    >>> limiter = TokenBucketLimiter(rate_per_minute=2, burst=2, clock=clock)
    >>> limiter.hit("1.2.3.4"), limiter.hit("1.2.3.4"), limiter.hit("1.2.3.4") > 0, limiter.hit("1.2.3.4")
    (0.0, 0.0, True, 0.0)

Why not the `limits` package: it offers fixed and moving windows but no burst on top of a steady rate, and
this is 30 lines. Buckets live in one process: with several replicas behind a load balancer each replica
limits on its own (a client gets up to replicas x rate), unless the balancer pins clients (sticky by IP)
or the limit moves to a shared store (Redis) -- see README "Running at scale".
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucketLimiter:
    """`rate_per_minute` <= 0 disables limiting (every `hit` returns 0.0)."""

    def __init__(self, rate_per_minute: float, burst: int, max_clients: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = max(0.0, float(rate_per_minute)) / 60.0  # tokens per second
        self.burst = max(1, int(burst))
        self.max_clients = max(1, int(max_clients))
        self.clock = clock
        # key -> (tokens, last refill time); least recently seen first, so the oldest is evicted when full
        # (an evicted client starts again with a full bucket: lenient, but memory stays bounded under a flood
        # of spoofed keys).
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def hit(self, key: str) -> float:
        """Take one token for `key`: 0.0 if allowed, else seconds to wait before one is available."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                wait, tokens = 0.0, tokens - 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait

    def wait(self, key: str) -> float:
        """Seconds until `key` could take a token (0.0: now), without taking one."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)
