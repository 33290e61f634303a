# The two set-up commands (see README): `make demo` and `make test`. Both build the virtual
# environment first, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= .contactpoint
DEMO_CHILDREN ?= 5000
DEMO_SEED ?= 2009

.PHONY: demo test check lint bench clean screens

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/contactpoint --data-dir $(DEMO_HOME) demo --children $(DEMO_CHILDREN) --seed $(DEMO_SEED) --serve

test: lint
	$(BIN)/pytest -n 2 --dist loadgroup

# The fast loop: lint, types, layering and the unit tests (no database, no browser).
check: lint
	$(BIN)/pytest -n 2 tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Screenshots of every role's main pages (docs/screens/): the accessibility browser test serves the app on
# a temporary store, signs in as each role in chromium and saves each marked page at 1280 px.
screens: $(STAMP)
	rm -f docs/screens/*.png
	mkdir -p docs/screens
	CI=true SCREENS_DIR=$(CURDIR)/docs/screens $(BIN)/pytest -q tests/browser/test_accessibility.py
	$(BIN)/python -m tests.browser.shrink_screens docs/screens

bench: $(STAMP)
	$(BIN)/python bench/store.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache .hypothesis
