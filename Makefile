# Workshop tracker: everyday commands. Needs python3 (3.11+) with its venv module; gettext's
# msgfmt is optional (without it, Babel compiles the Arabic and French catalogues).
#
#   make run    install, migrate, load the example data and serve on http://127.0.0.1:8000/
#   make test   install the test tools and run pytest (PYTEST_ARGS="-k imports -x" to narrow it)
#   make lint   ruff check
#
# DATABASE_URL is read by config/settings.py from the environment (default: SQLite db.sqlite3).
# VENV=/some/where puts the virtual environment elsewhere.

VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
# make run PORT=8100 when 8000 is taken.
PORT ?= 8000

PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet
MANAGE := $(PY) manage.py

# A stamp per content of the requirement files: editing them re-runs pip, otherwise nothing does.
RUNTIME_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(RUNTIME_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

# compilemessages walks the whole tree: keep it out of the venv (which holds packages' own
# catalogues), hidden folders and generated ones.
define compilemessages
	@if ! find locale -name '*.po' 2>/dev/null | grep -q .; then \
		echo "No .po files under locale/: skipping compilemessages."; \
	elif ! command -v msgfmt >/dev/null 2>&1; then \
		echo "msgfmt not found: compiling the catalogues with Babel instead."; \
		$(VENV)/bin/pybabel compile --statistics -d locale -D django; \
	else \
		$(MANAGE) compilemessages --ignore '.*' --ignore '$(notdir $(VENV))' \
			--ignore node_modules --ignore staticfiles --ignore media; \
	fi
endef

.PHONY: run test lint install install-dev messages

run: $(RUNTIME_STAMP)
	$(compilemessages)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_example
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(DEV_STAMP)
	$(compilemessages)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

messages: $(RUNTIME_STAMP)
	$(compilemessages)

# pip, not python, marks a usable venv: without Debian's python3-venv, venv leaves a python
# behind but no pip.
$(VENV)/bin/pip:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "$(PYTHON) is older than 3.11; set PYTHON=python3.11 (or newer)."; exit 1; }
	@echo "Creating the virtual environment in $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { \
		echo "Could not create $(VENV). On Debian: apt-get install python3-venv"; exit 1; }

$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/pip
	$(PIP) install -r requirements.txt
	@rm -f $(VENV)/.installed-runtime-*
	@touch $@

# requirements-dev.txt includes requirements.txt, so this also satisfies the runtime stamp.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/pip
	$(PIP) install -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-runtime-*
	@touch $@ $(RUNTIME_STAMP)
