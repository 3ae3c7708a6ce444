"""Consistent database backups and restores: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def default_backup_path(database_url: str, folder: Path) -> Path:
    """instance/backups/matchmaker-20261129-031500.sqlite (or .dump for PostgreSQL)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if make_url(database_url).get_backend_name() == "sqlite" else "dump"
    return folder / f"matchmaker-{stamp}.{suffix}"


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
