# `make demo` and `make test` work on a fresh machine: both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
DEMO_DIR ?= demo-output

.PHONY: demo test lint imports typecheck unit bench clean postgres

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "schemalog needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,cloudwatch,storage,serve]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,cloudwatch,storage,serve,bench]'
	touch $@

demo: $(STAMP)
	$(BIN)/schemalog demo --dir $(DEMO_DIR)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

imports: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The storage tests start a real PostgreSQL server (initdb/pg_ctl): install it when missing.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
	|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	     && apt-get update -q && apt-get install -y -q postgresql; } \
	|| { echo "make: the PostgreSQL server (initdb, pg_ctl) is missing and cannot be installed" \
	     "here; install the 'postgresql' package (apt-get install -y postgresql)" >&2; exit 1; }

unit: $(STAMP) postgres
	$(BIN)/pytest -q

test: lint imports typecheck unit

bench: $(BENCH_STAMP)
	command -v jq >/dev/null 2>&1 || apt-get install -y jq  # bench/count.py times jq
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .pytest_cache .ruff_cache .hypothesis
