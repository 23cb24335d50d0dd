# The two commands: `make run` (embedded demo) and `make test` (full suite on PostgreSQL + Redis).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench bench-quick bench-curve install system-deps migrate demo graph messages fuzz clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { command -v python3 >/dev/null && python3 -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(PY) -m pip install --quiet -e ".[dev]" 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import django, rest_framework, django_fsm, celery, psycopg, weasyprint" 
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Debian packages the service needs at run time (Pango for PDF rendering).
system-deps:
	@bash scripts/system-deps.sh run

# The task mails' links (console) point at this server unless BEV_SITE_URL says otherwise.
run: export BEV_SITE_URL ?= http://$(HOST):$(PORT)
run: install system-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) manage.py seed_demo
	@echo "Service on http://$(HOST):$(PORT)/  (API docs: /api/docs/, health: /healthz)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@bash scripts/with-services.sh bash scripts/run-tests.sh

# Hostile input against every API operation as every role, 60 s (FUZZ_SECONDS, FUZZ_SEED; scripts/fuzz_api.sh).
fuzz: install
	@bash scripts/fuzz_api.sh

bench: install
	@bash scripts/with-services.sh $(PY) scripts/bench.py

# About 10 minutes on 2 CPUs: the curve at 1k and 10k cases, short runs and soak (docs/benchmarks/README.md).
bench-quick: install
	@bash scripts/with-services.sh $(PY) scripts/bench.py --quick

# The scale curve at 1k, 10k and 100k cases in one growing database (36 minutes on a loaded 2-CPU machine).
bench-curve: install
	@bash scripts/with-services.sh $(PY) scripts/bench.py --curve 1000,10000,100000 --soak 0

# Regenerate the lifecycle diagram in docs/ from the state machine's declaration.
graph: install
	$(PY) manage.py graph_transitions -o docs/lifecycle.dot cases.Case
	$(PY) manage.py graph_transitions -o docs/lifecycle.svg cases.Case
	$(PY) manage.py graph_transitions -o docs/lifecycle.png cases.Case
	@rm -f docs/lifecycle  # the DOT source graphviz leaves beside each rendering (the same as lifecycle.dot)

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
