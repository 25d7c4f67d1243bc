# Coachplane: the two commands a newcomer needs are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint schema bench-engine bench-load clean

$(STAMP): pyproject.toml .ci/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c .ci/constraints.txt -e ".[dev]"
	touch $(STAMP)

## run: the product on http://127.0.0.1:8000 (embedded: SQLite, in-process tasks, demo data, live floor)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_seed
	$(PY) manage.py serve --demo-floor

## test: the whole suite on real PostgreSQL and Redis (started here if installed and down)
test: $(STAMP)
	bash .ci/test

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

schema: $(STAMP)
	$(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

bench-engine: $(STAMP)
	$(PY) bench/engine.py

## bench-load: the end-to-end sweep on the full local stack (needs PostgreSQL and Redis on 127.0.0.1)
bench-load: $(STAMP)
	bash .ci/services.sh
	$(PY) bench/load.py --start-stack --sweep 50,100,150,200,300,1000 --interval 3 --duration 40

clean:
	rm -rf $(VENV) var staticfiles
