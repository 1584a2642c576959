"""One running Behandlerklient per database: a second start is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile


def acquire(db_path: Path) -> QLockFile | None:
    """A lock file beside the database (holds a process id, no record data); None if another instance has it.
    A lock left by a crashed instance is stale and taken over."""
    lock = QLockFile(str(db_path) + ".instance.lock")
    lock.setStaleLockTime(0)
    if lock.tryLock(200):
        return lock
    if lock.removeStaleLockFile() and lock.tryLock(200):
        return lock
    return None


def already_running() -> str:
    return QCoreApplication.translate(
        "single_instance", "Behandlerklient is already open for this database on this computer. Switch to the "
        "open window; two windows on the same journal could overwrite each other's work.")
