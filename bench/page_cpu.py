"""CPU time per request for the busy pages, in-process, logged in and anonymous.

Run: .venv/bin/python -m bench.page_cpu [--database sqlite:///instance/matchmaker.sqlite]
     [--requests 200] [--profile lot-buyer]

Unlike requests per second, CPU time per request does not depend on what else runs on the
machine, so it compares code before and after a change on a shared box. Uses the Flask test
client against an existing database (the demo by default: `./run.sh` once), logged in as the
demo buyer for the `-buyer` rows; prints one row per page: CPU ms per request (median of 3
batches), SQL statements per request and response size. `--profile PAGE` prints a
cProfile summary of that page instead (cumulative and own time, top 45 functions).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

import sqlalchemy as sa

BUYER = "anna.becker@schokolade.demo"
PASSWORD = "cacao-demo-2026"  # noqa: S105 - the demo's published password (README)


def _app(database: str):
    os.environ.setdefault("BASE_URL", "http://127.0.0.1:5000")
    os.environ["DATABASE_URL"] = database
    from matchmaker import create_app

    app = create_app()
    # The ceiling: the cheapest response this app can give (all its before/after hooks run).
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    return app


def _login(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": BUYER,
                                           "password": PASSWORD, "next": ""})
    assert response.status_code == 302, response.status_code


def pages(app, lot_query: str = "") -> list[tuple[str, str, bool]]:
    """(name, path, logged in) for the pages issue #17 measures."""
    with app.test_client() as client:
        lots = client.get("/api/v1/lots" + lot_query).get_json()["data"]
    lot = lots[0]["lot_code"]
    return [
        ("bare", "/bench/bare", False),
        ("lot-anonymous", f"/lots/{lot}", False),
        ("lot-buyer", f"/lots/{lot}", True),
        ("catalogue-anonymous", "/lots/", False),
        ("catalogue-buyer", "/lots/", True),
        ("agenda-buyer", "/agenda/", True),
    ]


class _Counter:
    def __init__(self, engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args) -> None:
        self.count += 1


def measure(app, path: str, logged_in: bool, requests: int) -> tuple[float, float, int]:
    """(CPU ms per request, statements per request, bytes) over `requests` GETs."""
    from matchmaker.extensions import db

    headers = {"User-Agent": "bench"}
    client = app.test_client()
    if logged_in:
        with app.test_request_context():
            pass
        client.environ_base["HTTP_USER_AGENT"] = "bench"
        _login(client)
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    size = len(response.get_data())
    with app.app_context():
        counter = _Counter(db.engine)
    batches = []
    for _ in range(3):
        counter.count = 0
        started = time.process_time()
        for _ in range(requests):
            client.get(path, headers=headers)
        batches.append((time.process_time() - started) * 1000 / requests)
    return statistics.median(batches), counter.count / requests, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///" + os.path.abspath(
        "instance/matchmaker.sqlite"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="a page name: print its cProfile summary")
    args = parser.parse_args()
    app = _app(args.database)
    listed = pages(app)
    if args.profile:
        import cProfile
        import pstats

        name, path, logged_in = next(p for p in listed if p[0] == args.profile)
        measure(app, path, logged_in, 5)
        profiler = cProfile.Profile()
        profiler.enable()
        measure(app, path, logged_in, args.requests)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(45)
        return
    print(f"| page | CPU ms/request | bare/page | SQL statements/request | bytes |"
          f"  ({args.requests} x 3)")
    print("|---|---|---|---|---|")
    bare = None
    for name, path, logged_in in listed:
        cpu, statements, size = measure(app, path, logged_in, args.requests)
        bare = bare or cpu
        print(f"| {name} | {cpu:.2f} | {bare / cpu:.3f} | {statements:.1f} | {size:,} |",
              flush=True)


if __name__ == "__main__":
    main()
