# quizapp: `make run` serves the game on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test lint check-banks coverage clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) bank load
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

# Production: gunicorn (gunicorn.conf.py) against DATABASE_URL; needs FLASK_SECRET_KEY.
serve: install
	@test -n "$$FLASK_SECRET_KEY" || { echo "Set FLASK_SECRET_KEY (and DATABASE_URL): see README, Production." >&2; exit 1; }
	FLASK_PRODUCTION=true $(FLASK) db upgrade
	FLASK_PRODUCTION=true $(FLASK) bank load
	FLASK_PRODUCTION=true $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install
	scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(FLASK) bank check

check-banks: install
	$(FLASK) bank check

coverage: install
	$(FLASK) bank coverage

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache

# Load benchmark (bench/load.py): gunicorn with the production config under wrk, on SQLite and
# then PostgreSQL; about 3 minutes. As root, installs wrk from Debian when it is missing.
# Options go in BENCH_ARGS, e.g. `make bench BENCH_ARGS="--duration 5"`.
.PHONY: bench
bench: install
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y wrk || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# Look and weight (README, "Look, accessibility and weight"). `make screenshots` saves home,
# question, feedback, results and leaderboard at 360 px, light and dark, into screenshots/
# (git-ignored) with Debian's Chromium and its colour emoji font (installed when missing, as
# root). `make weight` prints the bytes on the wire for the home page and a question card.
.PHONY: screenshots weight
SCREENSHOT_DEBS = chromium fonts-noto-color-emoji
screenshots: install
	@dpkg -s $(SCREENSHOT_DEBS) >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y $(SCREENSHOT_DEBS) || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(SCREENSHOT_DEBS); }
	$(BIN)/python scripts/screenshots.py $(SCREENSHOTS_ARGS)

weight: install
	$(BIN)/python scripts/weight.py
