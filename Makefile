# Kronika: one command each for the demo, the tests and a real crawl.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KRONIKA := $(VENV)/bin/kronika
DB ?= archive.db
PORT ?= 8001

.PHONY: install test lint demo run serve clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

## install: create .venv with the `kronika` command
install: $(VENV)/.installed

## lint: ruff check and ruff format --check
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## test: lint, then the whole pytest suite (offline)
test: lint
	$(VENV)/bin/pytest -q

## demo: serve the bundled demo sites on 127.0.0.1, crawl them into demo.db, open Datasette on :8001
demo: install
	$(PY) -m demo.run --db demo.db --port $(PORT)

## run: crawl the real sources registry into archive.db and serve it
run: install
	-$(KRONIKA) crawl --sources sources.toml --db $(DB)
	$(KRONIKA) serve --db $(DB) --port $(PORT)

## serve: serve an existing archive
serve: install
	$(KRONIKA) serve --db $(DB) --port $(PORT)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache demo.db demo.db-wal demo.db-shm demo.warc bench/search.db bench/search.db-wal bench/search.db-shm
