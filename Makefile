# The two commands a newcomer needs: `make run` and `make test`.
# Each sets up what it needs first (a virtualenv in .venv) and is safe to repeat.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench setup clean-venv

# the compiled fast paths are built by the install: rebuild when their sources change
NATIVE_SRC := $(wildcard service/native/*.pyx service/native/*.pxd service/native/*.h)

$(STAMP): pyproject.toml setup.py $(NATIVE_SRC)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/winnow run

# WINNOW_NATIVE=1: fail rather than quietly test the Python fallback in place of the compiled code
test: $(STAMP)
	scripts/ensure-tools
	WINNOW_NATIVE=1 $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/extraction.py
	$(PY) bench/relevance.py

clean-venv:
	rm -rf $(VENV)
