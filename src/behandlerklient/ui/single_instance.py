"""One running Behandlerklient per database: a second start is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile


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


ALREADY_RUNNING = ("Behandlerklient er allerede åben for denne database på denne computer. Skift til det åbne "
                   "vindue; to vinduer på samme journal kan overskrive hinandens arbejde.")
