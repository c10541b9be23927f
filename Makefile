# Two commands for a fresh machine:  make demo  and  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast setup app clean benchmark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[app,test]'
	touch $(STAMP)

setup: $(STAMP)

## demo: install, then plan the sample municipality for 2027, check the plan independently and export it
demo: export TVAERS_DB = out/demo.sqlite3
demo: $(STAMP)
	$(VENV)/bin/workbench validate --data sample_data
	$(VENV)/bin/workbench plan --data sample_data --start 2027-01-01 --end 2027-12-31 --out out/demo --time-limit 60
	$(VENV)/bin/workbench check --data sample_data --plan out/demo
	$(VENV)/bin/workbench export --data sample_data --plan out/demo --out out/demo/export --pdf F0001

## test: the whole test suite (unit, widget panels, notebooks, real browser)
test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

## test-fast: the quick check while working, under a minute: no solver-heavy, notebook or browser tests (marker slow)
test-fast: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -p no:nbmake -o addopts="-ra --strict-markers" -m "not slow and not browser" tests

## app: the workbench in the browser (Voilà on 127.0.0.1)
app: $(STAMP)
	$(VENV)/bin/workbench app

benchmark: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache
