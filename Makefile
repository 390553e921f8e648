# The two commands a fresh clone needs: `make run` (the portal with LOTI's data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Two processes, one per core; a file's tests stay together (the Celery worker tests share one Redis database).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run test lint install browser services check bench bench-quick chaos clean-db

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

## GOV.UK Frontend for the officer pages, from the npm registry; `npm ci` also builds static/vendor/portal.css.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the portal's styles: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

## The portal's stylesheet, built again whenever its sources change (npm ci builds it too).
static/vendor/portal.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

install: $(VENV)/.installed node_modules/.installed static/vendor/portal.css

## The portal on http://127.0.0.1:8000 with the reference data (embedded PostgreSQL unless DATABASE_URL is set).
## One process owns the embedded PostgreSQL and stops it when the server stops (Ctrl-C, SIGTERM, a closed terminal).
run: install
	$(PY) -m loti.demo_server --address $(HOST):$(PORT)

## Debian's Chromium for browser tests (never a downloaded browser), poppler to read PDFs back, wrk to load pages.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null || ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium, chromium-driver, poppler-utils and wrk"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils wrk >/dev/null; \
	  else \
	    echo "Missing /usr/bin/chromium, pdftotext or wrk: run 'sudo apt-get install -y chromium chromium-driver poppler-utils wrk'"; exit 1; \
	  fi; \
	fi

## PostgreSQL and Redis must answer; say which is missing rather than hang.
services: install
	$(PY) -m loti.preflight

## Style and types (configured in pyproject.toml): ruff's lint and format, mypy with django-stubs. `make test` runs it first.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

## The whole test suite, on the machine's PostgreSQL and Redis, with a real Celery worker and Chromium.
test: install lint browser services
	$(PY) manage.py makemigrations --check --dry-run --settings=loti.settings.test
	$(PY) -m pytest $(PYTEST_ARGS)

## Production checks: Django's deployment checklist, docker-compose.yml (schema and shape), and the smoke test:
## collectstatic and gunicorn on the production settings, every page signed in and out, a 503 with the database away.
## `make test` runs the same tests with the rest of the suite.
check: install services
	$(PY) -m pytest tests/production $(PYTEST_ARGS) -q

## Benchmarks at 1x and 10x London's scale on generated databases (made on first run): pages on gunicorn under wrk, staff tasks.
bench: install browser
	$(PY) -m bench.run $(BENCH_ARGS)

## The same harness on a tiny dataset with a few requests per page: proves it works, never judges timings.
bench-quick: install browser
	$(PY) -m bench.run --scales 0.1 --runs 1 --seconds 1 --database-prefix loti_benchquick --output bench-results/quick.json

## Fault runs on their own PostgreSQL cluster and Redis (port 6390): Redis down, a worker killed, PostgreSQL restarted.
chaos: install
	$(PY) -m bench.chaos $(CHAOS_ARGS)
