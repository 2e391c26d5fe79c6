# Two commands set everything up on a fresh machine (see README.md):
#   make examples   validate the shipped example experiments with the CLI
#   make test       lint, type-check and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: install examples test lint typecheck pytest bench startup fuzz schemas quick
install: $(BIN)/.installed

examples: install
	$(BIN)/crucible-ir validate examples/experiments/*

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: install
	$(BIN)/python -m benchmarks

startup: install
	$(BIN)/python -m benchmarks.startup

fuzz: install
	$(BIN)/python scripts/fuzz.py --inputs 1000000

schemas: install
	$(BIN)/crucible-ir schema --all src/crucible_ir/schemas

quick: install
	$(BIN)/python -m crucible_ir._cli._quickgen
