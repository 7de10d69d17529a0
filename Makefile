# MDO Pilotage — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: install run test test-dates lint format mutate bench bench-growth system-deps build-deps clean redis

$(STAMP): pyproject.toml constraints.txt | build-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt ".[test]"
	touch $(STAMP)

install: $(STAMP)

# WeasyPrint needs Pango, the PNG charts cairo; the browser tests need Debian's Chromium. Installed when missing
# (as root), otherwise the exact apt command is printed.
# The sign-in tests start Debian's OpenLDAP (slapd, ldap-utils); python-ldap builds against libldap and libsasl.
# The outbox and cache tests use Redis (redis-server, started on 127.0.0.1:6379 by `make test` when it is not running).
SYSTEM_PACKAGES := chromium fonts-dejavu-core libcairo2 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils slapd ldap-utils redis-server
BUILD_PACKAGES := libldap2-dev libsasl2-dev
system-deps: build-deps
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Paquets système manquants. Lancez : sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

# python-ldap (django-auth-ldap) compiles against the OpenLDAP and SASL headers.
build-deps:
	@missing=""; for p in $(BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Paquets système manquants. Lancez : sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(AXE)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve $(HOST):$(PORT)

test: $(STAMP) system-deps $(AXE) redis
	$(BIN)/python -m pytest $(PYTEST_ARGS)

redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 >/dev/null

# The gates CI runs before the tests: lint, formatting and types (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# What a merge is followed by: the safe autofixes, then the formatter.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Mutation testing of the money, calendar and access rules (configured in pyproject.toml; slow, not run by CI).
mutate: $(STAMP)
	$(BIN)/mutmut run
	$(BIN)/mutmut results

# The suite at the moments that break date arithmetic: the spring clock change (mid-run), 29 February,
# and New Year's Eve at 23:30 (the year, the month and the day turn while it runs). Any other moment:
# `make test-dates TEST_DATES="2027-10-31T02:10 2027-06-01T08:00"`.
TEST_DATES ?= 2027-03-28T01:55 2028-02-29T09:00 2026-12-31T23:30
test-dates: $(STAMP) system-deps $(AXE) redis
	@for moment in $(TEST_DATES); do \
	  echo "== MDO_TEST_NOW=$$moment"; \
	  MDO_TEST_NOW=$$moment $(BIN)/python -m pytest $(PYTEST_ARGS) -q || exit 1; \
	done

# The benchmark: builds the large data set in bench.sqlite3 (once), then prints the figures.
BENCH_DB ?= sqlite:///$(CURDIR)/bench.sqlite3
bench: $(STAMP)
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(BIN)/python manage.py seed_demo --size large --quiet-logins
	DATABASE_URL=$(BENCH_DB) DEBUG=1 $(BIN)/python manage.py bench

# Growth with the data: the demo set, the large set and three times it, each in its own file
# (built once); each page's time is printed against the smaller sets'.
bench-growth: $(STAMP)
	@for set in demo:demo:1 large:large:1 large3:large:3; do \
	  name=$${set%%:*}; rest=$${set#*:}; size=$${rest%%:*}; scale=$${rest#*:}; \
	  db=sqlite:///$(CURDIR)/bench-$$name.sqlite3; \
	  DATABASE_URL=$$db DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0 || exit 1; \
	  DATABASE_URL=$$db DEBUG=1 $(BIN)/python manage.py seed_demo --size $$size --scale $$scale --quiet-logins || exit 1; \
	done
	DATABASE_URL=sqlite:///$(CURDIR)/bench-demo.sqlite3 DEBUG=1 $(BIN)/python manage.py bench --save bench-demo.json
	DATABASE_URL=sqlite:///$(CURDIR)/bench-large.sqlite3 DEBUG=1 $(BIN)/python manage.py bench --save bench-large.json --compare bench-demo.json
	DATABASE_URL=sqlite:///$(CURDIR)/bench-large3.sqlite3 DEBUG=1 $(BIN)/python manage.py bench --compare bench-demo.json bench-large.json

clean:
	rm -rf $(VENV) node_modules staticfiles
