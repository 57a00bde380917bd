# Ameliora — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
AM := $(VENV)/bin/ameliora

.PHONY: run install test lint typecheck unit bench lock messages clean

run: install ## Install, migrate, load the demo data and serve on http://127.0.0.1:8000 (with the task worker)
	@scripts/run.sh

install: $(VENV)/.installed ## Create the virtual environment from the lock file

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Ameliora needs Python 3.11; set PYTHON=/path/to/python3.11")'
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

test: install ## Lint, type-check, tests on SQLite and PostgreSQL, browser tests, production check, make run from a clone
	@scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy src tests scripts

unit: install ## Only the SQLite unit/integration tests (fast feedback)
	$(VENV)/bin/pytest -q -m "not e2e and not prod"

bench: install ## Benchmarks on large synthetic data; figures go to docs/benchmarks.md
	$(VENV)/bin/python -m tests.bench $(BENCH_ARGS)

lock: ## Re-resolve the pinned dependencies after editing pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

messages: install ## Extract French strings and compile the catalogues
	cd src/ameliora && ../../$(AM) makemessages -l fr --no-obsolete --ignore "static/*" && ../../$(AM) compilemessages -l fr

clean:
	rm -rf $(VENV) var test-artifacts
