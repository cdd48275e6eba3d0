# Convene developer commands. `make run` starts the demo, `make test` runs the suite.
# Everything runs from the project venv (.venv), which `make venv` creates and keeps current.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pyproject.toml being newer means "install again".
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k worker -x"`.
PYTEST_ARGS ?=
# Parallel pytest processes (pytest-xdist); 0 runs in one process, which helps with pdb.
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help venv run reset test lint schema schema-update migrations-check bench bench-quick

help:
	@echo "make run               migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make reset             delete the demo's SQLite database (var/db.sqlite3); make run starts afresh"
	@echo "make test              run the test suite (PYTEST_ARGS=..., PYTEST_WORKERS=$(PYTEST_WORKERS))"
	@echo "make lint              ruff check, ruff format --check and mypy"
	@echo "make schema            validate the served OpenAPI schema; check docs/openapi.json is it"
	@echo "make schema-update     write the served schema to docs/openapi.json"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make bench             the negotiation-scale benchmarks, S1-S8, as ratios to floors (docs/performance.md)"
	@echo "make bench-quick       the same at a small size, in under 3 minutes (CI runs it)"
	@echo "make venv              create or update .venv"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

reset:
	rm -f var/db.sqlite3

test: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy convene deliberation frontend

schema: venv
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	$(MANAGE) api_schema --check docs/openapi.json

schema-update: venv
	$(MANAGE) api_schema --write docs/openapi.json

migrations-check: venv
	$(MANAGE) makemigrations --check --dry-run

# Drops and reseeds its own database (BENCH_DATABASE_URL, default convene_bench on the local
# PostgreSQL), serves it with bin/web (gunicorn) and caches in Redis (REDIS_URL, default
# redis://127.0.0.1:6379/0, keys prefixed "bench"). BENCH_ARGS="--only S1,S6 --rounds 20" narrows it.
BENCH_ARGS ?=
bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: venv
	$(BIN)/python -m bench.run --quick $(BENCH_ARGS)
