# Quick start: `make run` and `make test`; nothing else is needed on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DB     ?= sqlite:///ingest.db

.PHONY: run test lint typecheck bench check-java check-postgres check-chromium serve clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"' \
	  || { echo "install Python 3.11 or newer (e.g. apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

SERVESTAMP := $(VENV)/.installed-serve

$(SERVESTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[serve]'
	touch $@ $(STAMP)

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,spark,postgres,serve,browser]'
	touch $@ $(STAMP) $(SERVESTAMP)

## run: backfill the bundled pages into the embedded store and print a summary
run: $(STAMP)
	$(BIN)/ingest backfill fixtures --db $(DB)

## serve: resolve the store and open the review app on http://127.0.0.1:8000
serve: $(SERVESTAMP)
	$(BIN)/ingest resolve --db $(DB) >/dev/null
	$(BIN)/ingest serve --db $(DB)

check-java:
	@command -v java >/dev/null 2>&1 || { echo "Spark tests need Java 17: apt-get install -y openjdk-17-jre-headless"; exit 1; }

check-postgres:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	  || { echo "PostgreSQL tests need the server binaries: apt-get install -y postgresql"; exit 1; }

# the browser tests drive Debian's chromium (Playwright uses it; it downloads no browser)
check-chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests (apt-get install -y chromium)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
	    || { apt-get update -q >/dev/null 2>&1 \
	         && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
	    || { echo "could not install chromium: run apt-get install -y chromium"; exit 1; }; \
	  else echo "the browser tests need Chromium: sudo apt-get install -y chromium"; exit 1; fi; }

## test: install the dev and optional extras, lint, type-check and run the whole suite
test: $(DEVSTAMP) check-java check-postgres check-chromium
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
