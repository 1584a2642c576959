"""The encrypted copy a backup packs: SQLCipher's own sqlcipher_export into an attached file, which takes the open
database's key. What makes a copy good enough to keep is services/workspace/backup.py's decision; this holds the SQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from behandlerklient.storage.database import Database


class ExportedCopy:
    """The attached copy, inside the read transaction that wrote it: checks see the snapshot it was made from."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def integrity(self) -> list[str]:
        """SQLite's integrity_check of the copy, reopened through the same key (["ok"] when intact)."""
        return [r[0] for r in self.db.query("PRAGMA backup_copy.integrity_check")]

    def holds_every_row(self, table: str) -> bool:
        return self.db.scalar(f"SELECT count(*) FROM backup_copy.{table}") == \
            self.db.scalar(f"SELECT count(*) FROM main.{table}")


@contextlib.contextmanager
def exported_copy(db: Database, target: Path) -> Iterator[ExportedCopy]:
    """Write the copy to `target` and yield it for checking; committed when the block ends without an exception,
    rolled back otherwise, detached either way."""
    db.execute("ATTACH DATABASE ? AS backup_copy", (str(target),))
    # One deferred read transaction: the copy and the checks see the same snapshot while the app keeps
    # writing (BEGIN IMMEDIATE would lock the app out for the whole copy).
    db.execute("BEGIN")
    try:
        db.query("SELECT sqlcipher_export('backup_copy')")
        db.execute(f"PRAGMA backup_copy.user_version = {db.user_version}")
        yield ExportedCopy(db)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.execute("DETACH DATABASE backup_copy")
