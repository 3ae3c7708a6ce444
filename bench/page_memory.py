"""Memory of one app process after 10,000 page views (the goal: under 150 MB).

Run: .venv/bin/python -m bench.page_memory [--requests 10000]
     [--database sqlite:///instance/matchmaker.sqlite]

Serves a mix of what a fair's visitors open, through the Flask test client in this one
process: every lot page anonymous and as the demo buyer in both languages, the catalogue
with many different filter sets (each one a stored page), the agenda. Prints the process's
resident memory (VmRSS) after loading the app, then every 2,000 requests, and its peak.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource

from bench.page_cpu import _app, _login


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///" + os.path.abspath(
        "instance/matchmaker.sqlite"))
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    app = _app(args.database)
    print(f"app loaded: {rss_mb():.0f} MB")
    anonymous, buyer = app.test_client(), app.test_client()
    for client in (anonymous, buyer):
        client.environ_base["HTTP_USER_AGENT"] = "bench"
    _login(buyer)
    codes = [lot["lot_code"] for lot in
             anonymous.get("/api/v1/lots?per_page=100").get_json()["data"]]
    filters = [f"/lots/?sort={sort}&page={page}&min_volume_kg={volume}"
               for sort in ("newest", "price", "volume", "grade", "quality")
               for page in (1, 2) for volume in (0, 100, 1000, 5000)]
    paths = [(client, path, lang)
             for client in (anonymous, buyer) for lang in ("es", "en")
             for path in [f"/lots/{code}" for code in codes] + filters + ["/agenda/"]
             if not (path == "/agenda/" and client is anonymous)]
    print(f"{len(paths)} different pages")
    for number, (client, path, lang) in enumerate(itertools.cycle(paths), start=1):
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 200, (path, response.status_code)
        if number % 2000 == 0:
            print(f"after {number:>6} requests: {rss_mb():.0f} MB", flush=True)
        if number >= args.requests:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "under 150 MB" if rss_mb() < 150 else "OVER 150 MB"
    print(f"| requests | RSS now | peak RSS | goal |\n|---|---|---|---|\n"
          f"| {args.requests:,} | {rss_mb():.0f} MB | {peak:.0f} MB | {verdict} |")


if __name__ == "__main__":
    main()
