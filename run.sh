#!/usr/bin/env bash
# Set up (first run: virtualenv, packages, database, demo data) and serve matchmaker with its
# job worker (roundtable runs, badges and posters, exports, mail, reminders); Ctrl+C stops both.
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
# Both run in the background so that Ctrl+C or a TERM to this script reaches the trap at once,
# which stops them; the worker shares the database and the queue file in instance/.
.venv/bin/flask worker --workers 2 >>instance/worker.log 2>&1 &
worker=$!
.venv/bin/flask run --host 127.0.0.1 --port "$PORT" &
web=$!
trap 'kill "$web" "$worker" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
echo "matchmaker is running on ${BASE_URL} with its job worker (log: instance/worker.log)."
echo "Ctrl+C stops both. Demo logins: see README.md."
# Whichever stops first (a crash, a port in use) stops the other.
wait -n "$web" "$worker"
