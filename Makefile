# Two commands do all set-up on a fresh clone with only python3: `make run` and `make test`.
# `make run` installs what running needs; `make test` adds the test tools. Each install is remembered by a stamp
# named after pyproject.toml's checksum, so a changed pyproject.toml installs again and nothing else does.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUM := $(shell cksum < pyproject.toml | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.installed-run-$(SUM)
TEST_STAMP := $(VENV)/.installed-test-$(SUM)

.PHONY: run test lint bench shell clean

$(BIN)/python:
	@echo "Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing orderbot and what it needs to run into $(VENV) (first time only: a minute or two)"
	$(BIN)/pip install -e .
	touch $@

# The test extra includes everything running needs, so it stamps both.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing orderbot with its test tools (pytest, ruff, mypy, import-linter) into $(VENV)"
	$(BIN)/pip install -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/orderbot db upgrade
	$(BIN)/orderbot demo --if-empty
	$(BIN)/orderbot run

test: $(TEST_STAMP)
	$(BIN)/ruff check domain bot adapters tests bench
	$(BIN)/mypy domain bot
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
