"""The demo, seeded once per test process and backend, then copied into each test that asks.

Seeding runs the demo through the real services (lot sheets, PDFs, photos, geometry, the
roundtable) and cost 4–20 s per test on the 2-core CI box, for ~60 tests on each backend. The
first test of a process seeds for real; the rows it wrote (and the files it stored) are kept,
and later tests get them back with one multi-row INSERT per table. `tests/foundation/test_seed.py`
still runs `seed_demo` itself, so the seeding stays tested.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from matchmaker.demo import seed_demo
from matchmaker.extensions import db
from matchmaker.models import Base, Event

_FOLDERS = ("UPLOAD_FOLDER", "JOB_FILES_FOLDER")


@dataclass
class _Snapshot:
    rows: list[tuple[sa.Table, list[dict]]]
    files: dict[str, Path]


_snapshots: dict[str, _Snapshot] = {}


def load_demo() -> bool:
    """What `seed_demo()` does, at a fraction of the cost after the first call per backend."""
    key = db.engine.url.render_as_string(hide_password=False)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        if not seed_demo():
            return False
        _snapshots[key] = _capture(db.engine)
        return True
    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return False
    _restore(db.engine, snapshot)
    return True


def _capture(engine: sa.Engine) -> _Snapshot:
    rows = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows.append((table, [dict(row) for row in conn.execute(table.select()).mappings()]))
    files = {}
    for name in _FOLDERS:
        folder = Path(current_app.config.get(name) or "")
        if name in current_app.config and folder.is_dir():
            copy = Path(tempfile.mkdtemp(prefix=f"demo-{name.lower()}-"))
            shutil.copytree(folder, copy, dirs_exist_ok=True)
            files[name] = copy
    return _Snapshot(rows, files)


def _restore(engine: sa.Engine, snapshot: _Snapshot) -> None:
    db.session.remove()
    with engine.begin() as conn:
        for table, rows in snapshot.rows:
            if rows:
                conn.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":
            # The rows came with their ids: the sequences go on after the largest, as they
            # would after seeding.
            for table, rows in snapshot.rows:
                if rows and "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'),"
                        f" (SELECT max(id) FROM \"{table.name}\"))"))
    for name, copy in snapshot.files.items():
        shutil.copytree(copy, current_app.config[name], dirs_exist_ok=True)
