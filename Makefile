# The two commands: `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= /usr/bin/env python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP_PY := $(VENV)/.installed
STAMP_JS := frontend/node_modules/.installed
DIST := assure/static/dist/assure.css

.PHONY: demo test bench setup frontend lint browser-deps clean serve

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

$(DIST): $(STAMP_JS) $(wildcard frontend/src/*.scss) frontend/build.mjs
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
	@echo
	@echo "Assure is running at http://127.0.0.1:$(PORT)/  (stop it with Ctrl+C)"
	@echo "Sign in as any demo user above, for example 'lead' (assurance lead) or 'practitioner'."
	@echo
	DEBUG=1 $(BIN)/assure runserver 127.0.0.1:$(PORT) --noreload

test: setup browser-deps
	@mkdir -p var
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: setup
	@mkdir -p var
	$(BIN)/python -m assure.bench $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check assure tests
	$(BIN)/ruff format --check assure tests

clean:
	rm -rf $(VENV) frontend/node_modules assure/static/dist var staticfiles
