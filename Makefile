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

# --- benchmark (bench/README.md) -------------------------------------------------------
SHARED ?= ../shared
BENCH_FONTS := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/arphic/uming.ttc

.PHONY: bench bench-corpus bench-deps

bench: bench-corpus  ## build the synthetic corpus once, measure, write bench/results.json
	$(PY) bench/run.py

bench-corpus: bench-deps  ## build bench/corpus/ (skipped while its stamp matches the generator)
	$(PY) bench/corpus.py --shared $(SHARED)

bench-deps: $(STAMP)
	@test -f $(SHARED)/tools/render_gazette.py -a -f $(SHARED)/tools/render_page.py || { \
	  echo "make bench: no renderers in $(SHARED)/tools (render_gazette.py, render_page.py);" \
	       "pass the shared folder: make bench SHARED=/path/to/shared" >&2; exit 1; }
	@$(PY) -c 'import fpdf' 2>/dev/null || $(PY) -m pip install --quiet -e '.[bench]'
	@for f in $(BENCH_FONTS); do test -f $$f || missing=1; done; \
	  if [ -n "$$missing" ]; then apt-get update && apt-get install -y fonts-wqy-zenhei fonts-arphic-uming; fi
