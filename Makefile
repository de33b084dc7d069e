# Two commands do everything on a fresh machine:  make extract   and   make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup extract test lint check-data sort-data clean

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install gazette with its test tools

extract: $(STAMP)  ## run the pipeline over the bundled sample gazettes in data/raw
	$(VENV)/bin/gazette extract data/raw --out data/out

test: $(STAMP)  ## run the test suite
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check pipeline parsers tests

check-data: $(STAMP)  ## rule files parse, keys sorted and unique
	$(PY) -m pipeline.rules --check

sort-data: $(STAMP)  ## put rule files in canonical order
	$(PY) -m pipeline.rules --sort

clean:
	rm -rf $(VENV) data/out/*.parquet .pytest_cache
