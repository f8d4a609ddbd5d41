"""sift/background_build.py: the app's runtime is built once in a thread; a failed build is logged with its
traceback and retried on a later request, so a transient failure (database not up yet) heals without a restart."""

from __future__ import annotations

import logging

import pytest

from sift.background_build import BackgroundBuild


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_builds_once_and_returns_the_value():
    calls = []
    build = BackgroundBuild(lambda: calls.append(1) or "engine", clock=Clock())
    assert build.start().result(timeout=10) == "engine"
    assert build.ready() == "engine" and build.ready() == "engine"
    assert calls == [1] and build.attempts == 1


def test_a_failed_build_raises_until_the_retry_is_due_then_recovers(caplog):
    clock, outcomes = Clock(), [ConnectionError("postgres is not accepting connections yet"), "engine"]

    def flaky():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    build = BackgroundBuild(flaky, retry_after_s=10, clock=clock)
    with caplog.at_level(logging.ERROR, logger="sift.app"):
        with pytest.raises(ConnectionError):
            build.start().result(timeout=10)
    # The log says why (the traceback of the cause), not only that it failed.
    record = next(r for r in caplog.records if "failed to build" in r.getMessage())
    assert record.exc_info and "postgres is not accepting" in str(record.exc_info[1])
    clock.now += 5  # too soon: the failure stands, nothing is rebuilt
    with pytest.raises(ConnectionError):
        build.ready()
    assert build.attempts == 1
    clock.now += 6
    assert build.start().result(timeout=10) == "engine"
    assert build.ready() == "engine" and build.attempts == 2
