# CPMS – the two everyday commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app cpms
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
BENCH_INSTALLED := $(VENV)/.installed-bench
BENCH_SCALE ?= national
PYTEST_WORKERS ?= 2

.PHONY: run test lint loadtest install install-test translations extract-messages migrate-check migration wheel wheel-check bench clean help

help:
	@echo "make run    – install, migrate, load demo data on first run, start the app and its scheduler"
	@echo "make test   – install test dependencies and run the whole suite (CPMS_TEST_DATABASE_URL for PostgreSQL)"
	@echo "make lint   – ruff (pyflakes, import order, complexity) on cpms/, bench/, tests/, then bandit on cpms/"
	@echo "make loadtest – concurrent attendance saves against gunicorn (alone, beside a certificate batch, beside two workers running a survey import and a batch), then the fault test (a 30 s SQLite lock; a PostgreSQL restart with CPMS_FAULT_PG_CTL) (SQLite; CPMS_LOADTEST_DATABASE_URL for PostgreSQL)"
	@echo "make extract-messages – refresh the French catalogue from the code and templates"
	@echo "make bench  – generate (once) and benchmark national-scale data (BENCH_SCALE=province for a quick run; see README)"
	@echo "make migration NAME=topic – new migration NNNN_topic.py with the next sequential id (AUTOGENERATE=1 compares with the models)"
	@echo "make wheel  – build the wheel into dist/ (docs/packaging.md)"
	@echo "make wheel-check – build the wheel, install it in a fresh virtualenv and check that it serves the application"

$(INSTALLED): setup.cfg pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TEST_INSTALLED): $(INSTALLED) setup.cfg
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

$(BENCH_INSTALLED): $(TEST_INSTALLED) setup.cfg
	$(PY) -m pip install --quiet -e '.[test,prod]'
	@touch $@

install: $(INSTALLED) translations

install-test: $(TEST_INSTALLED) translations

translations: $(INSTALLED)
	@$(VENV)/bin/pybabel compile --use-fuzzy -d cpms/translations

extract-messages: $(INSTALLED)
	$(VENV)/bin/pybabel extract --no-wrap -F babel.cfg -k _l -k lazy_gettext -k N_ -o cpms/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-wrap --no-fuzzy-matching -i cpms/translations/messages.pot -d cpms/translations

run: install
	@$(FLASK) cpms check-system
	@$(FLASK) db upgrade
	@$(FLASK) cpms demo --if-empty
	@$(FLASK) cpms dev

test: install-test
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# ruff: pyflakes rules, import order, a complexity ceiling (pyproject.toml; today's exceptions are listed in
# tests/core/test_lint.py and may only shrink); bandit: no finding of medium or high severity in the application
# code (justify a false alarm with `# nosec BXXX – reason` on its line)
lint: install-test
	$(VENV)/bin/ruff check cpms bench tests setup.py
	$(VENV)/bin/bandit -q -r cpms --severity-level medium

# 500 attendance saves from 20 clients against gunicorn -w 4, then 500 more while a 250-certificate cohort batch
# runs in its own process; on SQLite (WAL), and on PostgreSQL too when CPMS_LOADTEST_DATABASE_URL is set (in a
# scratch schema, dropped afterwards)
# then the fault test (bench/faults.py): the scheduler and workers through a 30 s SQLite lock, and through a
# PostgreSQL stopped and started again (CPMS_FAULT_PG_CTL, e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main`)
loadtest: install-test
	env -u CPMS_LOADTEST_DATABASE_URL $(PY) -m bench.loadtest
	env -u CPMS_LOADTEST_DATABASE_URL $(PY) -m bench.faults
	@if [ -n "$$CPMS_LOADTEST_DATABASE_URL" ]; then $(PY) -m bench.loadtest && $(PY) -m bench.faults; fi
# the next migration: migrations/versions/NNNN_<NAME>.py with revision id NNNN, one more than the highest
# (docs/migrations.md); AUTOGENERATE=1 fills it from the difference between the models and a database at head
migration: install
	@test -n "$(NAME)" || { echo "usage: make migration NAME=topic [AUTOGENERATE=1]"; exit 2; }
	@last=$$(ls migrations/versions | sed -n 's/^\([0-9]\{4\}\)_.*\.py$$/\1/p' | sort | tail -1); \
	next=$$(printf '%04d' $$((10#$${last:-0} + 1))); \
	if [ -n "$(AUTOGENERATE)" ]; then $(FLASK) db migrate --rev-id $$next -m "$(NAME)"; \
	else $(FLASK) db revision --rev-id $$next -m "$(NAME)"; fi

wheel: $(INSTALLED)
	rm -rf build
	$(PY) -m pip wheel . --no-deps -w dist

# the wheel installed outside the checkout migrates a new database, serves French pages and has the same routes
wheel-check: install
	PYTHON=$(PYTHON) REFERENCE_PYTHON=$(PY) .ci/wheel-check

bench: $(BENCH_INSTALLED) translations
	BENCH_SCALE=$(BENCH_SCALE) $(PY) -m bench

clean:
	rm -rf $(VENV) *.egg-info
