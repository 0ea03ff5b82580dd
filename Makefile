# The README explains every target here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PHOENIX_VENV := .venv-phoenix
PHOENIX_PIN  := tests/e2e/phoenix-requirements.txt

.PHONY: demo test test-slow e2e lint fuzz bench serve clean

demo: $(VENV)/.installed  ## install FilAgent (the service extra) and run its demo (prints trace trees)
	$(BIN)/filagent demo

test: $(VENV)/.dev-installed  ## install test tools, lint, type-check, run the suite but its slow tests
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q -n 2 -m "not slow and not e2e" || [ $$? -eq 5 ]
	$(BIN)/python -m pytest -q -p no:xdist --doctest-modules filagent pytest_filagent_trace

test-slow: $(VENV)/.dev-installed  ## the tests that start processes: xdist, random order, servers
	$(BIN)/python -m pytest -q -n 2 -m "slow and not e2e" || [ $$? -eq 5 ]

e2e: $(VENV)/.dev-installed $(PHOENIX_VENV)/.installed  ## Arize Phoenix in its own venv, FilAgent exporting to it, traces read back
	FILAGENT_PHOENIX=$(CURDIR)/$(PHOENIX_VENV)/bin/phoenix $(BIN)/python -m pytest -q -s -p no:xdist -m e2e tests/e2e

# Reinstalled only when the pin is newer than the stamp.
$(PHOENIX_VENV)/.installed: $(PHOENIX_PIN)
	$(PYTHON) -m venv $(PHOENIX_VENV)
	$(PHOENIX_VENV)/bin/python -m pip install -q --upgrade pip
	$(PHOENIX_VENV)/bin/python -m pip install -q -r $(PHOENIX_PIN)
	touch $@

lint: $(VENV)/.dev-installed  ## ruff and mypy on both packages
	$(BIN)/ruff check filagent pytest_filagent_trace tests bench
	$(BIN)/ruff format --check filagent pytest_filagent_trace tests bench
	$(BIN)/mypy

fuzz: $(VENV)/.dev-installed  ## long property-based privacy run (10,000 cases per property)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -m fuzz -p no:xdist tests

bench: $(VENV)/.dev-installed  ## benchmarks printing side-by-side ratios
	@missed=""; for b in bench/*.py; do \
		[ "$$b" = bench/workload.py ] && continue; \
		echo "== $$b"; $(BIN)/python $$b || missed="$$missed $$b"; \
	done; \
	if [ -n "$$missed" ]; then echo "targets missed:$$missed"; exit 1; fi

serve: $(VENV)/.installed  ## run the service on 127.0.0.1:8000 (and its search service)
	$(BIN)/filagent serve

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The distribution was called filagent-tracing before; its stale entry point would load the
# plugin twice, so an old install is removed first.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	-$(BIN)/python -m pip uninstall -q -y filagent-tracing 2>/dev/null
	$(BIN)/python -m pip install -q -e '.[service]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	-$(BIN)/python -m pip uninstall -q -y filagent-tracing 2>/dev/null
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) $(PHOENIX_VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info
