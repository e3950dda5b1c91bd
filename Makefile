# The commands of the README. Every target installs what it needs first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export VANTHU_DATA_DIR ?= $(CURDIR)/data

.PHONY: install system-deps demo serve test lint typecheck test-sqlite test-postgres bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	scripts/install-python $(VENV)
	@touch $@

system-deps:
	scripts/install-system-deps

demo: install
	VANTHU_SECURITY_ZONE=isolated $(VENV)/bin/vanthu migrate --noinput
	VANTHU_SECURITY_ZONE=isolated $(VENV)/bin/vanthu demo
	VANTHU_SECURITY_ZONE=isolated $(VENV)/bin/vanthu serve --host 127.0.0.1 --port 8000

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: install
	$(VENV)/bin/mypy

test: install system-deps lint typecheck
	scripts/run-tests

bench: install
	$(PY) -c 'import tantivy' 2>/dev/null || $(PY) -m pip install -q -e ".[dev,bench]"
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
