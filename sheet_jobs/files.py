"""The sheets of jobs on disk: uploaded sheets waiting to be checked and imported, and
exports waiting to be downloaded. They hold every detail of the centers, sensitive ones
included, so they are readable by the project's user only and deleted once a day has
passed (sheet_jobs/services.py, `sheet_files_clean`)."""

import os
import uuid
from pathlib import Path

from django.conf import settings

SUFFIXES = (".csv", ".xlsx")


def directory() -> Path:
    folder = Path(settings.SHEET_JOB_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def new_name(suffix: str) -> str:
    if suffix not in SUFFIXES:
        raise ValueError(f"not a sheet: {suffix}")
    return uuid.uuid4().hex + suffix


def path(name: str) -> Path:
    """The file of a stored name; the name is ours, never a path someone typed."""
    stem, suffix = os.path.splitext(name)
    uuid.UUID(hex=stem)  # raises ValueError for anything else
    if suffix not in SUFFIXES:
        raise ValueError(f"not a sheet: {name}")
    return directory() / name


def write(name: str, chunks) -> None:
    """Writes the file, readable and writable by its owner only, from the first byte."""
    descriptor = os.open(path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        for chunk in chunks:
            file.write(chunk)


def read(name: str) -> bytes:
    return path(name).read_bytes()


def delete(name: str) -> None:
    path(name).unlink(missing_ok=True)


def older_than(seconds: float, now: float) -> list[str]:
    """Names of the stored files last written more than `seconds` ago."""
    return [
        entry.name
        for entry in os.scandir(directory())
        if entry.name.endswith(SUFFIXES) and now - entry.stat().st_mtime > seconds
    ]
