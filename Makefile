VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test test-fast bench lint

$(PY):
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

install: $(PY)
	$(PY) -m pip install -r requirements.lock
	$(PY) -m pip install --no-deps -e .

run: install
	$(VENV)/bin/briefbot run

test: install
	$(PY) -m pytest -q

# The edit loop: everything but the tests that load the real models or start the bot as a process.
test-fast: install
	$(PY) -m pytest -q -m "not slow and not e2e"

bench: install
	$(PY) bench/quality.py
	$(PY) bench/speed.py
	$(PY) bench/stories.py
	$(PY) bench/cost.py
	$(PY) bench/attribution.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
