# Newsroom: `make run` sets everything up and serves the site; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export NEWSROOM_DATA_DIR ?= $(CURDIR)/var
# The PostgreSQL pass of `make test` runs the whole suite too, browser tests included;
# PG_TEST_MARKERS="not browser" narrows it (a pytest -m expression).
PG_TEST_MARKERS ?=

# The SolrCloud pass runs the engine-level tests only: the rest of the suite does not depend on
# the search engine and has run twice already.
SOLR_TESTS ?= tests/test_query_language.py tests/test_engine_parity.py tests/test_search_counts.py tests/test_facet_limits.py tests/test_solr_cluster.py

.PHONY: run serve install test-deps test test-imports test-sqlite test-postgres test-solr lint format demo index bench-extraction bench-search bench-lighthouse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# What package.json takes from npm, exactly as package-lock.json pins it: world-atlas (Natural
# Earth's country shapes for the map, needed by `make run`) and axe-core (the browser tests'
# accessibility checks); Lighthouse is a devDependency, installed by `make bench-lighthouse`
# only. Without npm the site runs and the map is left out.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --omit=dev --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: the search page's map is left out (Debian: apt-get install npm)." >&2; \
	fi

install: $(VENV)/.installed node_modules/.installed

## Set up (virtualenv, dependencies, database, demo articles, index) and serve on $(HOST):$(PORT)
## with `make serve` (which also runs collectstatic).
run: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py load_demo
	$(MAKE) serve

## The production configuration on this machine: DEBUG off, hashed static files served by
## whitenoise, gunicorn (newsroom/gunicorn_conf.py). A secret key is made once and kept in
## the data folder unless SECRET_KEY or SECRET_KEY_FILE is set.
serve: install
	@mkdir -p "$(NEWSROOM_DATA_DIR)"
	@[ -n "$$SECRET_KEY" ] || [ -s "$(NEWSROOM_DATA_DIR)/secret_key" ] || \
	  (umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$(NEWSROOM_DATA_DIR)/secret_key")
	export DEBUG=0 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost,127.0.0.1}"; \
	[ -n "$$SECRET_KEY" ] || export SECRET_KEY_FILE="$${SECRET_KEY_FILE:-$(NEWSROOM_DATA_DIR)/secret_key}"; \
	$(BIN)/python manage.py migrate --no-input -v0 && \
	$(BIN)/python manage.py collectstatic --no-input -v0 && \
	$(BIN)/python manage.py check --fail-level ERROR -v0 && \
	exec $(BIN)/gunicorn -c newsroom/gunicorn_conf.py --bind $(HOST):$(PORT)

demo: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py load_demo

## Install what the tests need (Python packages, Debian's Chromium, Node.js and a Java runtime
## for the Nu HTML Checker, axe-core and world-atlas from npm for the browser tests'
## accessibility checks and the map) and run the suite.
test-deps: $(VENV)/.test-installed
	@bash scripts/ensure-test-system-deps.sh
	@$(MAKE) --no-print-directory node_modules/.installed

## Three passes: the whole suite on SQLite, then again on a private PostgreSQL server
## started for the run (scripts/with-postgres.sh installs it if missing), then the
## engine-level tests on a private 2-node SolrCloud (scripts/with-solr.sh; Solr from Maven
## Central, cached in ~/.m2).
test: test-imports test-sqlite test-postgres test-solr

## The import contracts of pyproject.toml: layers only import downwards, no cycles.
test-imports: test-deps
	$(BIN)/lint-imports

test-sqlite: test-deps
	env -u DATABASE_URL bash scripts/pytest.sh

test-postgres: test-deps
	bash scripts/with-postgres.sh bash scripts/pytest.sh $(if $(PG_TEST_MARKERS),-m "$(PG_TEST_MARKERS)")

test-solr: test-deps
	env -u DATABASE_URL bash scripts/with-solr.sh bash scripts/pytest.sh $(SOLR_TESTS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

format: $(VENV)/.test-installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench-extraction: install
	$(BIN)/python bench/extraction.py

bench-search: install
	$(BIN)/python bench/search.py

## Lighthouse scores (mobile and desktop) of home, a filtered search, an article, an entity page
## and a comparison, served as `make serve` does.
bench-lighthouse: install
	@bash scripts/ensure-test-system-deps.sh
	npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts node_modules
