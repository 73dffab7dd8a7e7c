# Bronka: `make run` to see it, `make test` to prove it. Everything else is a step of those two.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Start embedded PostgreSQL / Redis under .data/ unless DATABASE_URL / REDIS_URL are set.
WITH_SERVICES := $(PY) -m config.embedded --
# Local commands run in development mode unless told otherwise (tests use the production switches).
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$${BRONKA_PORT:-8000}}
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run test install messages browser translations lint format migrations bench clean

run: install messages
	@exec env $(DEV) $(WITH_SERVICES) sh -c '\
	  python manage.py migrate --noinput && \
	  python manage.py seed_demo && \
	  echo "Bronka is starting on http://127.0.0.1:$${BRONKA_PORT:-8000}/  (Ctrl-C stops it)" && \
	  exec honcho --no-prefix start -f Procfile'

# Two pytest-xdist workers, each with its own test database: on two cores one worker's Python
# overlaps the other's database work. The browser tests stay together (one Chromium).
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: install messages browser
	$(WITH_SERVICES) python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	touch $@

messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | install
	$(VENV)/bin/pybabel compile -i $< -o $@

# Browser tests drive Debian's Chromium; install it when we can (root with apt-get).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests (apt-get)..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "!!! Could not install chromium: browser tests will be SKIPPED !!!"; \
	  else \
	    echo "!!! chromium is not installed and cannot be installed here: browser tests will be SKIPPED !!!"; \
	  fi; \
	fi

# Extract new strings into the catalogues (needs GNU gettext); edit the .po files, then `make`.
translations: install
	$(DEV) $(WITH_SERVICES) python manage.py makemessages --locale ru --locale en --ignore ".venv/*" --ignore ".data/*"

migrations: install
	$(DEV) $(WITH_SERVICES) python manage.py makemigrations

# Style, complexity, layers and types. Starts no database: the settings get placeholder URLs.
LINT_ENV := DATABASE_URL=postgres://lint@localhost/lint REDIS_URL=redis://localhost:6379/0 \
  DJANGO_SECRET_KEY=lint-only-not-a-secret

lint: install
	ruff check . && ruff format --check .
	lint-imports --no-cache
	$(LINT_ENV) mypy

format: install
	ruff check --fix . && ruff format .

# Every bench, each with its goals and PASS/FAIL (non-zero exit on a FAIL); BENCH=name runs one
# (BENCH_ARGS="--rounds 3" passes options to it). Figures and how to read them: docs/benchmarks.md.
BENCH ?=
bench: install messages
	$(WITH_SERVICES) python -m bench $(BENCH) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .data
