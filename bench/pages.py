"""The busy pages against a bare Flask endpoint under wrk, side by side (issue #17's method).

Run: .venv/bin/python -m bench.pages [--seconds 8] [--rounds 3] [--lots 5000] [--skip-big]

Both servers run `gunicorn -w 2` on loopback (bare Flask "ok" on port 5301, the app on
5302), driven by `wrk -t2 -c8` (apt-get install wrk). Each page's round is run right after
a bare round, and its ratio is to that neighbouring bare figure, so slow drifts of the
machine's load hit both alike; with `--rounds N` each page gets N such pairs and the table
shows the median pair and the range of all N ratios. Two instances:

- the demo (`instance/matchmaker.sqlite`, from `./run.sh` once), as visitor and as the demo
  buyer (anna.becker@schokolade.demo, logged in through the real form);
- `--lots` lots seeded by `bench/_seed.py` into a temporary SQLite file, with a buyer, for
  the catalogue unfiltered and with its two heaviest filters (text search; organic
  certificate valid today with a minimum volume).

Prints one table; the `uptime` load before and after goes with it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BARE, APP = 5301, 5302
DEMO_BUYER = ("anna.becker@schokolade.demo", "cacao-demo-2026")
BIG_BUYER = ("bench.buyer@example.org", "bench-buyer-password")
HEAVY_FILTERS = {
    "catalogue text search": "/lots/?q=bench+49",
    "catalogue organic + volume": "/lots/?certification=eu_organic&min_volume_kg=5000",
}
BARE_APP = "from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef ok():\n    return 'ok'\n"


def _gunicorn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", *args], cwd=ROOT, env=env,
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait(port: int, path: str = "/") -> None:
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}{path}", timeout=10).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"nothing answers on port {port}")


def _login(email: str, password: str) -> str:
    session = requests.Session()
    session.headers["User-Agent"] = "bench"
    page = session.get(f"http://127.0.0.1:{APP}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(f"http://127.0.0.1:{APP}/login", allow_redirects=False,
                            data={"csrf_token": token, "email": email, "password": password,
                                  "next": ""})
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {email}")
    # Follow the redirect as a browser does: it shows the "Welcome" message and takes it out
    # of the session. Replaying the log-in's own cookie would carry that pending message on
    # every request (each one showing it, each one signing a new cookie).
    session.get(f"http://127.0.0.1:{APP}{response.headers['Location']}", allow_redirects=False)
    return "; ".join(f"{k}={v}" for k, v in session.cookies.get_dict().items())


def _rps(url: str, seconds: int, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", "User-Agent: bench"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses")
    return float(match.group(1))


def _measure(rows: list, instance: str, pages: list[tuple[str, str, str | None]],
             seconds: int, rounds: int = 1) -> None:
    for name, path, cookie in pages:
        headers = {"User-Agent": "bench", **({"Cookie": cookie} if cookie else {})}
        check = requests.get(f"http://127.0.0.1:{APP}{path}", headers=headers,
                             allow_redirects=False, timeout=30)
        if check.status_code != 200:
            raise SystemExit(f"{path}: {check.status_code}")
        _rps(f"http://127.0.0.1:{APP}{path}", 1, cookie)  # both workers warm, pages stored
        measured = []
        for _ in range(rounds):  # (bare, page) pairs: a load swing hits one pair, not all
            bare = _rps(f"http://127.0.0.1:{BARE}/", seconds)
            page = _rps(f"http://127.0.0.1:{APP}{path}", seconds, cookie)
            measured.append((page / bare, page, bare))
            print(f"  {instance:<11} {name:<28} {page:8.1f} req/s  bare {bare:7.1f}  "
                  f"ratio {page / bare:.3f}", file=sys.stderr, flush=True)
        measured.sort()
        ratio, page, bare = measured[len(measured) // 2]  # the median pair
        rows.append((instance, name, page, bare, ratio,
                     f"{measured[0][0]:.3f}–{measured[-1][0]:.3f}"))


def _seed_big(database_url: str, lots: int) -> None:
    from bench._seed import seed_lots
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.models import Base, BuyerProfile, User

    app = create_app()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_lots(lots)
        buyer = User(email=BIG_BUYER[0], name="Bench Buyer", role="buyer", is_approved=True)
        buyer.set_password(BIG_BUYER[1])
        buyer.buyer_profile = BuyerProfile(company="Bench Chocolate", country="DE",
                                           buyer_type="chocolate_maker")
        db.session.add(buyer)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--lots", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="(bare, page) pairs per page; the median pair's ratio is shown")
    parser.add_argument("--skip-big", action="store_true", help="only the demo instance")
    parser.add_argument("--seed-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        _seed_big(args.seed_only, args.lots)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not (ROOT / "instance/matchmaker.sqlite").exists():
        raise SystemExit("no demo database: run ./run.sh once")
    env = {**os.environ, "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
           "FLASK_APP": "app.py"}
    print(f"load before: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bare.py").write_text(BARE_APP)
        bare = _gunicorn(["-b", f"127.0.0.1:{BARE}", "--chdir", tmp, "bare:app"], env,
                         Path(tmp) / "bare.log")
        servers = [bare]
        try:
            app = _gunicorn(["-b", f"127.0.0.1:{APP}", "app:app"], env, Path(tmp) / "app.log")
            servers.append(app)
            _wait(BARE)
            _wait(APP)
            lot = requests.get(f"http://127.0.0.1:{APP}/api/v1/lots", timeout=30).json()["data"][0]["lot_code"]
            buyer = _login(*DEMO_BUYER)
            _measure(rows, "demo", [
                ("lot page, anonymous", f"/lots/{lot}", None),
                ("lot page, buyer", f"/lots/{lot}", buyer),
                ("catalogue, anonymous", "/lots/", None),
                ("catalogue, buyer", "/lots/", buyer),
                ("agenda, buyer", "/agenda/", buyer),
            ], args.seconds, args.rounds)
            os.killpg(app.pid, signal.SIGTERM)
            app.wait()
            servers.remove(app)
            if not args.skip_big:
                big_url = f"sqlite:///{tmp}/big.sqlite"
                big_env = {**env, "DATABASE_URL": big_url}
                subprocess.run([sys.executable, "-m", "bench.pages", "--seed-only", big_url,
                                "--lots", str(args.lots)], cwd=ROOT, env=big_env, check=True)
                app = _gunicorn(["-b", f"127.0.0.1:{APP}", "app:app"], big_env,
                                Path(tmp) / "big.log")
                servers.append(app)
                _wait(APP)
                buyer = _login(*BIG_BUYER)
                pages = [("catalogue, anonymous", "/lots/", None),
                         ("catalogue, buyer", "/lots/", buyer)]
                pages += [(f"{name}, anonymous", path, None) for name, path in HEAVY_FILTERS.items()]
                pages += [(f"{name}, buyer", path, buyer) for name, path in HEAVY_FILTERS.items()]
                _measure(rows, f"{args.lots} lots", pages, args.seconds, args.rounds)
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait()
    print(f"load after: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print("| instance | page | req/s | bare req/s (neighbouring round) | ratio (median pair) "
          "| ratios of all pairs |")
    print("|---|---|---|---|---|---|")
    for instance, name, page, bare_rps, ratio, spread in rows:
        print(f"| {instance} | {name} | {page:,.0f} | {bare_rps:,.0f} | {ratio:.3f} | {spread} |")


if __name__ == "__main__":
    main()
