# newswatch developer and operator commands. `make run` and `make test` install on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run once test test-fast ci-tools lint format lock clean-data

install: $(STAMP)

# Re-install when the lock or the package metadata change.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The live monitor: Airflow (SQLite, LocalExecutor) with the newswatch DAGs, until Ctrl-C.
run: $(STAMP)
	$(BIN)/newswatch live

# One pass over every source without Airflow, then a summary.
once: $(STAMP)
	$(BIN)/newswatch run --once

test: $(STAMP) ci-tools
	$(BIN)/python -m pytest

# In CI (CI=true) as root, install Debian's docker-compose (so the compose file is checked with
# `docker-compose config` instead of that test being skipped), chromium (the browser the
# report's script-injection test opens), wordnet-base (the thesaurus of the story bench's
# spinner) and, on x86-64, libhyperscan5 (Intel Hyperscan, the backfill's fastest literal
# search, so its engine is tested rather than skipped). Elsewhere this does nothing.
CI_PACKAGES := docker-compose chromium wordnet-base $(if $(filter x86_64,$(shell uname -m)),libhyperscan5)
ci-tools:
ifeq ($(CI),true)
	@{ command -v docker-compose >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
		&& test -f /usr/share/wordnet/index.noun \
		&& { [ "$$(uname -m)" != x86_64 ] || /sbin/ldconfig -p | grep -q 'libhs\.so\.5 '; }; } \
		|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq >/dev/null 2>&1 \
		&& apt-get install -y -qq $(CI_PACKAGES) >/dev/null 2>&1; } \
		|| { echo "$(CI_PACKAGES) could not all be installed: CI cannot run every test"; exit 1; }
endif

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--extra model --extra dev --extra airflow -o requirements.lock pyproject.toml
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes \
		-c requirements.lock -o requirements-deploy.lock requirements-deploy.in

clean-data:
	rm -rf data
