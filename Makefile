# Two commands for a newcomer: `make run` and `make test`. Both install what is missing.
VENV     ?= .venv
PYTHON   ?= python3
PORT     ?= 5000
WORKERS  ?= 2
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed-stamp

# What the tests need beyond `make run`: a browser, Redis and PostgreSQL servers, LibreOffice.
TEST_PACKAGES := chromium redis-server postgresql libreoffice-writer-nogui
# What `make bench` needs: a load generator, and LibreOffice with python3-uno to compare with.
BENCH_PACKAGES := wrk libreoffice-writer-nogui python3-uno
UNOSERVER := bench/.unoserver-venv/bin/unoserver

.PHONY: run test system test-system venv lint templates layout bench clean

system:
	@scripts/setup-system.sh

test-system:
	@scripts/setup-system.sh $(TEST_PACKAGES)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(STAMP)

# nginx on 127.0.0.1:$(PORT) in front of gunicorn (deploy/nginx.conf), and a Huey consumer
# for batch jobs; Ctrl-C stops all three (scripts/serve.sh).
run: system venv
	mkdir -p instance
	$(BIN)/flask --app wsgi init-db
	PORT=$(PORT) WORKERS=$(WORKERS) BIN=$(BIN) scripts/serve.sh

test: test-system venv
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check service tests scripts wsgi.py
	$(BIN)/mypy

# About 8 minutes; writes bench/RESULTS.md. unoserver gets a venv of Debian's python3, the
# one python3-uno is built for.
bench: venv
	@scripts/setup-system.sh $(BENCH_PACKAGES)
	test -x $(UNOSERVER) || { /usr/bin/python3 -m venv --system-site-packages bench/.unoserver-venv \
	    && bench/.unoserver-venv/bin/pip install -q unoserver; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

templates: venv
	$(BIN)/python scripts/build_docx_templates.py

# Every fixture as PDF beside LibreOffice's rendering of its DOCX, one PNG per fixture in
# var/layout/, with the page counts compared (exit 1 where they differ).
layout: venv
	@scripts/setup-system.sh libreoffice-writer-nogui
	$(BIN)/python scripts/compare_layout.py --pictures

clean:
	rm -rf $(VENV) var/cache instance/*.sqlite3
