"""Files that background jobs make (PDF bundles, XLSX exports), kept in a folder every app
server and worker shares (JOB_FILES_FOLDER, default instance/job-files), never in rows."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """Where a file went (relative to the store), its SHA-256 and its size in bytes."""

    path: str
    sha256: str
    size: int


def job_files_root() -> Path:
    root = current_app.config.get("JOB_FILES_FOLDER") or str(
        Path(current_app.instance_path) / "job-files")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve(relative: str) -> Path:
    """The absolute path of a stored file.

    Raises:
        ValueError: when the name would leave the store (a tampered row).
    """
    root = job_files_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"{relative!r} is outside the job file store")
    return path


def save(relative: str, source: bytes | BinaryIO) -> StoredFile:
    """Write bytes or a readable file under the store atomically (temp file, then rename), so a
    worker killed half-way never leaves a truncated file under the final name."""
    target = resolve(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            chunks = [source] if isinstance(source, bytes) else iter(lambda: source.read(CHUNK), b"")
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return StoredFile(relative, digest.hexdigest(), size)


def remove(relative: str) -> None:
    if relative:
        resolve(relative).unlink(missing_ok=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove_tree_contents(root: Path) -> None:
    """Empty a folder (a restore replaces the store's contents, not the folder an operator
    may have mounted)."""
    if not root.exists():
        return
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
