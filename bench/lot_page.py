"""Lot page throughput against a bare Flask endpoint, side by side, under gunicorn (2 workers).

Run: .venv/bin/python -m bench.lot_page [--seconds 10] [--threads 4] [--rounds 2]

Seeds a temporary SQLite database with one fully filled lot (10 analyses, evaluations,
certificates and plots), starts `gunicorn -w 2` on loopback with `create_bench_app()` — the
real app plus a bare `/bench/bare` route that exists only here — and loads both URLs with a
bounded load generator (threads, http.client keep-alive, fixed duration), alternating
bare/lot rounds so both see the same machine. Prints requests per second and the ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOT_CODE = "PE-BEN-00000"


def create_bench_app():
    """The application as deployed, plus `/bench/bare`: the cheapest Flask response there is."""
    from matchmaker import create_app

    app = create_app()

    @app.get("/bench/bare")
    def bench_bare():
        return "ok"

    return app


def _seed(database_url: str) -> None:
    from datetime import date

    from bench._seed import seed_lots
    from matchmaker import create_app
    from matchmaker.config import Config
    from matchmaker.extensions import db
    from matchmaker.models import Base, Lot
    from tests.lots_public.conftest import add_analysis, add_certificate, add_evaluation, add_plot

    class SeedConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "bench"  # noqa: S105 - a throwaway database

    app = create_app(SeedConfig)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_lots(50)
        lot = db.session.scalar(db.select(Lot).where(Lot.lot_code == LOT_CODE))
        lot.is_published = True
        for i in range(10):
            add_analysis(lot, analysis_date=date(2025, 1, 1 + i))
            add_evaluation(lot, evaluated_on=date(2025, 2, 1 + i))
            add_certificate(lot, certificate_no=f"B-{i}")
            add_plot(lot, ref=f"P-{i}")
        db.session.commit()
        db.engine.dispose()


def _load(port: int, path: str, seconds: float, threads: int) -> tuple[int, int]:
    """(successful requests, errors) in `seconds` from `threads` keep-alive clients."""
    deadline = time.perf_counter() + seconds
    counts = [0] * threads
    errors = [0] * threads

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            try:
                connection.request("GET", path, headers={"Accept-Language": "es"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    counts[index] += 1
                else:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()  # http.client reopens on the next request
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
        connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts), sum(errors)


def _wait_ready(port: int, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        _seed(database_url)
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
               "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{args.port}",
             "--log-level", "warning", "bench.lot_page:create_bench_app()"],
            cwd=ROOT, env=env,
        )
        try:
            _wait_ready(args.port, process)
            lot_path = f"/lots/{LOT_CODE}"
            _load(args.port, lot_path, 2, args.threads)  # warm both workers' caches
            _load(args.port, "/bench/bare", 2, args.threads)
            totals = {"bare": [0, 0], "lot": [0, 0]}
            for _ in range(args.rounds):
                for name, path in (("bare", "/bench/bare"), ("lot", lot_path)):
                    ok, failed = _load(args.port, path, args.seconds, args.threads)
                    totals[name][0] += ok
                    totals[name][1] += failed
            duration = args.seconds * args.rounds
            bare_rps = totals["bare"][0] / duration
            lot_rps = totals["lot"][0] / duration
            print(f"bare endpoint: {bare_rps:8.1f} req/s ({totals['bare'][1]} errors)")
            print(f"lot page:      {lot_rps:8.1f} req/s ({totals['lot'][1]} errors)")
            print(f"ratio lot/bare: {lot_rps / bare_rps:.2f} (target ≥ 0.50)")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


if __name__ == "__main__":
    main()
