# Kototori: one entry point. `make` lists the targets; each `##` comment is its help text.
# The scripts behind `run` and `test` live in scripts/ and can be run directly too.

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Directories that hold no project source, for makemessages and compilemessages.
IGNORE := --ignore=.venv --ignore=.git --ignore=staticfiles --ignore=var --ignore=node_modules --ignore=tests

.PHONY: help run test lint format messages fonts lock demo worker beat venv clean

help: ## List the targets
	@echo "Kototori: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## Set up everything and serve the demo on http://127.0.0.1:8000 (PORT=8001 to change)
	@bash scripts/run.sh

test: ## Run every check CI runs: lint, migrations, deploy check, the whole test suite
	@bash scripts/test.sh

venv: ## Create .venv and install requirements.lock (only when it changed)
	@bash -euo pipefail -c 'source scripts/lib.sh; ensure_venv'

lint: venv ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv ## Format the code and apply safe lint fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv ## Extract UI strings into locale/*/LC_MESSAGES/django.po and compile them
	DEBUG=1 $(MANAGE) makemessages --no-location $(IGNORE) \
		$$(DEBUG=1 $(MANAGE) shell -v 0 -c "from django.conf import settings; print(' '.join('-l ' + c for c, _ in settings.LANGUAGES))")
	DEBUG=1 $(MANAGE) compilemessages $(IGNORE)

fonts: venv ## Rebuild the served font subsets (static/fonts, static/css/fonts.css) from the catalogues and templates
	$(PY) scripts/build_fonts.py

lock: ## Regenerate requirements.lock from pyproject.toml in a fresh temporary virtualenv
	@bash scripts/lock.sh

demo: venv ## Load the demo data (idempotent) into the configured database
	DEBUG=$${DEBUG:-1} $(MANAGE) demo

worker: venv ## Start a Celery worker (needs REDIS_URL)
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A kototori worker -l INFO

beat: venv ## Start the Celery beat scheduler (needs REDIS_URL; run exactly one)
	DEBUG=$${DEBUG:-1} $(VENV)/bin/celery -A kototori beat -l INFO --schedule var/celerybeat-schedule

clean: ## Remove generated files (caches, collected static files, compiled translations)
	rm -rf staticfiles .pytest_cache .ruff_cache .hypothesis htmlcov .coverage test-results
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} + \
		-o -name '*.mo' -path '*/locale/*' -delete
	@echo "The virtualenv ($(VENV)) and the local database (var/) are kept: remove them by hand to start afresh."
