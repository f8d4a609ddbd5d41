# Two commands do all set-up on a fresh machine:
#   make demo   create .venv if missing, install, build the demo index, start the assistant (each step timed;
#               DEMO_EXIT_WHEN_READY=1 stops once the window answers)
#   make test   create .venv if missing, install, run the whole test suite (fast, then slow)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install chromium postgres demo test test-fast test-slow test-e2e lint bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes. torch==2.13.0 is pinned: pip takes the CPU wheel that
# lies on disk (find-links in pip's config); anything newer would pull gigabytes of CUDA packages.
# pip prints a line per package and its download bars: a first install takes minutes, and says so.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "installing Sift and its dependencies into $(VENV) (first time: a few minutes)"
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's chromium package (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# PostgreSQL server binaries for tests/system/test_postgres.py (the test starts a throwaway server).
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the PostgreSQL tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql; }

# The chat window on the embedded demo catalog: http://127.0.0.1:8000 (staff login printed on start).
# scripts/demo.sh installs, generates the demo catalog, builds the index and starts the window, timing each.
demo:
	BIN=$(BIN) scripts/demo.sh

test: test-fast test-slow test-e2e

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not e2e"

test-slow: $(STAMP) postgres
	$(BIN)/python -m pytest -m "slow"

test-e2e: $(STAMP) chromium
	$(BIN)/python -m pytest -m "e2e" tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/sift bench retrieval

# Load test of the HTTP chat endpoint (N = 1, 8, 32, 64 concurrent conversations, loopback only).
bench-load: $(STAMP)
	$(BIN)/sift bench load --json evals/results/load.json

clean:
	rm -rf $(VENV) .sift .pytest_cache
