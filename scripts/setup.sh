#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: virtualenv, pinned packages, catalogues, migrations.
# Safe to run again: each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "matchmaker needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv …"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "Installing pinned packages …"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi
export FLASK_APP=app.py
export BASE_URL=${BASE_URL:-http://127.0.0.1:${PORT:-5000}}
.venv/bin/flask i18n-build >/dev/null
.venv/bin/flask db upgrade >/dev/null 2>&1 || .venv/bin/flask db upgrade
