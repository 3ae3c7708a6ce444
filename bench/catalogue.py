"""Catalogue speed: 5,000 lots in a temporary SQLite file, filtered pages timed and query-counted.

Run: .venv/bin/python -m bench.catalogue [--lots 5000] [--repeat 30]
Prints, per filter set, the median and worst wall time of `search_lots`, its median CPU time
(process time: what the query costs when the machine is not shared), the median time of the
whole HTML page through the test client, and the number of SQL statements that page sends.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench._seed import seed_lots
from matchmaker import create_app
from matchmaker.config import Config
from matchmaker.extensions import db
from matchmaker.models import Base
from matchmaker.services.lots.catalogue import parse_filters, search_lots

FILTER_SETS = {
    "no filter (newest)": {},
    "region + min grade II, by price": {"region": "Madre de Dios", "min_grade": "II", "sort": "price"},
    "organic valid today, volume ≥ 5000 kg": {"certification": "eu_organic", "min_volume_kg": "5000"},
    "fresh fruit ≥ 5, by quality": {"flavour": "fresh_fruit", "flavour_min": "5", "sort": "quality"},
    "text search 'bench 49'": {"q": "bench 49"},
    "event + nibs + price ≤ 9000": {"event": "expo-bench", "product_form": "nibs",
                                    "max_price_usd_mt": "9000"},
    "page 40 of everything": {"page": "40"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lots", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"

        class BenchConfig(Config):
            SQLALCHEMY_DATABASE_URI = url
            SECRET_KEY = "bench"  # noqa: S105 - a throwaway database

        app = create_app(BenchConfig)
        with app.app_context():
            Base.metadata.create_all(db.engine)
            started = time.perf_counter()
            seed_lots(args.lots)
            print(f"seeded {args.lots} lots in {time.perf_counter() - started:.1f} s")
            statements: list[str] = []
            sa.event.listen(db.engine, "before_cursor_execute",
                            lambda *a: statements.append(a[2]))
            client = app.test_client()
            print(f"{'filters':42} {'service median':>15} {'max':>8} {'CPU median':>11} "
                  f"{'page median':>12} {'queries':>8} {'results':>8}")
            for name, query in FILTER_SETS.items():
                filters = parse_filters(query).filters
                page_no = int(query.get("page", 1))
                service_times, cpu_times = [], []
                for _ in range(args.repeat):
                    db.session.expire_all()
                    t0, c0 = time.perf_counter(), time.process_time()
                    result = search_lots(filters, today=date.today(), page=page_no)
                    service_times.append(time.perf_counter() - t0)
                    cpu_times.append(time.process_time() - c0)
                page_times = []
                for _ in range(args.repeat):
                    statements.clear()
                    t0 = time.perf_counter()
                    response = client.get("/lots/", query_string=query)
                    page_times.append(time.perf_counter() - t0)
                    assert response.status_code == 200
                print(f"{name:42} {statistics.median(service_times) * 1000:12.1f} ms "
                      f"{max(service_times) * 1000:5.1f} ms {statistics.median(cpu_times) * 1000:8.1f} ms "
                      f"{statistics.median(page_times) * 1000:9.1f} ms "
                      f"{len(statements):8d} {result.total:8d}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
