# Retos — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
LOCK ?= requirements-dev.lock

.PHONY: run test test-browser lint format bench install migrate messages compilemessages demo lock clean worker

# The virtualenv is rebuilt whenever the lock file changes.
$(BIN)/.installed: $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	touch $@

install: $(BIN)/.installed

compilemessages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: compilemessages demo
	@echo "Retos is serving on http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Runs the queued background tasks (notification emails) until stopped; see README.md.
worker: migrate
	$(BIN)/python manage.py db_worker --queue-name email,default

# The whole suite. SQLite by default; set DATABASE_URL for PostgreSQL.
test: compilemessages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract the strings to translate into the Spanish catalogue (English is the source).
messages: install
	$(BIN)/python manage.py makemessages --locale es_MX --ignore=.venv --ignore=bench --no-obsolete

bench: compilemessages
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lock:
	$(BIN)/pip-compile --quiet --strip-extras -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
