# Two commands matter: `make demo` (the product with the five cities' data, on SQLite) and
# `make test` (the whole suite). Both need only python3 and make; everything else is
# installed into .venv from uv.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check serve browser-deps clean

$(BIN)/.installed: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/python -m uv sync --locked --inexact --quiet
	touch $@

install: $(BIN)/.installed

demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "開く: http://$(HOST):$(PORT)/  管理画面: http://$(HOST):$(PORT)/admin/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

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
