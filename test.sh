#!/usr/bin/env bash
# Set up like run.sh, then lint and run the whole test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")"
# The set-up's flask commands need a BASE_URL; the tests set their own.
export BASE_URL=${BASE_URL:-http://127.0.0.1:5000}
./scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
