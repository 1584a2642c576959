"""An import's scratch space: an encrypted database file attached for the length of one import, then deleted.

What an import stages while it reads a file (its seals, the outbox's work list set aside) grows with the file: in
the connection's TEMP store, which stays in memory (database.CONNECTION_PRAGMAS: SQLCipher does not promise to
encrypt temporary files), it held about 100 MB at 10,000 children. Here it goes through a small page cache to a
file next to the database, encrypted with a random key that no one keeps: it cannot be read after the import,
even if a crash leaves the file behind (the next import replaces it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from behandlerklient.storage.database import Database

SCHEMA = "import_scratch"  # the attached database's name in SQL
CACHE_KIB = 4096  # its page cache: the staged rows are read back by key, a few pages each


def _path(db: Database) -> Path:
    return db.path.with_name(db.path.name + ".import-scratch")


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


@contextlib.contextmanager
def attached(db: Database) -> Iterator[None]:
    """Attaches the scratch database as `SCHEMA` (outside any transaction: SQLite attaches only there), detaches and
    deletes it when the block ends, however it ends."""
    path = _path(db)
    _remove(path)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))  # readable by its user only, as the database
    try:
        db.execute(f"ATTACH DATABASE ? AS {SCHEMA} KEY \"x'{secrets.token_hex(32)}'\"", (str(path),))
        try:
            # Nothing here outlives the import: no fsync. The journal (of the few pages rewritten) stays in memory,
            # so a rolled back import still rolls back here.
            for pragma in ("synchronous = OFF", "journal_mode = MEMORY", f"cache_size = -{CACHE_KIB}"):
                db.execute(f"PRAGMA {SCHEMA}.{pragma}").fetchall()
            yield
        finally:
            db.execute(f"DETACH DATABASE {SCHEMA}")
    finally:
        _remove(path)


# -- the audit entries an import writes at its end (when the file's hash is known) ------------------------------
def keep_audit(db: Database, entries: list[tuple[int, int, int | None]]) -> None:
    """(table number, row id here, child id) of imported rows, in the order they were written."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.audit_later (n INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, "
               "row_id INTEGER NOT NULL, child_id INTEGER)")
    db.executemany(f"INSERT INTO {SCHEMA}.audit_later (tbl, row_id, child_id) VALUES (?, ?, ?)", entries)


def kept_audit(db: Database, after: int, limit: int) -> list[tuple[int, int, int, int | None]]:
    """The next `limit` entries after entry `after`: (n, table number, row id, child id)."""
    if not db.scalar(f"SELECT 1 FROM {SCHEMA}.sqlite_master WHERE type = 'table' AND name = 'audit_later'"):
        return []
    return [(r[0], r[1], r[2], r[3]) for r in db.query(
        f"SELECT n, tbl, row_id, child_id FROM {SCHEMA}.audit_later WHERE n > ? ORDER BY n LIMIT ?", (after, limit))]
