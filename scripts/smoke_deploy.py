"""The user side of scripts/smoke-deploy.sh: migrate and seed a big event, then act as people
do through nginx and each app server, kill a worker mid-job, and check that nothing is lost or stuck.

    python scripts/smoke_deploy.py setup --buyers 300
    python scripts/smoke_deploy.py check --base URL --app URL --app URL --workers PID,PID

Standard library HTTP (cookie jar, no redirects followed); the database is read only to find
which worker holds a job and to prove no job is left queued or running at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import io
import json
import os
import re
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "cacao-demo-2026"  # noqa: S105 (the demo's published password)
ORGANISER = "organiser@expoamazonica.demo"
EVENT = "expoamazonica-2026"
summary: list[str] = []


def fail(message: str) -> None:
    print(f"SMOKE FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookie jar, usable against nginx or any app server directly."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Only the loopback addresses given on the command line.
        request = urllib.request.Request(url, data=body, headers={"Accept-Language": "en"})  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, url: str) -> str:
        status, _headers, body = self.request(url)
        check(status == 200, f"GET {url} gave {status}")
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        check(found is not None, f"no CSRF token on {url}")
        return found.group(1).decode()

    def log_in(self, base: str, email: str, password: str) -> int:
        token = self.csrf(f"{base}/login")
        status, _headers, _body = self.request(f"{base}/login", {
            "csrf_token": token, "email": email, "password": password})
        return status


def until(what: str, probe, timeout_s: float, interval_s: float = 0.5):
    """Call probe until it returns something truthy; fail after timeout_s (a bound, so the
    smoke test stops by itself)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(interval_s)
    fail(f"{what}: nothing after {timeout_s:.0f} s")
    return None


def database():
    import psycopg

    return psycopg.connect(os.environ["DATABASE_URL"].replace("postgresql+psycopg://",
                                                              "postgresql://"), autocommit=True)


# Checks ---------------------------------------------------------------------------------

def sessions_hold(base: str, apps: list[str]) -> Browser:
    organiser = Browser()
    check(organiser.log_in(base, ORGANISER, PASSWORD) == 302, "organiser log-in through nginx")
    for app in apps:
        status, _h, body = organiser.request(f"{app}/account/profile")
        check(status == 200 and b"/logout" in body,
              f"the nginx session is not valid on {app} (status {status})")
    summary.append(f"session: logged in through nginx, valid on {len(apps)} app servers")
    return organiser


def rate_limit_shared(apps: list[str]) -> None:
    limit = int(os.environ.get("LOGIN_ACCOUNT_LIMIT", "4 per").split()[0])
    email = f"nobody-{os.getpid()}@smoke.test"
    statuses = []
    for attempt in range(limit + 1):
        statuses.append(Browser().log_in(apps[attempt % len(apps)], email, "wrong-password"))
    check(all(s != 429 for s in statuses[:limit]) and statuses[limit] == 429,
          f"failed log-ins alternating over the servers: {statuses}; the limit is not shared")
    summary.append(f"log-in throttle: {limit} failed log-ins for one account spread over both "
                   f"servers ({statuses[:limit]}), then 429 from either")


def roundtable_run(organiser: Browser, apps: list[str]) -> None:
    first, second = apps[0], apps[1]
    token = organiser.csrf(f"{first}/roundtable/{EVENT}/")
    status, headers, _b = organiser.request(f"{first}/roundtable/{EVENT}/runs",
                                            {"csrf_token": token, "time_limit_s": "8"})
    check(status == 302 and "/roundtable/runs/" in headers.get("Location", ""),
          f"starting a run on {first} gave {status}")
    run_id = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    seen: list[tuple[str, float]] = []

    def finished():
        code, _h, body = organiser.request(f"{second}/roundtable/runs/{run_id}/progress")
        check(code == 200, f"progress on {second} gave {code}")
        state = json.loads(body)
        seen.append((state["status"], state["progress"]))
        return state if state["finished"] else None

    state = until(f"roundtable run {run_id}", finished, 120)
    check(state["status"] == "done", f"run {run_id} ended {state['status']}: {state['message']}")
    during = sorted({s for s, _p in seen})
    summary.append(f"roundtable: run {run_id} started on {first}, watched from {second} "
                   f"({len(seen)} polls, states {during}), done: {state['message']}")


def badges_survive_kill(organiser: Browser, base: str, worker_pids: set[int]) -> None:
    from pypdf import PdfReader

    token = organiser.csrf(f"{base}/printables/events/{EVENT}")
    status, headers, _b = organiser.request(f"{base}/printables/events/{EVENT}/jobs",
                                            {"csrf_token": token, "kind": "badges"})
    check(status == 302, f"starting the badge job gave {status}")
    public_id = headers["Location"].rstrip("/").rsplit("/", 1)[1]
    status_url = f"{base}/printables/jobs/{public_id}.json"

    def job_state() -> dict:
        code, _h, body = organiser.request(status_url)
        check(code == 200, f"job status gave {code}")
        return json.loads(body)

    state = until("the badge job to be half-way", lambda: (
        lambda s: s if s["status"] == "running" and s["done"] >= 20 or s["status"] == "done"
        else None)(job_state()), 120, 0.2)
    check(state["status"] == "running", "the badge job finished before a worker could be killed")
    with database() as conn:
        worker = conn.execute("SELECT worker FROM print_job WHERE public_id = %s",
                              (public_id,)).fetchone()[0]
    pid = int(worker.split(":")[1])
    check(pid in worker_pids, f"the job's worker {worker} is not one this test started")
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    summary.append(f"badges: kill -9 worker {pid} at {state['done']}/{state['total']}")

    def settled():
        current = job_state()
        return current if current["status"] in ("done", "failed") else None

    state = until("the badge job after the kill", settled, 150, 1.0)
    if state["status"] == "failed":  # visible, with a reason: run it again as a user would
        summary.append(f"badges: failed visibly ({state['error']}), re-run")
        token = organiser.csrf(f"{base}/printables/jobs/{public_id}")
        organiser.request(f"{base}/printables/jobs/{public_id}/retry", {"csrf_token": token})
        state = until("the re-run badge job", settled, 150, 1.0)
    check(state["status"] == "done", f"the badge job ended {state['status']}")
    recovered_s = time.monotonic() - killed_at
    status, _h, pdf = organiser.request(state["download_url"] if state["download_url"]
                                        .startswith("http") else base + state["download_url"])
    check(status == 200 and pdf.startswith(b"%PDF"), f"badge PDF download gave {status}")
    with database() as conn:
        sha, attempts = conn.execute(
            "SELECT file_sha256, attempts FROM print_job WHERE public_id = %s",
            (public_id,)).fetchone()
    check(hashlib.sha256(pdf).hexdigest() == sha, "the downloaded PDF differs from its checksum")
    check(attempts >= 2, f"the job shows {attempts} attempt(s) after its worker was killed")
    import zxingcpp

    from tests.printing.test_printing_pdf import rasterise_filled_rectangles

    reader = PdfReader(io.BytesIO(pdf))
    urls = [code.text for code in zxingcpp.read_barcodes(rasterise_filled_rectangles(reader, 0))]
    prefix = os.environ["BASE_URL"] + "/q/"
    check(bool(urls) and all(url.startswith(prefix) for url in urls),
          f"badge QR codes do not point at BASE_URL: {urls[:3]}")
    summary.append(f"badges: done {state['done']}/{state['total']} on attempt {attempts}, "
                   f"{recovered_s:.0f} s after the kill; {len(reader.pages)} pages, "
                   f"{len(urls)} QR codes on page 1 all {prefix}…; checksum matches")


def nothing_stuck() -> None:
    with database() as conn:
        stuck = conn.execute(
            "SELECT 'print_job', id, status FROM print_job WHERE status IN ('queued', 'running') "
            "UNION ALL SELECT 'roundtable_run', id, status FROM roundtable_run "
            "WHERE status IN ('queued', 'running')").fetchall()
    check(not stuck, f"jobs left queued or running: {stuck}")
    summary.append("jobs: none queued or running at the end")


def run_checks(args) -> None:
    apps = args.app
    worker_pids = {int(pid) for pid in args.workers.split(",")}
    until("nginx and both app servers", lambda: all(
        Browser().request(f"{url}/login")[0] == 200 for url in [args.base, *apps]), 60, 1.0)
    organiser = sessions_hold(args.base, apps)
    rate_limit_shared(apps)
    roundtable_run(organiser, apps)
    badges_survive_kill(organiser, args.base, worker_pids)
    nothing_stuck()
    print("\n".join(f"  ok  {line}" for line in summary))
    if args.passed_file:
        Path(args.passed_file).write_text(str(len(summary)))


def setup(args) -> None:
    """Migrate, load the demo and add buyers in one process (each `flask` command would import
    the whole app again, which costs tens of seconds on a busy machine)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from matchmaker import create_app
    from matchmaker.demo import seed_demo
    from matchmaker.extensions import db
    from matchmaker.models import BuyerProfile, User
    from matchmaker.models.base import utcnow

    with create_app().app_context():
        upgrade()
        seed_demo()
        now = utcnow()
        db.session.execute(sa.insert(User), [
            {"email": f"buyer{i}@smoke.test", "password_hash": "x", "role": "buyer",
             "name": f"Compradora Núñez {i}", "created_at": now} for i in range(args.buyers)])
        ids = db.session.scalars(sa.select(User.id).where(User.email.like("%@smoke.test")))
        db.session.execute(sa.insert(BuyerProfile), [
            {"user_id": user_id, "company": f"Chocolaterie {user_id}", "country": "FR",
             "buyer_type": "chocolate_maker"} for user_id in ids])
        db.session.commit()
    print(f"migrated, demo loaded, {args.buyers} extra buyers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("setup")
    seeding.add_argument("--buyers", type=int, default=300)
    checking = commands.add_parser("check")
    checking.add_argument("--base", required=True, help="nginx's address (BASE_URL)")
    checking.add_argument("--app", action="append", required=True, help="an app server")
    checking.add_argument("--workers", required=True, help="pids of the workers started")
    checking.add_argument("--passed-file", help="write the number of checks passed here")
    args = parser.parse_args()
    (setup if args.command == "setup" else run_checks)(args)


if __name__ == "__main__":
    main()
