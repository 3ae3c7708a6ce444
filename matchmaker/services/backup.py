"""Backups and restores of a whole site: the database (SQLite's online backup API, or
pg_dump/pg_restore) and the files beside it (uploads, job files), in one tar archive whose
manifest holds every file's SHA-256, checked again before a restore changes anything."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


ARCHIVE_FORMAT = 1


def default_backup_path(folder: Path) -> Path:
    """instance/backups/matchmaker-20261129-031500.tar"""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return folder / f"matchmaker-{stamp}.tar"


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _pg_environment(url: URL) -> tuple[dict[str, str], str | None]:
    """libpq environment for the URL, and the schema named in its search_path option, if any."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    schema = None
    options = url.query.get("options")
    if options:
        options = unquote(options if isinstance(options, str) else options[0])
        env["PGOPTIONS"] = options
        for part in options.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1].split(",")[0]
    return env, schema


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed)")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup_database(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to `target` while the site keeps running.

    Raises:
        BackupError: when the database cannot be copied.
    """
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    env, schema = _pg_environment(url)
    command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)]
    if schema:
        command += ["--schema", schema]
    _run(command, env)
    return target


def restore_database(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup_database`.

    Raises:
        BackupError: when the file is missing or the restore fails.
    """
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        backup = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            with live:
                backup.backup(live)
        finally:
            live.close()
            backup.close()
        return
    env, schema = _pg_environment(url)
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
               "--dbname", env.get("PGDATABASE", "")]
    if schema:
        command += ["--schema", schema]
    _run(command + [str(source)], env)


def _sha256(path: Path) -> str:
    from matchmaker.file_store import sha256_of

    return sha256_of(path)


def _files_of(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".partial-"))


def backup_site(database_url: str, target: Path, folders: dict[str, Path]) -> dict:
    """Write one archive: manifest.json, the database copy, and every file of `folders`
    (name → folder, e.g. {"uploads": …, "job-files": …}) with its checksum. Returns the manifest.

    Raises:
        BackupError: when the database cannot be copied.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    sqlite = make_url(database_url).get_backend_name() == "sqlite"
    database_name = "database.sqlite" if sqlite else "database.dump"
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        database_copy = backup_database(database_url, Path(scratch) / database_name)
        manifest = {"format": ARCHIVE_FORMAT, "created_at": datetime.now(UTC).isoformat(),
                    "database": database_name, "database_sha256": _sha256(database_copy),
                    "files": {}}
        members: list[tuple[Path, str]] = []
        for name, folder in folders.items():
            for path in _files_of(folder):
                member = f"files/{name}/{path.relative_to(folder).as_posix()}"
                manifest["files"][member] = _sha256(path)
                members.append((path, member))
        manifest_path = Path(scratch) / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = target.with_name(f".{target.name}.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_path, "manifest.json")
            archive.add(database_copy, database_name)
            for path, member in members:
                archive.add(path, member)
        os.replace(partial, target)
    return manifest


def restore_site(database_url: str, source: Path, folders: dict[str, Path]) -> dict:
    """Replace the database and the contents of `folders` with an archive made by
    backup_site. Every checksum is verified before anything is replaced. A bare database file
    from an older `flask backup` restores the database only. Returns the manifest.

    Raises:
        BackupError: when the file is missing, damaged, or the restore fails.
    """
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if not tarfile.is_tarfile(source):
        restore_database(database_url, source)
        return {"format": 0, "files": {}}
    anchor = next(iter(folders.values()), source).parent
    anchor.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=anchor) as scratch:
        unpacked = Path(scratch)
        try:
            with tarfile.open(source) as archive:
                archive.extractall(unpacked, filter="data")  # no absolute paths, no ../
            manifest = json.loads((unpacked / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"{source} is not a readable matchmaker backup: {error}") from error
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
        database_copy = unpacked / manifest["database"]
        damaged = [] if database_copy.is_file() and _sha256(database_copy) == \
            manifest["database_sha256"] else [manifest["database"]]
        for member, digest in manifest["files"].items():
            path = unpacked / member
            if not path.is_file() or _sha256(path) != digest:
                damaged.append(member)
        if damaged:
            raise BackupError(f"{source} is damaged; checksums differ for: "
                              f"{', '.join(damaged[:5])}")
        unknown = {m.split("/")[1] for m in manifest["files"]} - set(folders)
        if unknown:
            raise BackupError(f"{source} holds files for unknown folders: {sorted(unknown)}")
        restore_database(database_url, database_copy)
        from matchmaker.file_store import remove_tree_contents

        for name, folder in folders.items():
            folder.mkdir(parents=True, exist_ok=True)
            remove_tree_contents(folder)
            restored = unpacked / "files" / name
            if restored.is_dir():
                for child in restored.iterdir():
                    shutil.move(str(child), folder / child.name)
    return manifest
