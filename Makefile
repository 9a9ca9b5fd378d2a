# The two commands: `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= /usr/bin/env python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_PY := $(VENV)/.installed
STAMP_JS := frontend/node_modules/.installed
DIST := assure/static/dist/assure.css

.PHONY: demo test bench load setup frontend lint browser-deps clean serve

setup: $(STAMP_PY) $(DIST)

# A venv made from the machine's python3 (never a pyenv-local version by accident).
$(STAMP_PY): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(BIN)/python || PYENV_VERSION=system $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(STAMP_JS): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DIST): $(STAMP_JS) $(wildcard frontend/src/*.scss) $(wildcard frontend/src/*.js) frontend/build.mjs
	cd frontend && npm run --silent build

frontend: $(DIST)

# Browser tests drive Debian's Chromium; install it when it is missing (never a downloaded browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "Could not install chromium: run 'apt-get install -y chromium' as root"; exit 1; }; \
	fi

demo: setup
	@mkdir -p var
	DEBUG=1 $(BIN)/assure migrate --noinput
	DEBUG=1 $(BIN)/assure seed-demo --if-empty
	DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(BIN)/assure seed-demo-audits --if-empty
	DEBUG=1 $(BIN)/assure seed-demo-decisions --if-empty
	DEBUG=1 $(BIN)/assure seed-demo-insights --if-empty
	DEBUG=1 $(BIN)/assure seed-demo-governance --if-empty
	@echo
	@echo "Assure is running at http://127.0.0.1:$(PORT)/  (stop it with Ctrl+C)"
	@echo "Sign in as any demo user above (the panel chair, 'panelchair', included), for example"
	@echo "'lead' (assurance lead) or 'teammanager'. 'admin' sets up an authenticator app (a code"
	@echo "on a phone) at first sign-in, as every administrator must."
	@echo "The task worker runs beside the server (imports, emails, digests); its log, with the"
	@echo "emails it sends, is var/demo-worker.log. Ctrl+C stops both."
	@echo
	@# Hartsmere, the demo council, is fictional: 999 is no real council's DfE code, so a
	@# regional file's councils are all left out rather than merged in (COUNCIL_LA_CODE).
	@# The worker is stopped with the server however the server ends (the trap on EXIT).
	@export DEBUG=1 COUNCIL_LA_CODE=$${COUNCIL_LA_CODE:-999}; \
	$(BIN)/assure db_worker --no-reload --no-startup-delay > var/demo-worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/assure runserver 127.0.0.1:$(PORT) --noreload

test: setup browser-deps
	@mkdir -p var
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: setup
	@mkdir -p var
	$(BIN)/python -m assure.bench $(BENCH_ARGS)

# 50 signed-in people browsing a 2,000-child council for three minutes, served as in
# production (gunicorn, the task worker, PostgreSQL in a throwaway database assure_load).
# LOAD_SECONDS and LOAD_USERS shorten it. Figures in var/load/<timestamp>.md (docs/bench.md).
load: setup
	@mkdir -p var/load
	$(BIN)/python load/run.py

lint: setup
	$(BIN)/ruff check assure tests
	$(BIN)/ruff format --check assure tests

clean:
	rm -rf $(VENV) frontend/node_modules assure/static/dist var staticfiles
