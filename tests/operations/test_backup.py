"""`flask backup` and `flask restore` round-trip the whole database on SQLite and PostgreSQL."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Organisation


def _names() -> set[str]:
    return set(db.session.scalars(db.select(Organisation.name)))


def test_backup_then_restore_brings_back_the_data(app, runner, factories, tmp_path):
    factories.organisation(name="Asociación Antes del Respaldo")
    target = tmp_path / "snapshot.bak"

    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    # Change the data after the backup: one row added, one renamed.
    factories.organisation(name="Asociación Después del Respaldo")
    original = db.session.scalar(db.select(Organisation).where(Organisation.name == "Asociación Antes del Respaldo"))
    original.name = "Renombrada"
    db.session.commit()
    db.session.remove()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _names() == {"Asociación Antes del Respaldo"}


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.bak"), "--yes"])
    assert result.exit_code != 0
    assert "nope.bak" in result.output


def test_backup_without_path_writes_into_instance_backups(app, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = result.output.strip().rsplit(" ", 1)[-1]
    assert "/backups/matchmaker-" in written
    from pathlib import Path

    path = Path(written)
    assert path.is_file()
    path.unlink()
