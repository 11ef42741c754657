# kuzet: `make demo` runs the platform with a demo world; `make test` runs every test.
# Nothing else needs configuring. Targets are one-liners; the scripts/ folder does the work.

VENV   := .venv
BIN    := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: help install native assets messages demo test check fmt schema bench-indicators bench-intake bench-pages clean

help:            ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) native assets messages  ## Virtual environment, pinned dependencies, compiled indicator engine, front-end assets, translations

native: $(STAMP)  ## Compile the indicator engine with mypyc (skipped when current; plain Python without a compiler)
	$(PYTHON) scripts/build_native.py

assets: kuzet/static/vendor/htmx.min.js  ## Browser libraries from the npm registry (never a CDN)

kuzet/static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p kuzet/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js kuzet/static/vendor/
	touch $@

messages: $(STAMP)  ## Compile the kk/ru/en translations
	$(PYTHON) scripts/compile_messages.py

demo: install  ## Set up, migrate SQLite under var/, seed the demo world, serve on 127.0.0.1:8000
	$(BIN)/kuzet migrate --noinput -v 0
	$(BIN)/kuzet collectstatic --noinput -v 0
	$(BIN)/kuzet seed-demo
	$(BIN)/kuzet simulate --seed 1 --scale small --load
	bash scripts/serve-demo

test: install  ## Every test: SQLite always, PostgreSQL too when it answers
	bash scripts/test

check: install  ## ruff, format, mypy, migrations, OpenAPI contract, import rules
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/kuzet makemigrations --check --dry-run -v 0
	$(BIN)/lint-imports
	$(PYTHON) scripts/openapi.py --check

fmt: install  ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install  ## Regenerate docs/api/openapi.json
	$(PYTHON) scripts/openapi.py --write

bench-indicators: install  ## Indicator engine against ioc-finder, iocextract, iocsearcher
	$(BIN)/pip install --quiet -c requirements.lock -e '.[bench]'
	$(PYTHON) benchmarks/indicators/run.py

bench-intake: install  ## The medium world through the public form's path and the partner API, SQLite and PostgreSQL, in-process
	$(BIN)/kuzet collectstatic --noinput -v 0
	$(PYTHON) benchmarks/intake/run.py --scale medium

bench-pages: install  ## Staff pages and API lists on the medium and large worlds in PostgreSQL (loads each once)
	$(PYTHON) manage.py collectstatic --noinput -v 0
	$(PYTHON) benchmarks/pages/run.py --scales medium,large

clean:  ## Remove the virtual environment, node_modules and var/
	rm -rf $(VENV) node_modules var kuzet/static/vendor
