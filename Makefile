# The two commands a newcomer needs: `make run` and `make test`.
# Each sets up what it needs first (a virtualenv in .venv) and is safe to repeat.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench setup clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/winnow run

test: $(STAMP)
	scripts/ensure-tools
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/extraction.py
	$(PY) bench/relevance.py

clean-venv:
	rm -rf $(VENV)
