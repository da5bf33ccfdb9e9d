# Newsroom: `make run` sets everything up and serves the site; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export NEWSROOM_DATA_DIR ?= $(CURDIR)/var

.PHONY: run serve install test-deps test lint format demo index bench-extraction bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

## Set up (virtualenv, dependencies, database, demo articles, index) and serve on $(HOST):$(PORT).
run: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py load_demo
	$(MAKE) serve

serve: install
	$(BIN)/gunicorn newsroom.wsgi -c newsroom/gunicorn_conf.py --bind $(HOST):$(PORT)

demo: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py load_demo

## Install what the tests need (Python packages, Debian's Chromium) and run the suite.
test-deps: $(VENV)/.test-installed
	@bash scripts/ensure-test-system-deps.sh

test: test-deps
	$(BIN)/python -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench-extraction: install
	$(BIN)/python bench/extraction.py

bench-search: install
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
