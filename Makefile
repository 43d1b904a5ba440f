# Workshop tracker: everyday commands. Needs python3 (3.11+) with its venv module; gettext's
# msgfmt is optional (without it, Babel compiles the Arabic and French catalogues).
#
#   make run    install, migrate, load the example data and serve on http://127.0.0.1:8000/
#   make test   install the test tools and run pytest (PYTEST_ARGS="-k imports -x" to narrow it)
#   make test-browser   only the browser tests (Debian's chromium and npm needed, see README)
#   make lint   ruff check
#   make pdf-check  say whether the PDF sign-in sheet can be made on this machine
#
# The PDF sign-in sheet and certificates (WeasyPrint) need system packages that pip cannot bring,
# on Debian:
#   apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core
# (fonts-hosny-amiri also gives Arabic; the certificates want Noto Serif and Noto Naskh Arabic,
# both in fonts-noto-core). .ci/run installs them when missing.
#
# DATABASE_URL is read by config/settings.py from the environment (default: SQLite db.sqlite3).
# VENV=/some/where puts the virtual environment elsewhere.

VENV ?= .venv
PYTHON ?= python3
PYTEST_ARGS ?=
# make run PORT=8100 when 8000 is taken.
PORT ?= 8000

# axe-core, for the accessibility check of the browser tests: from the npm registry into
# node_modules/ (git-ignored). A stamp per version: changing the version installs it again.
AXE_CORE_VERSION := 4.14.1
AXE_STAMP := node_modules/.axe-core-$(AXE_CORE_VERSION)

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

.PHONY: run test test-browser lint install install-dev messages axe pdf-check

run: $(RUNTIME_STAMP)
	$(compilemessages)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_example
	$(MANAGE) load_programme_example
	@# The background jobs' worker (exports, reports, certificates, large imports) runs beside the
	@# server and stops with it.
	$(MANAGE) jobs_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(DEV_STAMP) $(AXE_STAMP)
	$(compilemessages)
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: $(DEV_STAMP) $(AXE_STAMP)
	$(compilemessages)
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

messages: $(RUNTIME_STAMP)
	$(compilemessages)

axe: $(AXE_STAMP)

# Without npm, or offline, the browser tests skip their accessibility check and say why (CI sets
# BROWSER_TESTS_REQUIRED=1, which makes that a failure instead).
$(AXE_STAMP):
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "npm not found: the browser tests' accessibility check (axe-core) will be skipped."; \
	elif npm install --no-save --no-audit --no-fund --prefix . axe-core@$(AXE_CORE_VERSION); then \
		rm -f node_modules/.axe-core-*; touch $@; \
	else \
		echo "Could not install axe-core $(AXE_CORE_VERSION) from the npm registry."; \
	fi

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

pdf-check: $(RUNTIME_STAMP)
	@$(PY) -c "import weasyprint" 2>/dev/null || { echo "WeasyPrint cannot load Pango. On Debian: \
apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core"; exit 1; }
	@fc-list 2>/dev/null | grep -qiE 'Noto (Naskh|Sans) Arabic|Amiri' || { echo "No font with Arabic \
letters. On Debian: apt-get install fonts-noto-core (or fonts-hosny-amiri)"; exit 1; }
	@fc-list 2>/dev/null | grep -qiE 'Noto Serif[:,]' || echo "No Noto Serif: certificates fall back \
to another serif font. On Debian: apt-get install fonts-noto-core"
	@echo "PDF sign-in sheets and certificates can be made here."
