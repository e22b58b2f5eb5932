# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
# the UI's map assets (leaflet, world-atlas, topojson-client) come from npm
NODESTAMP := node_modules/.package-lock.json

.PHONY: demo test install dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

$(NODESTAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(STAMP) $(NODESTAMP)

dev: $(DEVSTAMP) $(NODESTAMP)

demo: $(STAMP) $(NODESTAMP)
	$(BIN)/eventledger run samples --db demo/ledger.duckdb --out demo/out

test: $(DEVSTAMP) $(NODESTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(DEVSTAMP)
	$(BIN)/python bench/cleaning.py
	$(BIN)/python bench/timex_share.py
	$(BIN)/python bench/run.py

clean:
	rm -rf demo .pytest_cache
