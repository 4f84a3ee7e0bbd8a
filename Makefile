VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test bench lint

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

bench: install
	$(PY) bench/quality.py
	$(PY) bench/speed.py
	$(PY) bench/attribution.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
