# Outreach Desk. `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup system venv node messages-compile run test lint format messages migrate bench

help:
	@echo "make run    set up everything and start the app with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   set up everything and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make bench  seed a department's ten years into outreach_bench (once) and measure every page"

## --- set-up (each step is skipped when already done)

system:
	@bin/setup-system

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

messages-compile: venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore "$(VENV)" --ignore node_modules -v 0

setup: system venv node messages-compile

## --- the two commands of the README

run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 PORT=$(PORT) PYTHON=$(PY) bin/dev

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

## --- the benchmark (README, "Performance"): PostgreSQL, a database of its own, seeded once

SCALE ?= 1
# A database per scale: outreach_bench for scale 1, outreach_bench_x10 for SCALE=10.
BENCH_DB ?= $(if $(filter 1,$(SCALE)),outreach_bench,outreach_bench_x$(SCALE))
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)

bench: venv
	@createdb -h 127.0.0.1 -U postgres $(BENCH_DB) 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=1 $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS)

## --- development

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract the translatable strings (msgids are Chinese) into the English catalogue.
# flock: several people may run it at once on one checkout.
messages: venv
	flock locale/.lock env DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete --no-wrap --no-location --ignore "$(VENV)" --ignore node_modules --ignore var
	flock locale/.lock env DEBUG=1 $(PY) manage.py makemessages -d djangojs -l en --no-obsolete --no-wrap --no-location --ignore "$(VENV)" --ignore node_modules --ignore var --ignore "static/vendor"

migrate: venv
	$(PY) manage.py migrate
