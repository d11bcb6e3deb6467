# Xinfang (阳光信访): developer and CI entry points. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RUFF := $(VENV)/bin/ruff
# Reinstalled only when the dependency list changes.
STAMP := $(VENV)/.installed

SHARED_TAXONOMY := ../shared/data/content-taxonomy.csv
BUNDLED_TAXONOMY := xinfang/taxonomy/data/content-taxonomy.csv
TAXONOMY := $(if $(wildcard $(SHARED_TAXONOMY)),$(SHARED_TAXONOMY),$(BUNDLED_TAXONOMY))

PG_DEFAULT_URL := postgres://postgres@127.0.0.1:5432/xinfang
# make run serves here; another port: PORT=8001 make run
PORT ?= 8000
PYTEST_ARGS ?=
# -ra lists every skip, xfail and error with its reason, so nothing is skipped silently.
PYTEST := $(VENV)/bin/pytest -ra -p no:cacheprovider $(PYTEST_ARGS)

.PHONY: help install run test test-sqlite test-postgres lint format bench messages clean

help:
	@echo "make run       install, migrate, load taxonomy and demo data, serve http://127.0.0.1:8000 (PORT=8001 make run: another port)"
	@echo "make test      install, ruff check, whole suite on SQLite then on PostgreSQL"
	@echo "make lint      ruff check and format check"
	@echo "make format    ruff format and safe fixes"
	@echo "make bench     run every bench/*.py script"
	@echo "make messages  compile zh_Hans translations (needs gettext)"

$(PY):
	python3 -m venv $(VENV)

# Build warnings go to a log, shown only when the install fails.
$(STAMP): pyproject.toml | $(PY)
	@echo "== installing into $(VENV) (log: $(VENV)/install.log)"
	@{ $(PIP) install --quiet --disable-pip-version-check --upgrade pip && \
	   $(PIP) install --quiet --disable-pip-version-check -e '.[dev]'; } >$(VENV)/install.log 2>&1 \
	   || { cat $(VENV)/install.log; echo "== install failed"; exit 1; }
	@touch $@

install: $(STAMP)

# The demo logins sign in with the password alone; production asks staff for a second factor
# (docs/configuration.md, "Staff sign-in"). Set XINFANG_OTP_REQUIRED_ROLES to try it here.
run: export XINFANG_OTP_REQUIRED_ROLES ?= none
run: export XINFANG_WARM_UP = 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --taxonomy $(TAXONOMY)
	@echo "== task worker in the background renders notices and sends messages (log: worker.log)"
	@$(PY) manage.py db_worker >worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Runs every stage and fails at the end if any failed, so one report shows all of them.
test: install
	@status=0; \
	echo "== ruff check and format check"; \
	$(RUFF) check --output-format=concise . || status=1; \
	$(RUFF) format --check . || status=1; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	if [ -n "$${DATABASE_URL:-}" ] || $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		DATABASE_URL="$${DATABASE_URL:-$(PG_DEFAULT_URL)}" $(MAKE) --no-print-directory test-postgres || status=1; \
	elif [ -n "$${CI:-}" ]; then \
		echo "== PostgreSQL: none at 127.0.0.1:5432 and DATABASE_URL unset; CI requires it"; status=1; \
	else \
		echo "== PostgreSQL: NOT RUN (set DATABASE_URL or start a server at 127.0.0.1:5432)"; \
	fi; \
	if [ $$status -ne 0 ]; then echo "== make test: FAILED"; else echo "== make test: passed"; fi; \
	exit $$status

# pytest exit 5 means no tests were collected: a failure here, never a pass.
test-sqlite: install
	@echo "== pytest on SQLite"
	@rc=0; env -u DATABASE_URL $(PYTEST) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests collected on SQLite"; fi; exit $$rc

# In CI every dependency is installed, so the PostgreSQL run (the complete one) may skip nothing.
test-postgres: install
	@test -n "$${DATABASE_URL:-}" || { echo "test-postgres needs DATABASE_URL"; exit 2; }
	@echo "== pytest on PostgreSQL ($${DATABASE_URL%%\?*})"
	@mkdir -p test-artifacts; rc=0; \
	$(PYTEST) 2>&1 | tee test-artifacts/pytest-postgres.log || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests collected on PostgreSQL"; fi; \
	if [ $$rc -eq 0 ] && [ -n "$${CI:-}" ] && tail -n 1 test-artifacts/pytest-postgres.log | grep -q skipped; then \
		echo "skipped tests in CI (reasons above): install what they need"; rc=1; \
	fi; exit $$rc

lint: install
	$(RUFF) check .
	$(RUFF) format --check .

format: install
	$(RUFF) check --fix .
	$(RUFF) format .

bench: install
	@shopt -s nullglob; scripts=(bench/*.py); ran=0; \
	for f in "$${scripts[@]}"; do \
		case "$$(basename "$$f")" in _*) continue;; esac; \
		echo "== $$f"; \
		DJANGO_SETTINGS_MODULE=xinfang.config.settings PYTHONPATH=. $(PY) "$$f"; \
		ran=$$((ran + 1)); \
	done; \
	echo "== $$ran benchmark script(s) run"

messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext"; exit 1; }
	$(PY) manage.py compilemessages --locale zh_Hans --ignore $(VENV) --ignore .git --ignore node_modules

clean:
	rm -rf .pytest_cache .ruff_cache .test-db*.sqlite3* test-artifacts
