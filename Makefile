# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev translations messages lint bench clean

run: setup translations
	@if [ -z "$${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=.' .env; then \
	  export SECRET_KEY=$$(bash scripts/secret_key.sh); fi; \
	$(FLASK) db upgrade && \
	$(FLASK) demo --if-empty && \
	{ $(FLASK) import-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; } && \
	echo "workbench is at http://$(HOST):$(PORT)  (Ctrl+C stops it and its import worker)" && \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup:
	@bash scripts/setup.sh runtime

setup-dev:
	@bash scripts/setup.sh dev

translations:
	@$(BIN)/python scripts/compile_translations.py

messages: setup-dev
	$(BIN)/python scripts/update_translations.py

lint: setup-dev
	$(BIN)/ruff check workbench tests bench

bench: setup-dev translations
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
