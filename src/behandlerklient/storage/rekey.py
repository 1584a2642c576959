"""A re-encrypted copy of the open database under a new data key (SQLCipher's sqlcipher_export)."""

from __future__ import annotations

from pathlib import Path

from behandlerklient.core.errors import CorruptDatabase
from behandlerklient.storage.database import KEY_BYTES, Database

# Counted in the copy and the original: a copy that lost rows is never swapped in.
_COUNTED = ("users", "children", "sessions", "journal_entries", "audit_log")


def export_with_new_key(db: Database, target: Path, new_key: bytes) -> None:
    """Every page of `db` into a new file `target` encrypted with `new_key`, checked by SQLite before return."""
    if len(new_key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    db.execute(f"ATTACH DATABASE ? AS rekeyed KEY \"x'{new_key.hex()}'\"", (str(target),))
    try:
        db.execute("BEGIN")
        try:
            db.query("SELECT sqlcipher_export('rekeyed')")
            db.execute(f"PRAGMA rekeyed.user_version = {db.user_version}")
            if [r[0] for r in db.query("PRAGMA rekeyed.integrity_check")] != ["ok"]:
                raise CorruptDatabase("Den omkrypterede kopi bestod ikke kontrollen; intet er ændret.")
            for table in _COUNTED:
                if db.scalar(f"SELECT count(*) FROM rekeyed.{table}") != db.scalar(f"SELECT count(*) FROM main.{table}"):
                    raise CorruptDatabase("Den omkrypterede kopi er ufuldstændig; intet er ændret.")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.execute("DETACH DATABASE rekeyed")
