# Two commands do all set-up on a fresh machine:
#   make demo   create .venv if missing, install, build the demo index, start the assistant
#   make test   create .venv if missing, install, run the whole test suite (fast, then slow)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast test-slow lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependency list changes. torch==2.13.0 is pinned: pip takes the CPU wheel that
# lies on disk (find-links in pip's config); anything newer would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sift index build
	$(BIN)/sift demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not e2e"
	$(BIN)/python -m pytest -m "slow"

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/sift bench retrieval

clean:
	rm -rf $(VENV) .sift .pytest_cache
