#!/usr/bin/env bash
# The whole test suite, on SQLite and then on PostgreSQL.
# Outside CI a PostgreSQL that does not answer skips that run with a message; under CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${QUIZAPP_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

echo "== tests on SQLite"
"$PY" -m pytest "$@"

echo "== tests on PostgreSQL ($PG_URL)"
if "$PY" -c 'import sys, sqlalchemy as sa; sa.create_engine(sys.argv[1]).connect().close()' "$PG_URL" 2>/dev/null; then
  QUIZAPP_TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest -m "not browser" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $PG_URL does not answer, and CI requires the PostgreSQL run." >&2
  exit 1
else
  echo "SKIPPED: PostgreSQL at $PG_URL does not answer; set QUIZAPP_TEST_PG_URL or start it to run the suite on it too."
fi
