# Two commands set everything up on a fresh machine (see README.md):
#   make examples   validate the shipped example experiments with the CLI
#   make test       lint, type-check and run the test suite (about 3 minutes)
# Every tool and library the suite runs with is pinned in requirements/dev.txt
# (`make lock` regenerates it from pyproject.toml's ranges).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.txt

$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@

.PHONY: install examples test test-all test-pythons lint typecheck pytest bench bench-arrow startup fuzz schemas lock
install: $(BIN)/.installed

examples: install
	$(BIN)/crucible-ir validate examples/experiments/*
	@echo "$$(ls examples/experiments | wc -l | tr -d ' ') files valid (examples/experiments)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src

typecheck: install
	$(BIN)/mypy

# The everyday suite: everything but the tests marked slow (long fuzz runs,
# documents of many megabytes), in two processes one after the other, each
# under 350 MB at its peak: the Arrow, DuckDB and Dask tests (which hold some
# 300 MB of libraries) apart from the rest. Some 2 to 3 minutes in all.
pytest: install
	$(BIN)/python -m pytest -m 'not slow' --ignore=tests/arrow
	$(BIN)/python -m pytest -m 'not slow' tests/arrow

test: lint typecheck pytest

# Everything, the slow tests included, on two workers.
test-all: lint typecheck
	$(BIN)/python -m pytest -n 2

# The suite on every Python the package supports (each from pyenv or on PATH).
test-pythons:
	@for v in 3.10 3.11 3.12 3.13; do \
	  py=$$(command -v python$$v || ls -d $$HOME/.pyenv/versions/$$v.*/bin/python 2>/dev/null | tail -1); \
	  if [ -z "$$py" ]; then echo "python$$v not found"; exit 1; fi; \
	  echo "== $$py"; \
	  $(MAKE) --no-print-directory pytest PYTHON=$$py VENV=.venv-$$v || exit 1; \
	done

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra arrow --universal --python-version 3.10 --no-header -q -o $(LOCK)

bench: install
	$(BIN)/python -m benchmarks

# Arrow and Parquet against JSON Lines, and DuckDB (benchmarks/arrow.py).
bench-arrow: install
	$(BIN)/python -m benchmarks.arrow

startup: install
	$(BIN)/python -m benchmarks.startup

fuzz: install
	$(BIN)/python scripts/fuzz.py --inputs 1000000

schemas: install
	$(BIN)/crucible-ir schema --all src/crucible_ir/schemas
