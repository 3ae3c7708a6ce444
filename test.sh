#!/usr/bin/env bash
# Set up like run.sh, then lint and run the whole test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
