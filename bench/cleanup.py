"""What a test's database cleanup costs: emptying every table vs only the written ones, and a
rolled-back transaction for comparison.

    .venv/bin/python -m bench.cleanup --rounds 30
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.cleanup

Each round leaves one organisation and one event behind (as a small test does), then cleans.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date

import sqlalchemy as sa

import matchmaker.extensions  # noqa: F401 (the SQLite pragmas every app connection gets)
from matchmaker.models import Base
from tests import conftest


def clean_every_table(engine: sa.Engine) -> None:
    """The cleanup before: TRUNCATE all tables on PostgreSQL, DELETE from all on SQLite."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))  # noqa: S608 (names from the metadata)


def leave_rows(conn: sa.Connection) -> None:
    organisation = Base.metadata.tables["organisation"]
    event = Base.metadata.tables["event"]
    conn.execute(sa.insert(event).values(
        slug="bench", name="Bench fair", city="Puerto Maldonado", venue="", starts_on=date.today(),
        ends_on=date.today(), timezone="America/Lima", description_es="", description_en="",
        is_published=True, is_archived=False))
    conn.execute(sa.insert(organisation).values(
        name="Bench", slug="bench", kind="association", region="", province="", community="",
        description_es="", description_en="", contact_email="", contact_phone="", website=""))


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    times: dict[str, list[float]] = {"every table": [], "written tables": [], "rollback": []}
    for _ in range(rounds):
        for name, clean in (("every table", clean_every_table),
                            ("written tables", conftest._clean)):
            with engine.begin() as conn:
                leave_rows(conn)
            started = time.perf_counter()
            clean(engine)
            times[name].append(time.perf_counter() - started)
        with engine.connect() as conn:
            outer = conn.begin()
            leave_rows(conn)
            started = time.perf_counter()
            outer.rollback()
            times["rollback"].append(time.perf_counter() - started)
    engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"}
    if conftest.POSTGRES_URL:
        backends["postgres"] = conftest.postgres_url("mm_bench_cleanup")
    try:
        for backend, url in backends.items():
            for name, values in measure(url, rounds).items():
                ms = sorted(v * 1000 for v in values)
                print(f"{backend:8} {name:15} median {statistics.median(ms):7.1f} ms"
                      f"  range {ms[0]:.1f}-{ms[-1]:.1f} ms")
    finally:
        if "postgres" in backends:
            conftest.drop_postgres_schema("mm_bench_cleanup")


if __name__ == "__main__":
    os.environ.setdefault("PYTEST_XDIST_WORKER", "bench")
    main()
