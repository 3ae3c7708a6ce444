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


def _checksums(*folders) -> dict[str, str]:
    from matchmaker.file_store import sha256_of

    return {f"{folder.name}/{path.relative_to(folder)}": sha256_of(path)
            for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()}


def _rows() -> list[tuple]:
    from matchmaker.models.qr import PrintJob

    return [tuple(row) for row in db.session.execute(
        db.select(Organisation.id, Organisation.name, Organisation.slug).order_by(Organisation.id))
    ] + [tuple(row) for row in db.session.execute(
        db.select(PrintJob.public_id, PrintJob.file_path, PrintJob.file_sha256))]


def test_a_restore_into_a_fresh_install_brings_back_identical_rows_and_files(
        app, runner, factories, tmp_path):
    import shutil

    from matchmaker import file_store
    from matchmaker.models.qr import PrintJob
    from matchmaker.uploads import upload_root
    from tests.conftest import _clean
    from tests.factories import make_event, make_user

    factories.organisation(name="Cooperativa con Fotos")
    uploads, job_files = upload_root(), file_store.job_files_root()
    (uploads / "lots" / "7").mkdir(parents=True)
    (uploads / "lots" / "7" / "photo.jpg").write_bytes(b"\xff\xd8 a photo \xff\xd9")
    (uploads / "certificates").mkdir()
    (uploads / "certificates" / "organic.pdf").write_bytes(b"%PDF-1.7 certificate")
    stored = file_store.save("2026/12/badges-x.pdf", b"%PDF-1.7 badges")
    db.session.add(PrintJob(public_id="job-x", kind="badges", event_id=make_event().id,
                            requested_by_id=make_user("organiser").id, status="done", done=1,
                            total=1, file_path=stored.path, file_sha256=stored.sha256,
                            file_size=stored.size))
    db.session.commit()
    rows, files = _rows(), _checksums(uploads, job_files)
    archive = tmp_path / "site.tar"

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "3 files" in result.output

    # A fresh install: empty tables, empty folders, and a stray file that must not survive.
    db.session.remove()
    _clean(db.engine)
    shutil.rmtree(uploads)
    shutil.rmtree(job_files)
    upload_root()
    (uploads / "stray.txt").write_text("not in the backup")
    assert _rows() == []

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _rows() == rows
    assert _checksums(uploads, file_store.job_files_root()) == files


def test_a_damaged_backup_is_refused_before_anything_changes(app, runner, factories, tmp_path):
    import tarfile

    from matchmaker.uploads import upload_root

    factories.organisation(name="Antes")
    (upload_root() / "photo.jpg").write_bytes(b"original photo")
    archive = tmp_path / "site.tar"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith("photo.jpg"):
                data = b"tampered photo"
                member.size = len(data)
            import io

            target.addfile(member, io.BytesIO(data))
    factories.organisation(name="Después")

    result = runner.invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code != 0 and "photo.jpg" in result.output
    db.session.remove()
    assert _names() == {"Antes", "Después"}
    assert (upload_root() / "photo.jpg").read_bytes() == b"original photo"
