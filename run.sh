#!/usr/bin/env bash
# Set up (first run: virtualenv, packages, database, demo data) and serve matchmaker.
set -euo pipefail
cd "$(dirname "$0")"
PORT=${PORT:-5000}
# Links in e-mails, calendars and QR codes point at BASE_URL; locally, this server.
export BASE_URL=${BASE_URL:-http://127.0.0.1:${PORT}}
./scripts/setup.sh
export FLASK_APP=app.py
if [ ! -f instance/.demo-loaded ]; then
  .venv/bin/flask seed-demo && touch instance/.demo-loaded
fi
echo "matchmaker is running on http://127.0.0.1:${PORT} (Ctrl+C stops it). Demo logins: see README.md."
exec .venv/bin/flask run --host 127.0.0.1 --port "$PORT"
