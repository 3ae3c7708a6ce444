"""Time the fair's printables for a big event: 100 exhibitors with 3 lots each and 500 buyers.

Run: .venv/bin/python bench/printables.py [--exhibitors 100] [--lots 3] [--buyers 500]
Seeds a temporary SQLite database with bulk inserts, then renders the booth posters, the
badges and one label sheet exactly as the download routes do, and prints a table of wall and
CPU time (CPU time does not depend on other work on the machine) and size. Goal: each whole
file (all posters, all badges) under 5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from matchmaker import create_app  # noqa: E402
from matchmaker.config import Config  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import (  # noqa: E402
    BuyerProfile,
    Event,
    Exhibitor,
    Lot,
    Organisation,
    User,
)
from matchmaker.models.base import utcnow  # noqa: E402


def seed(exhibitors: int, lots_per: int, buyers: int) -> Event:
    now = utcnow()
    event = Event(slug="bench-fair", name="ExpoAmazónica Bench", city="Puerto Maldonado",
                  starts_on=date.today(), ends_on=date.today() + timedelta(days=2))
    db.session.add(event)
    db.session.flush()
    db.session.execute(sa.insert(Organisation), [
        {"name": f"Asociación Agroforestal Bench {i}", "slug": f"org-{i}", "kind": "association",
         "created_at": now} for i in range(exhibitors)])
    org_ids = db.session.scalars(sa.select(Organisation.id).order_by(Organisation.id)).all()
    db.session.execute(sa.insert(Exhibitor), [
        {"event_id": event.id, "organisation_id": org_id, "booth": f"A-{i:03d}", "created_at": now}
        for i, org_id in enumerate(org_ids)])
    db.session.execute(sa.insert(Lot), [
        {"organisation_id": org_id, "lot_code": f"B{i:03d}-{n}", "name_es": f"Cacao fino {n}",
         "name_en": f"Fine cacao {n}", "harvest_start": date(2026, 4, 1),
         "harvest_end": date(2026, 6, 1), "volume_kg": 1000, "is_published": True,
         "created_at": now, "updated_at": now}
        for i, org_id in enumerate(org_ids) for n in range(lots_per)])
    db.session.execute(sa.insert(User), [
        {"email": f"buyer{i}@bench.test", "password_hash": "x", "name": f"Compradora Núñez {i}",
         "role": "buyer", "created_at": now} for i in range(buyers)])
    buyer_ids = db.session.scalars(sa.select(User.id).where(User.role == "buyer")).all()
    db.session.execute(sa.insert(BuyerProfile), [
        {"user_id": user_id, "company": f"Chocolaterie {user_id}", "country": "FR",
         "buyer_type": "chocolate_maker"} for user_id in buyer_ids])
    db.session.commit()
    return event


def _forget_codes() -> bool:
    from matchmaker.printing import pdf, qr

    qr._best_mask.cache_clear()
    pdf._qr_runs.cache_clear()
    return True


def timed(label: str, render) -> float:
    started, cpu_started = time.perf_counter(), time.process_time()
    pdf = render()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    verdict = "< 5 s" if elapsed < 5 else "NOT < 5 s"
    print(f"| {label} | {elapsed:.2f} | {cpu:.2f} | {len(pdf) / 1024:,.0f} KiB | {verdict} |",
          flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exhibitors", type=int, default=100)
    parser.add_argument("--lots", type=int, default=3)
    parser.add_argument("--buyers", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        class BenchConfig(Config):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite"
            SECRET_KEY = "bench-only-not-a-secret"  # noqa: S105
            BASE_URL = "https://expoamazonica.example.org"

        app = create_app(BenchConfig)
        with app.app_context(), app.test_request_context():
            from matchmaker.services import printables

            db.create_all()
            event = seed(args.exhibitors, args.lots, args.buyers)
            print(f"{args.exhibitors} exhibitors × {args.lots} lots, {args.buyers} buyers, "
                  f"load {os.getloadavg()[0]:.1f}")
            print("| file | wall s | CPU s | size | goal (each file) |\n|---|---|---|---|---|")
            exhibitors = printables.event_exhibitors(event)
            # The web process imports fpdf2, numpy and qrcode on its first print, not at start.
            timed("one booth poster, first print of the process (imports)",
                  lambda: printables.booth_posters(exhibitors[-1:]))
            total = timed("posters, first run (issues tokens)",
                          lambda: printables.booth_posters(exhibitors))
            db.session.commit()
            total += timed("badges, first run (issues tokens)", lambda: printables.badges(event))
            db.session.commit()
            timed("posters, tokens already issued", lambda: printables.booth_posters(exhibitors))
            timed("badges, tokens already issued", lambda: printables.badges(event))
            # What another worker (a cold QR cache) pays to re-print: encoding, no issuing.
            timed("posters, tokens issued, QR codes not cached",
                  lambda: printables.booth_posters(exhibitors) if _forget_codes() else b"")
            timed("badges, tokens issued, QR codes not cached",
                  lambda: printables.badges(event) if _forget_codes() else b"")
            lot = db.session.scalar(sa.select(Lot).limit(1))
            timed("label sheet, 21 labels", lambda: printables.label_sheet(lot, 21))
            timed("one booth poster", lambda: printables.booth_posters(exhibitors[:1]))
            print(f"| whole event (posters + badges, first run) | {total:.2f} | | | |")


if __name__ == "__main__":
    main()
