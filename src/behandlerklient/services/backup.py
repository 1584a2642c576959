"""Encrypted backups: SQLCipher's own sqlcipher_export into a copy under the same data key, checked by
reopening it, packed with the key file into one file. Restore refuses to overwrite without --force."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from behandlerklient import paths
from behandlerklient.core.errors import CorruptDatabase, InvalidInput, KnownError
from behandlerklient.security import keyfile as kf
from behandlerklient.services import anchor
from behandlerklient.services import audit, settings
from behandlerklient.services.workspace import Workspace, unlock
from behandlerklient.storage.database import translate_error

SUFFIX = ".bkbackup"
DB_MEMBER, KEYS_MEMBER, INFO_MEMBER = "journal.db", "journal.db.keys.json", "backup.json"
KEEP = 14


def _export_copy(ws: Workspace, target: Path) -> None:
    """sqlcipher_export writes an encrypted copy (the attached file takes the open database's key)."""
    db = ws.db
    db.execute("ATTACH DATABASE ? AS backup_copy", (str(target),))
    # One deferred read transaction: the copy and the checks see the same snapshot while the app keeps
    # writing (BEGIN IMMEDIATE would lock the app out for the whole copy).
    db.execute("BEGIN")
    try:
        db.query("SELECT sqlcipher_export('backup_copy')")
        db.execute(f"PRAGMA backup_copy.user_version = {db.user_version}")
        # Reopened through the same key: the copy must pass SQLite's own check and hold every row.
        check = [r[0] for r in db.query("PRAGMA backup_copy.integrity_check")]
        if check != ["ok"]:
            raise CorruptDatabase("Sikkerhedskopien bestod ikke kontrollen; den er ikke gemt.")
        for table in ("children", "journal_entries", "audit_log"):
            if db.scalar(f"SELECT count(*) FROM backup_copy.{table}") != db.scalar(f"SELECT count(*) FROM main.{table}"):
                raise CorruptDatabase("Sikkerhedskopien er ufuldstændig; den er ikke gemt.")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.execute("DETACH DATABASE backup_copy")


def log_written(*, ws: Workspace, made: Path) -> None:
    """The audit row for a backup `write_unlogged` made on a worker."""
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj="backup", detail=made.name)


def write_unlogged(*, ws: Workspace, out: Path) -> Path:
    """The backup file without its audit row: for a worker thread's own connection
    (workspace.in_own_connection), while the app keeps writing (WAL). The caller logs it from its thread."""
    return _write(ws, out, ws.db.user_version, created_at=ws.clock().isoformat())


def backup(*, ws: Workspace, out: Path, force: bool = False) -> Path:
    out = Path(out)
    if out.exists() and not force:
        raise KnownError(f"Filen findes allerede: {out}. Brug --force for at overskrive.")
    if not out.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {out.parent}")
    _write(ws, out, ws.db.user_version, created_at=ws.clock().isoformat())
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj="backup", detail=out.name)
    return out


def _write(ws: Workspace, out: Path, schema: int, *, created_at: str) -> Path:
    try:
        with tempfile.TemporaryDirectory(prefix=".bk-backup-", dir=str(out.parent)) as tmp:
            copy = Path(tmp) / DB_MEMBER
            audit_head = anchor.head(ws.db)  # read first: the copy holds this row, or later ones chained to it
            _export_copy(ws, copy)
            packed = Path(tmp) / "packed"
            with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_STORED) as z:
                z.write(copy, DB_MEMBER)
                z.writestr(KEYS_MEMBER, json.dumps(ws.keys.to_json(), indent=2))
                z.writestr(INFO_MEMBER, json.dumps({"format": "behandlerklient-backup", "version": 1,
                                                    "schema_version": schema, "created_at": created_at,
                                                    anchor.FIELD: audit_head}))
            packed.replace(out)
    except OSError as exc:
        raise translate_error(exc, out) from None
    return out


def _open_backup(path: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if not {DB_MEMBER, KEYS_MEMBER, INFO_MEMBER} <= names:
                raise InvalidInput(f"{path.name} er ikke en Behandlerklient-sikkerhedskopi.")
            info = json.loads(z.read(INFO_MEMBER))
            if info.get("format") != "behandlerklient-backup":
                raise InvalidInput(f"{path.name} er ikke en Behandlerklient-sikkerhedskopi.")
            z.extract(DB_MEMBER, into)
            z.extract(KEYS_MEMBER, into)
    except FileNotFoundError:
        raise InvalidInput(f"Filen findes ikke: {path}") from None
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError):
        raise InvalidInput(f"{path.name} er beskadiget eller ikke en Behandlerklient-sikkerhedskopi.") from None


def restore(*, backup_file: Path, db_path: Path, passphrase: str, username: str | None = None,
            force: bool = False) -> Path:
    """Checks the backup with the passphrase before anything existing is touched; the replaced file is kept."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    if db_path.exists() and not force:
        raise KnownError(f"Der findes allerede en database her: {db_path}. Brug --force for at erstatte den.")
    if not db_path.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {db_path.parent}")
    with tempfile.TemporaryDirectory(prefix=".bk-restore-", dir=str(db_path.parent)) as tmp:
        tmpdir = Path(tmp)
        _open_backup(backup_file, tmpdir)
        candidate = tmpdir / DB_MEMBER
        ws = unlock(path=candidate, passphrase=passphrase, username=username)  # proves key, schema, readability
        try:
            check = [r[0] for r in ws.db.query("PRAGMA integrity_check")]
            if check != ["ok"]:
                raise CorruptDatabase("Sikkerhedskopien er beskadiget; intet er gendannet.")
        finally:
            ws.close()
        if db_path.exists():
            keep = db_path.with_name(f"{db_path.name}.før-gendannelse-{date.today():%Y%m%d}")
            shutil.copy2(db_path, keep)
            for side in ("-wal", "-shm"):
                Path(str(db_path) + side).unlink(missing_ok=True)
        candidate.replace(db_path)
        (tmpdir / KEYS_MEMBER).replace(kf.keyfile_path(db_path))
    return db_path


def backup_folder(*, ws: Workspace) -> Path:
    configured = settings.get(ws=ws, key="backup_folder")
    return Path(configured) if configured else paths.data_dir() / "sikkerhedskopier"


def automatic_target(*, ws: Workspace, today: date) -> Path | None:
    """Today's backup file, or None when today's backup exists already."""
    folder = paths.ensure_private_dir(backup_folder(ws=ws))
    target = folder / f"behandlerklient-{today:%Y-%m-%d}{SUFFIX}"
    return None if target.exists() else target


def rotate(folder: Path, keep: int = KEEP) -> None:
    for old in sorted(folder.glob(f"behandlerklient-*{SUFFIX}"))[:-keep]:
        old.unlink(missing_ok=True)


def automatic(*, ws: Workspace, today: date, keep: int = KEEP) -> Path | None:
    """At most one backup a day, the newest `keep` kept. Returns the new file, or None if today's exists."""
    target = automatic_target(ws=ws, today=today)
    if target is None:
        return None
    backup(ws=ws, out=target)
    rotate(target.parent, keep)
    return target
