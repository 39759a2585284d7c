# Thrive — developer commands. GNU make.
#
#   make run     install everything, migrate, load the demo data and serve on http://127.0.0.1:8000
#   make test    install everything and run the test suite (pytest; PYTEST_ARGS="-k something")
#
# Nothing needs installing first but a Python >= 3.12 somewhere (on PATH or under pyenv),
# Node.js with npm, and make. uv is used if it is on PATH, otherwise installed into .tools/.
# The system libraries (libmagic, pango, fonts; Chromium for the tests) are installed by
# `make run` and `make test` on Debian/Ubuntu when run as root, or named with the one command
# to run (.ci/system-packages).

SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
UV_VERSION ?= 0.13.9

VENV := .venv
STAMPS := .make
MANAGE := $(VENV)/bin/python manage.py

export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never

# --- Finding a Python >= 3.12 ---------------------------------------------------------------
# Each candidate is run (a pyenv shim on PATH fails unless its version is selected) and must
# report >= 3.12; the real interpreter path (sys.executable) is what uv is given.
define FIND_PYTHON
ok() { "$$1" -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null; }; \
for c in python3.13 python3.12 python3; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  ok "$$p" && exit 0; \
done; \
roots=""; \
if command -v pyenv >/dev/null 2>&1; then roots=$$(pyenv root 2>/dev/null); fi; \
roots="$$roots $${PYENV_ROOT:-$$HOME/.pyenv}"; \
for r in $$roots; do \
  for p in "$$r"/versions/3.1[2-9]*/bin/python3; do \
    [ -x "$$p" ] && ok "$$p" && exit 0; \
  done; \
done; \
true
endef

# Evaluated once, and only by the targets that need it; `make PYTHON=/path/to/python3.12`
# overrides the search.
ifeq ($(origin PYTHON),undefined)
PYTHON = $(eval PYTHON := $(shell $(FIND_PYTHON)))$(PYTHON)
endif

# --- uv: the one on PATH, else a private copy in .tools/ --------------------------------------
UV_ON_PATH := $(shell command -v uv 2>/dev/null)
ifneq ($(UV_ON_PATH),)
UV := $(UV_ON_PATH)
UV_DEP :=
else
UV := $(CURDIR)/.tools/bin/uv
UV_DEP := .tools/bin/uv
endif

# A stamp whose output has gone (deleted .venv, node_modules or static/build) is stale.
ifeq ($(wildcard $(VENV)/bin/python),)
$(shell rm -f $(STAMPS)/venv)
endif
ifeq ($(wildcard node_modules/.package-lock.json),)
$(shell rm -f $(STAMPS)/npm)
endif
ifeq ($(wildcard static/build/app.css),)
$(shell rm -f $(STAMPS)/frontend)
endif

FRONTEND_SOURCES := $(wildcard frontend/*)

# Debian/Ubuntu package names.
RUN_PACKAGES := libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation
TEST_PACKAGES := $(RUN_PACKAGES) chromium

.PHONY: help install python system-packages-run system-packages-test run demo-data test lint format bench bench-served bench-growth check-deploy audit migrations-check faults clean

help:
	@echo "Thrive — make targets:"
	@echo "  make run           install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "                     and run the scheduled jobs (docs/scheduled-jobs.md)"
	@echo "  make test          install and run the tests (PYTEST_ARGS=... passes options to pytest)"
	@echo "  make install       Python packages (.venv), npm packages and the front-end build"
	@echo "  make demo-data     install, migrate and (re)load the demo data"
	@echo "  make lint          ruff check and ruff format --check"
	@echo "  make format        ruff format and ruff check --fix"
	@echo "  make bench         the benchmark: every page at 1,000,000 cases (docs/performance.md)"
	@echo "  make bench-served  the same pages served by gunicorn and driven by wrk"
	@echo "  make bench-growth  every page at 20,000 and 1,000,000 cases, and its growth"
	@echo "  make check-deploy  Django's deployment checks with production-like settings"
	@echo "  make audit         known vulnerabilities in the locked Python and npm packages"
	@echo "  make migrations-check  fail if a model change has no migration"
	@echo "  make faults        the fault suite: each part of the topology fails in turn (FAULT_SECONDS=60)"
	@echo "  make clean         remove installed packages, build output, stamps and caches"

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Thrive needs Python 3.12 or newer and none was found." >&2; \
	  echo "  Looked for python3.13, python3.12 and python3 on PATH, and under pyenv" >&2; \
	  echo "  (\$$(pyenv root)/versions/3.12+). Install one (e.g. 'pyenv install 3.12')," >&2; \
	  echo "  or name it: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi
	@echo "Using Python $(PYTHON) ($$($(PYTHON) -c 'import platform; print(platform.python_version())'))"

.tools/bin/uv: | python
	@echo "uv is not on PATH: installing uv $(UV_VERSION) into .tools/"
	rm -rf .tools
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMPS)/venv: uv.lock pyproject.toml $(UV_DEP) | python
	@mkdir -p $(STAMPS)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

$(STAMPS)/npm: package-lock.json package.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm (Node.js 22 or 24 LTS) is needed for the front-end build: apt-get install nodejs npm, or https://nodejs.org." >&2; exit 1; }
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund
	@touch $@

$(STAMPS)/frontend: $(STAMPS)/npm $(FRONTEND_SOURCES)
	npm run build
	@touch $@

install: $(STAMPS)/venv $(STAMPS)/npm $(STAMPS)/frontend

system-packages-run:
	@bash .ci/system-packages $(RUN_PACKAGES)

system-packages-test:
	@bash .ci/system-packages $(TEST_PACKAGES)

demo-data: system-packages-run install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_data

# REDIS_URL and SITE_URL may come from the environment or from .env: ask the settings, which
# read both. SITE_URL (the address in emailed links) follows HOST and PORT unless it is set.
# Without REDIS_URL there is no Celery beat: run_scheduled_jobs runs the daily jobs instead.
run: demo-data
	@echo
	@echo "Thrive is starting on http://$(HOST):$(PORT)"
	@echo "Demo sign-ins (password Thrive-Demo-2026!): ehps01, mgr01, wkr01, wkr02, mgr02, send01,"
	@echo "  tray01, clin01, clin02, clinmgr01, admin01 — see README.md for who is who."
	@echo
	@set -- $$($(VENV)/bin/python -c 'import os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thrive.settings"); from django.conf import settings; print(settings.REDIS_URL or "-", os.environ.get("SITE_URL") or "-")'); \
	redis_url=$$1; \
	if [ "$$2" = - ]; then export SITE_URL=http://$(HOST):$(PORT); fi; \
	if [ "$$redis_url" != - ]; then \
	  echo "REDIS_URL is set: starting a Celery worker with beat in the background."; \
	  $(VENV)/bin/celery -A thrive worker -B -l info --concurrency 1 & background=$$!; \
	else \
	  echo "Running the daily jobs in the background (manage.py run_scheduled_jobs --list)."; \
	  $(MANAGE) run_scheduled_jobs & background=$$!; \
	fi; \
	trap 'kill $$background 2>/dev/null; wait $$background 2>/dev/null' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: system-packages-test install
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMPS)/venv
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	exit $$status

format: $(STAMPS)/venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# BENCH_CASES (default 1,000,000) picks the volume; each volume is built once into a
# PostgreSQL database of its own (thrive_bench_1m, thrive_bench_20k, ...) and reused.
bench: install
	$(VENV)/bin/python -m bench

bench-served: install
	$(VENV)/bin/python -m bench served

bench-growth: install
	$(VENV)/bin/python -m bench growth

# What a real deployment sets (see .env.example): nothing is connected to,
# the checks read settings only. Thrive's own checks are in thrive/checks.py.
check-deploy: $(STAMPS)/venv
	env -u CELERY_TASK_ALWAYS_EAGER -u EMAIL_BACKEND -u CLAMAV_SOCKET \
	DEBUG=false \
	SECRET_KEY="$$($(VENV)/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=thrive.example.org \
	SITE_URL=https://thrive.example.org \
	DATABASE_URL=postgres://thrive@postgres.invalid:5432/thrive \
	REDIS_URL=redis://valkey.invalid:6379/0 \
	EMAIL_HOST=smtp.example.org \
	CLAMAV_HOST=clamav.invalid \
	THRIVE_ID_PREFIX=EX \
	$(MANAGE) check --deploy --fail-level WARNING

audit: $(STAMPS)/venv $(STAMPS)/npm
	$(UV) export --locked --no-dev --no-emit-project --format requirements-txt --quiet \
	  --output-file $(STAMPS)/requirements.txt
	$(VENV)/bin/python .ci/audit.py $(STAMPS)/requirements.txt

migrations-check: $(STAMPS)/venv
	$(MANAGE) makemigrations --check --dry-run

# Keeps the database (thrive.sqlite3) and uploaded files (media/): they are data, not build output.
clean:
	rm -rf $(VENV) .tools $(STAMPS) node_modules static/build staticfiles \
	  .pytest_cache .ruff_cache test-results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The fault suite (docs/resilience-faults.md): PostgreSQL primary + replica, Redis, two app
# servers behind HAProxy, Celery workers and beat, on loopback ports from FAULT_PORT_BASE.
faults: install
	$(VENV)/bin/python -m tests.faults
