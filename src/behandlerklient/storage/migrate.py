"""Numbered SQL migrations: each runs in its own transaction together with the `user_version` bump."""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from behandlerklient.core.errors import DatabaseTooNew
from behandlerklient.storage.database import Database, translate_error

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise ValueError(f"migration file name {path.name!r} is not NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


def latest_version(migrations: list[Migration] | None = None) -> int:
    migs = load_migrations() if migrations is None else migrations
    return migs[-1].version if migs else 0


def applied_version(db: Database) -> int:
    """Read-only: the schema version the file is at."""
    return db.user_version


def pending(db: Database, migrations: list[Migration] | None = None) -> list[Migration]:
    """Read-only: the migrations not yet applied."""
    migs = load_migrations() if migrations is None else migrations
    current = applied_version(db)
    return [m for m in migs if m.version > current]


def check_not_too_new(db: Database, migrations: list[Migration] | None = None) -> None:
    current, latest = applied_version(db), latest_version(migrations)
    if current > latest:
        raise DatabaseTooNew(
            f"Databasen er fra en nyere version af Behandlerklient (skema {current}; denne version kender "
            f"op til {latest}). Opdatér programmet; databasen er ikke ændret.")


def backup_before_upgrade(db: Database, from_version: int) -> Path:
    """Copy the (still encrypted) file aside; the copy is complete because the WAL is checkpointed first."""
    db.checkpoint()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db.path.with_name(f"{db.path.name}.skema{from_version}-{stamp}.bak")
    try:
        shutil.copy2(db.path, target)
    except OSError as exc:
        raise translate_error(exc, target) from None
    return target


def migrate(db: Database, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations in order; returns the versions applied. A failing one rolls back and stays pending."""
    migs = load_migrations() if migrations is None else migrations
    check_not_too_new(db, migs)
    todo = pending(db, migs)
    if not todo:
        return []
    current = applied_version(db)
    if current > 0:
        saved = backup_before_upgrade(db, current)
        log.info("copied the database aside before upgrading from schema %d (%s)", current, saved.name)
    done: list[int] = []
    for mig in todo:
        # executescript would commit an open transaction; the script carries its own BEGIN/COMMIT instead.
        script = f"BEGIN IMMEDIATE;\n{mig.sql}\n;PRAGMA user_version = {mig.version};\nCOMMIT;"
        try:
            db.executescript(script)
        except BaseException:
            try:
                db.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - nothing to roll back if BEGIN itself failed
                pass
            raise
        db.schema_changed()
        log.info("applied migration %04d_%s", mig.version, mig.name)
        done.append(mig.version)
    return done
