# Two commands matter: `make demo` (the product with the five cities' data, on SQLite) and
# `make test` (the whole suite). Both need only python3 and make; everything else is
# installed into .venv from uv.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check serve browser-deps pdf-deps clean

$(BIN)/.installed: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/python -m uv sync --locked --inexact --quiet
	touch $@

install: $(BIN)/.installed

demo: install pdf-deps
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "開く: http://$(HOST):$(PORT)/  管理画面: http://$(HOST):$(PORT)/admin/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install browser-deps pdf-deps
	$(BIN)/python -m pytest -q

# Debian's Chromium and its driver for the browser tests (downloading a browser does not work
# here), and axe-core from npm for the accessibility checks.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else \
			echo "Browser tests need Chromium: sudo apt-get install chromium chromium-driver"; \
		fi; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
		if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; \
		else echo "Accessibility tests need npm (for axe-core): sudo apt-get install npm"; fi; \
	fi

# What WeasyPrint needs to write the reports' PDFs: Pango and a Japanese font from Debian, and
# poppler-utils, with which the PDF tests read the files back. Without them the report page
# says PDFs cannot be made, and publishing still works.
pdf-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list :lang=ja family 2>/dev/null | grep -q "Noto Sans CJK JP" \
		|| ! command -v pdftotext >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
				fonts-noto-cjk poppler-utils >/dev/null; \
		else \
			echo "PDFs need: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils"; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The production-like stack without Docker: gunicorn on the database in DATABASE_URL.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn --config gunicorn.conf.py reform.wsgi

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
