# Quick start: `make run` and `make test`; nothing else is needed on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DB     ?= sqlite:///ingest.db

.PHONY: run test lint typecheck bench check-java check-postgres clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"' \
	  || { echo "install Python 3.11 or newer (e.g. apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,spark,postgres,serve,browser]'
	touch $@ $(STAMP)

## run: backfill the bundled pages into the embedded store and print a summary
run: $(STAMP)
	$(BIN)/ingest backfill fixtures --db $(DB)

check-java:
	@command -v java >/dev/null 2>&1 || { echo "Spark tests need Java 17: apt-get install -y openjdk-17-jre-headless"; exit 1; }

check-postgres:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	  || { echo "PostgreSQL tests need the server binaries: apt-get install -y postgresql"; exit 1; }

## test: install the dev, spark and postgres extras, lint, type-check and run the whole suite
test: $(DEVSTAMP) check-java check-postgres
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

bench: $(DEVSTAMP)
	$(BIN)/python benchmarks/parse_throughput.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
