"""Time and peak memory of the lead exports for 100,000 leads: streamed CSV and XLSX.

Run: .venv/bin/python bench/lead_export.py [--leads 100000] [--database-url URL]
Seeds a temporary SQLite database (or the empty PostgreSQL database given) with bulk
inserts in a child process, then runs each export through the real route
(/leads/export.csv, /leads/export.xlsx) as an organiser in a fresh process, reading the
response chunk by chunk, and reports that process's peak RSS (ru_maxrss) and wall time.
The targets: under 150 MB for the whole process; the XLSX under 30 s. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGANISATIONS = 100
BATCH = 10_000


def _app(database_url: str):
    from matchmaker import create_app
    from matchmaker.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "bench-only-not-a-secret"  # noqa: S105
        WTF_CSRF_ENABLED = False
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
        RATELIMIT_ENABLED = False
        BASE_URL = "https://expoamazonica.example.org"
        # The route itself, not the "prepare it as a job" page big XLSX exports get: the
        # job runs the same export (services/leads/exports.xlsx_to_tempfile).
        LEADS_XLSX_DIRECT_LIMIT = 10**9

    return create_app(BenchConfig)


def _batched(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(database_url: str, leads: int) -> None:
    import sqlalchemy as sa

    from matchmaker.extensions import db
    from matchmaker.models import BuyerProfile, Event, Exhibitor, Lot, Organisation, User
    from matchmaker.models.leads import ContactConsent, Lead, LeadLot, LeadSource

    app = _app(database_url)
    with app.app_context():
        db.create_all()
        now = datetime.now(UTC)
        buyers = -(-leads // ORGANISATIONS)
        event = Event(slug="bench", name="ExpoAmazónica 2026", city="Puerto Maldonado",
                      starts_on=date.today(), ends_on=date.today() + timedelta(days=2))
        db.session.add(event)
        db.session.flush()
        db.session.execute(sa.insert(Organisation), [
            {"name": f"Asociación Agroforestal {i}", "slug": f"org-{i}", "kind": "association",
             "created_at": now} for i in range(ORGANISATIONS)])
        org_ids = db.session.scalars(sa.select(Organisation.id).order_by(Organisation.id)).all()
        db.session.execute(sa.insert(Exhibitor), [
            {"event_id": event.id, "organisation_id": o, "booth": f"A-{i}", "created_at": now}
            for i, o in enumerate(org_ids)])
        db.session.execute(sa.insert(Lot), [
            {"organisation_id": o, "lot_code": f"L{i:03d}-{n}", "harvest_start": date(2026, 4, 1),
             "harvest_end": date(2026, 6, 1), "volume_kg": 1000, "is_published": True,
             "created_at": now, "updated_at": now}
            for i, o in enumerate(org_ids) for n in range(3)])
        organiser = User(email="organiser@bench.test", password_hash="", name="Organiser",
                         role="organiser", created_at=now)
        organiser.set_password("bench-password")
        db.session.add(organiser)
        for batch in _batched({"email": f"buyer{i}@bench.test", "password_hash": "x",
                               "name": f"Compradora Núñez {i}", "phone": "+49305550123",
                               "role": "buyer", "created_at": now} for i in range(buyers)):
            db.session.execute(sa.insert(User), batch)
        buyer_ids = db.session.scalars(
            sa.select(User.id).where(User.role == "buyer").order_by(User.id)).all()
        db.session.execute(sa.insert(BuyerProfile), [
            {"user_id": b, "company": f"=Chocolaterie {b}", "country": ("DE", "FR", "US", "JP")[b % 4],
             "buyer_type": "chocolate_maker", "share_contact_default": b % 3 != 0}
            for b in buyer_ids])
        db.session.execute(sa.insert(ContactConsent), [
            {"buyer_id": b, "organisation_id": org_ids[0], "shares": False, "decided_at": now}
            for b in buyer_ids[::7]])
        pairs = ((o, b) for o in org_ids for b in buyer_ids)
        for batch in _batched(
            {"event_id": event.id, "organisation_id": o, "buyer_id": b,
             "rating": ("hot", "warm", "cold", None)[b % 4], "tags": "organic,fine flavour",
             "notes": "Wants 2 MT for Q3; call back after the fair.", "follow_up_action": "",
             "first_contact_at": now, "last_contact_at": now, "created_at": now, "updated_at": now}
            for o, b in pairs
        ):
            db.session.execute(sa.insert(Lead), batch[: max(0, leads - _seeded(db, Lead))])
        lead_rows = db.session.execute(sa.select(Lead.id, Lead.organisation_id)).all()
        lot_of = dict(db.session.execute(
            sa.select(Lot.organisation_id, sa.func.min(Lot.id)).group_by(Lot.organisation_id)).all())
        for batch in _batched(
            row for lead_id, org_id in lead_rows
            for row in ({"lead_id": lead_id, "kind": "badge_scan", "at": now},
                        {"lead_id": lead_id, "kind": "interest", "at": now, "lot_id": lot_of[org_id]})
        ):
            db.session.execute(sa.insert(LeadSource), batch)
        for batch in _batched({"lead_id": lead_id, "lot_id": lot_of[org_id]}
                              for lead_id, org_id in lead_rows):
            db.session.execute(sa.insert(LeadLot), batch)
        db.session.commit()


def _seeded(db, model) -> int:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def export(database_url: str, fmt: str) -> dict:
    app = _app(database_url)
    client = app.test_client()
    response = client.post("/login", data={"email": "organiser@bench.test",
                                           "password": "bench-password"})
    assert response.status_code == 302, response.status_code
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    cpu_started = time.process_time()
    response = client.get(f"/leads/export.{fmt}", buffered=False)
    size = 0
    lines = 0
    for chunk in response.response:
        size += len(chunk)
        if fmt == "csv":
            lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"format": fmt, "seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1),
            "bytes": size, "status": response.status_code,
            "rows": lines - 1 if fmt == "csv" else None, "peak_rss_mb": round(peak_mb, 1),
            "before_export_mb": round(before_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", choices=["seed", "csv", "xlsx"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "seed":
        seed(args.database_url, args.leads)
        return
    if args.child:
        print(json.dumps(export(args.database_url, args.child)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/leads.sqlite"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", "seed", "--leads", str(args.leads),
                        "--database-url", url], check=True)
        print(f"seeded {args.leads} leads in {time.perf_counter() - started:.0f} s ({url.split(':')[0]})")
        baseline = subprocess.run(
            [sys.executable, "-c", f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); "
             "import matchmaker, matchmaker.views; "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"],
            check=True, capture_output=True, text=True).stdout.strip()
        print(f"baseline: importing the app peaks at {float(baseline):.0f} MB")
        print("| export | wall s | CPU s | file MB | peak RSS MB (whole process) "
              "| app + log-in MB | goals |")
        print("|---|---|---|---|---|---|---|")
        for fmt in ("csv", "xlsx"):
            out = subprocess.run([sys.executable, __file__, "--child", fmt, "--database-url", url],
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            assert result["status"] == 200, result
            goals = ["RSS OK" if result["peak_rss_mb"] < 150 else "RSS OVER 150 MB"]
            if fmt == "xlsx":
                goals.append("< 30 s" if result["seconds"] < 30 else "NOT < 30 s (wall)")
            print(f"| {fmt} | {result['seconds']:.1f} | {result['cpu_seconds']:.1f} "
                  f"| {result['bytes'] / 1e6:.1f} | {result['peak_rss_mb']:.0f} "
                  f"| {result['before_export_mb']:.0f} | {', '.join(goals)} |", flush=True)


if __name__ == "__main__":
    main()
