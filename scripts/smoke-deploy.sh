#!/usr/bin/env bash
# Deployment smoke test, all on loopback: PostgreSQL (database "smoke", made anew), Redis (its
# own redis-server), two gunicorn app servers behind nginx (deploy/nginx/matchmaker.conf) and
# two job workers. scripts/smoke_deploy.py then acts as users do and kills a worker mid-job.
# Every process it starts is stopped on exit; it fails on any lost or stuck job.
# Ports: SMOKE_PORT (nginx, default 5580) and the next three. Needs nginx and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

PORT=${SMOKE_PORT:-5580}
APP1=$((PORT + 1)) APP2=$((PORT + 2)) REDIS_PORT=$((PORT + 3))
PGURL=${SMOKE_PG:-postgresql://postgres@127.0.0.1:5432}
DBNAME=${SMOKE_DB:-smoke}
WORK=$(mktemp -d /tmp/matchmaker-smoke.XXXXXX)
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}
pids=()

cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "--- smoke-deploy failed; last log lines ---" >&2
    for log in "$WORK"/*.log "$WORK"/nginx/error.log; do
      [ -f "$log" ] && { echo "== $log" >&2; tail -n 25 "$log" >&2; }
    done
  fi
  [ -n "${SMOKE_KEEP:-}" ] || rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in "$NGINX" "$REDIS_SERVER" psql; do
  command -v "$tool" >/dev/null || { echo "smoke-deploy: $tool is not installed" >&2; exit 1; }
done

# The same settings on every app server and worker, as deploy/matchmaker.env.example says.
export FLASK_APP=app.py
export DATABASE_URL="$PGURL/$DBNAME"
export SECRET_KEY="smoke-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BASE_URL="http://127.0.0.1:$PORT"
export TRUSTED_PROXIES=1
export RATELIMIT_STORAGE_URI="redis://127.0.0.1:$REDIS_PORT/0"
export JOBS_QUEUE_URL="redis://127.0.0.1:$REDIS_PORT/1"
export UPLOAD_FOLDER="$WORK/files/uploads" JOB_FILES_FOLDER="$WORK/files/job-files"
export LOGIN_ACCOUNT_LIMIT="4 per 5 minutes"
# Notice a killed worker quickly (the defaults are 5, 30 and 15 s).
export JOB_HEARTBEAT_S=2 JOB_STALE_AFTER_S=10 JOB_REAP_INTERVAL_S=5

step() { printf '%4ss  %s\n' "$(( $(date +%s) - started ))" "$*"; }

step "database $DBNAME, redis on $REDIS_PORT"
psql "$PGURL/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" \
  -c "CREATE DATABASE $DBNAME" >/dev/null
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$WORK/redis.log" 2>&1 &
pids+=($!)
step "two app servers on $APP1 and $APP2, two workers"
for port in "$APP1" "$APP2"; do
  .venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$port" --timeout 60 app:app \
    >"$WORK/app-$port.log" 2>&1 &
  pids+=($!)
done
worker_pids=()
for n in 1 2; do
  .venv/bin/flask worker --workers 2 >"$WORK/worker-$n.log" 2>&1 &
  pids+=($!) worker_pids+=($!)
done

step "migrations and demo data while they start"
# Enough buyers that the badge job runs long enough to be killed half-way.
.venv/bin/python scripts/smoke_deploy.py setup --buyers 300 >"$WORK/setup.log" 2>&1

step "nginx on $PORT (deploy/nginx/matchmaker.conf)"
mkdir -p "$WORK/nginx"
sed -e '/# smoke-deploy: begin-drop/,/# smoke-deploy: end-drop/d' -e '/# smoke-deploy: drop/d' \
    -e "s|^\( *\)listen .*# smoke-deploy: listen|\1listen 127.0.0.1:$PORT;|" \
    -e "s|127.0.0.1:8001|127.0.0.1:$APP1|; s|127.0.0.1:8002|127.0.0.1:$APP2|" \
    -e "s|/srv/matchmaker/static/|$PWD/static/|" \
    deploy/nginx/matchmaker.conf >"$WORK/nginx/site.conf"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  include $WORK/nginx/site.conf;
}
CONF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/error.log" &
pids+=($!)

step "acting as users"
.venv/bin/python scripts/smoke_deploy.py check --base "$BASE_URL" \
  --app "http://127.0.0.1:$APP1" --app "http://127.0.0.1:$APP2" \
  --workers "$(IFS=,; echo "${worker_pids[*]}")" --passed-file "$WORK/passed"
step "smoke-deploy passed"
echo "smoke-deploy: $(cat "$WORK/passed") passed, 0 failed"
