# Two commands do everything on a fresh machine:  make extract   and   make test
PYTHON ?= python3
SUDO   ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-tools-stamp

.PHONY: setup extract sql report test browser ocr lint check-data sort-data dictionary clean

# The virtual environment is rebuilt whenever pyproject.toml changes. `make extract` installs
# gazette and what extracting needs, nothing more; `make test` adds the test tools on top.
# The editable install's BuildBackendWarning ("folders in your working directory with the
# same name as your package") is silenced: that folder is this repository, which is what an
# editable install points at.
PIP_INSTALL := PYTHONWARNINGS="ignore::UserWarning" $(PY) -m pip install --quiet --disable-pip-version-check
$(STAMP): pyproject.toml parsers/pdf/_chars.c
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[test]'
	touch $(TEST_STAMP)

setup: $(TEST_STAMP) ocr  ## create .venv and install gazette with its test tools

# Scanned pages are read by Debian's Tesseract with its simplified-Chinese model
# (bench/ocr_choice.md says why); a system package, so installed here, once.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim
ocr:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim || { \
	  echo "installing $(OCR_PACKAGES) to read scanned pages" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(OCR_PACKAGES); }

extract: $(STAMP) ocr  ## run the pipeline over the bundled sample gazettes in data/raw
	$(VENV)/bin/gazette extract data/raw --out data/out

sql: $(STAMP)  ## a DuckDB shell over data/out, one view per table (run `make extract` first)
	$(VENV)/bin/gazette sql data/out

report: $(STAMP)  ## the review site for data/out in report/ (open report/index.html)
	$(VENV)/bin/gazette report data/out --html report

test: $(TEST_STAMP) ocr browser  ## run the test suite
	$(PY) -m pytest -q

# The review page is tested in Debian's headless Chromium (driven by selenium through
# chromedriver), with a CJK font so its screenshot shows the text.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || { \
	  echo "make test: installing $(BROWSER_PACKAGES) for the review page test" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES); }

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check gazette pipeline parsers tests

check-data: $(STAMP)  ## rule files parse, keys sorted and unique
	$(PY) -m pipeline.rules --check

sort-data: $(STAMP)  ## put rule files in canonical order
	$(PY) -m pipeline.rules --sort

# The data dictionary is generated, never edited: from the schemas and a run over the
# sample corpus (tests/test_dictionary.py fails when it is out of date).
dictionary: $(STAMP)  ## rewrite docs/DATA_DICTIONARY.md
	rm -rf build/dictionary-run
	$(VENV)/bin/gazette extract tests/fixtures/corpus/raw --out build/dictionary-run 2>/dev/null >/dev/null
	$(PY) -m pipeline.dictionary build/dictionary-run > docs/DATA_DICTIONARY.md

clean:
	rm -rf $(VENV) data/out/*.parquet .pytest_cache report build

# --- benchmark (bench/README.md) -------------------------------------------------------
SHARED ?= ../shared
BENCH_FONTS := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc /usr/share/fonts/truetype/arphic/uming.ttc

.PHONY: bench bench-corpus bench-deps eval

# Accuracy: every corpus with gold in tests/fixtures, scored as ../shared/tools/score.py does.
eval: $(STAMP)  ## score the sample, extra and real corpora; write bench/eval.json
	$(PY) bench/eval.py

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
