# expo: `make run` serves the demo expo, `make test` runs the whole suite. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

db: install ## Apply migrations to the database and seed the demo expo if it is empty
	$(BIN)/expo setup

run: db ## Set everything up and serve the demo expo on http://127.0.0.1:8000
	$(BIN)/expo serve --host $(HOST) --port $(PORT)

test: install ## Set everything up and run the whole suite
	$(BIN)/expo setup
	$(BIN)/python -m pytest

lint: install ## ruff, mypy and the architecture's import contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

messages: install ## Extract message ids into the Babel catalogs (then translate expo/locale/id)
	$(BIN)/python -m expo.catalog

bench: install ## Benchmarks (JSON lines; see docs/benchmarks.md)
	@for script in bench/*.py; do echo "# $$script"; $(BIN)/python $$script || exit 1; done

gateday: install ## The gate-day simulation with faults on SQLite and PostgreSQL (docs/benchmarks.md; QUICK=1 for a smoke run)
	$(BIN)/python bench/gateday.py $(if $(QUICK),--quick) $(GATEDAY_ARGS)

doc-shots: install ## Retake the pictures of docs/organisers.md (a browser test in Debian's chromium)
	EXPO_DOC_SHOTS=docs/img/organisers $(BIN)/python -m pytest -q tests/browser/test_season_browser.py

clean: ## Remove the virtualenv and the local database
	rm -rf $(VENV) var/expo.db var/expo.db-wal var/expo.db-shm

.PHONY: help install db run test lint messages bench gateday doc-shots clean
