# The commands of the README: `make run` (one person, development server), `make serve`
# (production: gunicorn, PostgreSQL, Redis) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
SERVE_PORT ?= 8000

.PHONY: run serve test setup setup-dev translations messages lint bench clean

run: setup translations
	@if [ -z "$${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=.' .env; then \
	  export SECRET_KEY=$$(bash scripts/secret_key.sh); fi; \
	$(FLASK) db upgrade && \
	$(FLASK) demo --if-empty --address http://$(HOST):$(PORT) && \
	{ $(FLASK) import-worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; } && \
	echo "workbench is at http://$(HOST):$(PORT)  (Ctrl+C stops it and its import worker)" && \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: PostgreSQL from DATABASE_URL (required), Redis from REDIS_URL (task queue, sign-in
# counters), gunicorn with gunicorn.conf.py and the import
# worker beside it; both log to stdout. Ctrl+C (or SIGTERM) stops both.
serve: setup translations
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) \
	  echo "make serve needs DATABASE_URL=postgresql://user:password@host:5432/name (make run is the one-person set-up on SQLite)" >&2; exit 2;; esac; \
	if [ -z "$${REDIS_URL:-}" ]; then echo "REDIS_URL is not set: one machine only (queue in instance/huey.sqlite, sign-in counters in the database)"; fi; \
	if [ -z "$${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=.' .env; then \
	  export SECRET_KEY=$$(bash scripts/secret_key.sh); fi; \
	$(FLASK) db upgrade 2>&1 && \
	{ $(FLASK) import-worker 2>&1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; } && \
	HOST=$(HOST) PORT=$(SERVE_PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app 2>&1

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
