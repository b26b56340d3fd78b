# Two commands bring the project up on a fresh Debian machine (see README.md):
#   make run     set up what is missing, then serve the site on http://127.0.0.1:$(PORT)
#   make test    the same set-up, then lint, migration check and the whole test suite
#   make check   while developing: lint, type check and the quick tests (venv and database only)

# Settings may also come from a .env file (see .env.example).
-include .env

PORT ?= 8000
# Unset: the port the local cluster last ran on, else 55432 (scripts/localdb.sh).
ifneq ($(strip $(PGPORT)),)
export PGPORT
endif

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := .data/stamps

# Without DATABASE_URL the project runs its own PostGIS cluster under .data/; this one
# decision also tells the system step whether to install the server and PostGIS.
ifeq ($(strip $(DATABASE_URL)),)
DATABASE_SERVER := local
export DATABASE_URL := $(shell scripts/localdb.sh url)
else
DATABASE_SERVER := external
endif
# What the system step installs for: `make test` adds the browser tests' needs.
SYSTEM_PURPOSE := run

.PHONY: run test check setup web-port system-packages database migrate data translations static \
	lint typecheck db-start db-stop bench bench-imports bench-exports bench-places bench-phone \
	loadtest

run: web-port setup static
	@echo "Serving on http://127.0.0.1:$(PORT)/ with the job worker (Ctrl-C to stop)"
	@scripts/serve.sh $(VENV) $(PORT)

test: SYSTEM_PURPOSE := test
test: setup lint
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Without the system step or npm: the tests that need neither Chromium nor a fault or a
# long run (markers in pyproject.toml); `make test` still runs them all.
check: $(VENV)/.installed database translations lint typecheck
	$(VENV)/bin/pytest -m "not browser and not slow"

setup: system-packages $(VENV)/.installed node_modules/.installed database migrate data translations

# Before the long set-up: a taken port is named at once, with how to choose another.
web-port:
	@scripts/check-port.sh $(PORT) PORT "the web server"

system-packages:
	@scripts/system-packages.sh $(SYSTEM_PURPOSE) $(DATABASE_SERVER)

$(VENV)/.installed: requirements.txt requirements-test.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

# Front-end packages (package.json), served as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

database:
ifeq ($(DATABASE_SERVER),local)
	@scripts/localdb.sh start
endif

db-start: database
db-stop:
	@scripts/localdb.sh stop

migrate: $(VENV)/.installed database
	$(MANAGE) migrate --no-input -v 0

data: migrate
	$(MANAGE) load_admin_areas
	$(MANAGE) load_reference_data
	$(MANAGE) import_centers fixtures/centers.csv --only-new --reason "Demo data: real centers"
	$(MANAGE) load_leads
	$(MANAGE) refresh_coverage

translations: $(VENV)/.installed
	$(MANAGE) compilemessages -v 0 --ignore '.venv/*'

static: $(VENV)/.installed
	$(MANAGE) collectstatic --no-input -v 0

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The services and selectors, found anew each run (modules added later are checked too).
TYPED_MODULES = $(wildcard */services.py */selectors.py */services/*.py */selectors/*.py)

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy $(TYPED_MODULES)

# Benchmarks (see README.md)
bench: setup
	$(PY) benchmarks/api.py

bench-imports: setup
	$(PY) benchmarks/imports.py

bench-exports: setup
	$(PY) benchmarks/exports.py

bench-places: setup
	$(PY) benchmarks/place_search.py

# Chromium comes with the browser tests' system packages.
bench-phone: SYSTEM_PURPOSE := test
bench-phone: setup
	$(PY) benchmarks/slow_network.py

loadtest: setup static
	$(PY) benchmarks/load.py
