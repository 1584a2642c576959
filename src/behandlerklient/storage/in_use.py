"""Is a database open anywhere else? Asked before a restore or a key rotation replaces the file.

Two signs, neither needing the key: the GUI's single-instance lock file (ui/single_instance.py: a Qt
QLockFile, which holds an flock on `<db>.instance.lock` while the app runs), and SQLite's own lock on the
WAL index: every open connection keeps a read lock on the "dead man switch" byte of `<db>-shm`. While a
replacement runs, `hold` takes the same lock file, so the app refuses to start on a half-swapped pair.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from behandlerklient.core.errors import DatabaseLocked
from behandlerklient.storage.database import translate_error

try:
    import fcntl
except ImportError:  # Windows: the checks below fall back to what the file system refuses
    fcntl = None  # type: ignore[assignment]

INSTANCE_LOCK_SUFFIX = ".instance.lock"  # the same name ui/single_instance.py gives QLockFile
# sqlite3.c: UNIX_SHM_BASE = (22 + SQLITE_SHM_NLOCK) * 4 = 120; UNIX_SHM_DMS = UNIX_SHM_BASE + 8.
_SHM_DMS_BYTE = 128

IN_USE = ("Databasen er åben i Behandlerklient eller et andet program. Luk det (også på andre brugeres "
          "skærme) og prøv igen; intet er ændret.")


def instance_lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + INSTANCE_LOCK_SUFFIX)


def _flock_taken(path: Path) -> bool:
    """True when another open file holds an exclusive flock on `path` (a running app's QLockFile)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        if fcntl is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _sqlite_connected(db_path: Path) -> bool:
    """True when another process has an SQLite connection to the database (a read lock on the -shm DMS byte)."""
    shm = Path(str(db_path) + "-shm")
    if fcntl is None:
        return False
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)  # closing drops this process's fcntl locks on the file: none of ours are open here


def check_not_in_use(db_path: Path) -> None:
    if _flock_taken(instance_lock_path(db_path)) or _sqlite_connected(db_path):
        raise DatabaseLocked(IN_USE)


def check_no_other_connection(db_path: Path) -> None:
    """For the app itself, which holds the instance lock: only other processes' connections count. Call it
    with every connection of this process to the database closed (POSIX locks are per process)."""
    if _sqlite_connected(db_path):
        raise DatabaseLocked(IN_USE)


@contextlib.contextmanager
def hold(db_path: Path) -> Iterator[None]:
    """The app's single-instance lock, taken for the duration of a replacement (refused if the app has it)."""
    path = instance_lock_path(db_path)
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            if _flock_taken(path):
                raise DatabaseLocked(IN_USE) from None
            try:
                path.unlink(missing_ok=True)  # left by a crashed instance, as QLockFile would take it over
            except PermissionError:  # Windows: the running app keeps it open
                raise DatabaseLocked(IN_USE) from None
        except OSError as exc:
            raise translate_error(exc, db_path) from None
    else:
        raise DatabaseLocked(IN_USE)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise DatabaseLocked(IN_USE) from None
        # QLockFile's format: process id, application name, host name (no record data).
        os.write(fd, f"{os.getpid()}\nbehandlerklient\n{socket.gethostname()}\n".encode())
        if _sqlite_connected(db_path):
            raise DatabaseLocked(IN_USE)
        yield
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
