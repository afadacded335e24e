# Every target sets itself up: a machine with Python 3.11 and make is enough.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# The interpreter itself, not a launcher such as a pyenv shim: uv recreates .venv whenever the
# --python it is given is not the path .venv was made from.
PYTHON_EXE = $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := .venv
export UV_PYTHON_DOWNLOADS := never
VENV_PY := .venv/bin/python
MANAGE := $(VENV_PY) manage.py
# honcho, given 15 s instead of its built-in 5 s between SIGTERM and SIGKILL on Ctrl-C: the
# Celery worker needs about 6 s to stop its pool (see docs/ci-and-run.md).
HONCHO := $(VENV_PY) -c 'import honcho.command, honcho.manager; honcho.manager.KILL_WAIT = 15; honcho.command.main()'

.PHONY: install axe run test lint migrations-check bench bench-sweep bench-report bench-admin-list bench-rncp clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

## install: create or update .venv from uv.lock (exact versions, dev tools included)
install: $(UV)
	$(UV) sync --frozen --python $(PYTHON_EXE)

## run: migrate, load reference and demo data, then serve web + Celery worker + beat
##      (Procfile.dev under honcho; web on 127.0.0.1:8000 or $$PORT, DEBUG on; Ctrl-C stops all)
run: export DEBUG ?= true
run: export PORT ?= 8000
run: install
	mkdir -p var/celery
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference
	$(MANAGE) seed_demo
	$(MANAGE) sweep_deadlines --enqueue
	$(HONCHO) -f Procfile.dev start

## axe: axe-core for the browser tests' accessibility audit (package.json, exact version in
##      package-lock.json; npm ci, no install script run)
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

axe: $(AXE)

## test: the whole test suite (set DATABASE_URL / REDIS_URL to test on PostgreSQL / Redis)
test: install $(AXE)
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf .venv .tools var node_modules

## bench-sweep | bench-report | bench-admin-list: one suite of `make bench` on SQLite at
##        $$DOSSIERS dossiers (100 000 unless set), on a generate_load database
bench-sweep bench-report bench-admin-list: install
	$(VENV_PY) -m bench.run --databases sqlite --sizes $${DOSSIERS:-100000} \
		--suites $(patsubst bench-admin-list,admin,$(patsubst bench-report,reports,$(patsubst bench-sweep,sweep,$@)))

## bench-rncp: import_rncp on a generated export of $$FICHES fiches (50 000 unless set), on a
##        scratch SQLite database, timed with its peak memory (/usr/bin/time -v), twice (the
##        second run changes nothing)
bench-rncp: install
	rm -f var/bench-rncp.sqlite3
	$(VENV_PY) -m bench.rncp_export $${FICHES:-50000} var/bench-rncp.zip
	DATABASE_URL=sqlite:///var/bench-rncp.sqlite3 $(VENV_PY) manage.py migrate -v0
	for run in 1 2; do DATABASE_URL=sqlite:///var/bench-rncp.sqlite3 /usr/bin/time -f \
		"temps %e s, mémoire maximale %M Ko" $(VENV_PY) manage.py import_rncp var/bench-rncp.zip; done

## bench: every benchmark suite at 10 000, 100 000 and 1 000 000 dossiers on SQLite and
##        PostgreSQL, printed as one table beside the SQL floors (bench/run.py; figures, not
##        tests). BENCH_ARGS="--sizes 10000 --databases sqlite" for a shorter run; the API
##        suite needs wrk (apt-get install wrk).
bench: install
	$(VENV_PY) -m bench.run $(BENCH_ARGS)
