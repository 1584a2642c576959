"""Encrypted backups: SQLCipher's own sqlcipher_export into a copy under the same data key, checked by
reopening it, packed with the key file into one file. Restore refuses to overwrite without --force, checks
the archive's sizes and the passphrase before it writes, and keeps the replaced database whole."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from behandlerklient import paths
from behandlerklient.core.errors import CorruptDatabase, InvalidInput, KnownError, StorageFull
from behandlerklient.security import keyfile as kf
from behandlerklient.services.signatures import anchor, audit
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace, open_with_key, unwrap
from behandlerklient.storage import in_use
from behandlerklient.storage.backup_copy import exported_copy
from behandlerklient.storage.database import translate_error
from behandlerklient.storage.integrity import IntegrityChecks

SUFFIX = ".bkbackup"
DB_MEMBER, KEYS_MEMBER, INFO_MEMBER = "journal.db", "journal.db.keys.json", "backup.json"
KEEP = 14


def _export_copy(ws: Workspace, target: Path) -> None:
    """sqlcipher_export writes an encrypted copy (the attached file takes the open database's key)."""
    with exported_copy(ws.db, target) as copy:
        # Reopened through the same key: the copy must pass SQLite's own check and hold every row.
        if copy.integrity() != ["ok"]:
            raise CorruptDatabase("Sikkerhedskopien bestod ikke kontrollen; den er ikke gemt.")
        for table in ("children", "journal_entries", "audit_log"):
            if not copy.holds_every_row(table):
                raise CorruptDatabase("Sikkerhedskopien er ufuldstændig; den er ikke gemt.")


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
            # The archive holds the key file: readable by its owner only, whatever the umask (made so before
            # a byte is written, and kept by the rename into place).
            os.close(os.open(packed, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            if os.name == "posix":
                os.chmod(packed, 0o600)
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


# A backup is three members, never compressed (ZIP_STORED, see _write): so nothing in it can expand, and
# what is extracted is bounded by the archive's own size, checked before a byte is written.
INFO_MAX, KEYS_MAX = 64 * 1024, 1024 * 1024


def _bad(path: Path) -> InvalidInput:
    return InvalidInput(f"{path.name} er beskadiget eller ikke en Behandlerklient-sikkerhedskopi.")


def _checked_members(z: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    infos = z.infolist()
    members = {i.filename: i for i in infos}
    if len(infos) != 3 or set(members) != {DB_MEMBER, KEYS_MEMBER, INFO_MEMBER}:
        raise InvalidInput(f"{path.name} er ikke en Behandlerklient-sikkerhedskopi.")
    archive_size = path.stat().st_size
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
            raise InvalidInput(f"{path.name} er ikke en Behandlerklient-sikkerhedskopi (pakket anderledes end "
                               "programmet pakker; intet er gendannet).")
    if sum(i.file_size for i in infos) > archive_size or members[INFO_MEMBER].file_size > INFO_MAX \
            or members[KEYS_MEMBER].file_size > KEYS_MAX:
        raise _bad(path)
    return members


def _read_small(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with z.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError("member larger than declared")
    return data


def _copy_capped(z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Extract at most the declared size (zipfile checks the CRC at the end)."""
    left = info.file_size
    with z.open(info) as src, open(target, "wb") as dst:
        if os.name == "posix":
            os.fchmod(dst.fileno(), 0o600)
        while chunk := src.read(min(1024 * 1024, left + 1)):
            left -= len(chunk)
            if left < 0:
                raise ValueError("member larger than declared")
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def _open_backup(path: Path, into: Path, *, passphrase: str, username: str | None) -> tuple[str, bytes]:
    """Sizes, then the passphrase against the backup's key file, and only then the database is written."""
    try:
        with zipfile.ZipFile(path) as z:
            members = _checked_members(z, path)
            info = json.loads(_read_small(z, members[INFO_MEMBER], INFO_MAX).decode("utf-8"))
            if not isinstance(info, dict) or info.get("format") != "behandlerklient-backup":
                raise InvalidInput(f"{path.name} er ikke en Behandlerklient-sikkerhedskopi.")
            keys_data = json.loads(_read_small(z, members[KEYS_MEMBER], KEYS_MAX).decode("utf-8"))
            keys = kf.KeyFile.from_json(keys_data, f"i {path.name}")
            found_user, data_key = unwrap(keys=keys, passphrase=passphrase, username=username)
            need = members[DB_MEMBER].file_size + 16 * 1024 * 1024
            if shutil.disk_usage(into).free < need:
                raise StorageFull(f"Der er ikke plads til at gendanne ({need // 2**20} MiB kræves). Intet er ændret.")
            _copy_capped(z, members[DB_MEMBER], into / DB_MEMBER)
            keys.save(into / KEYS_MEMBER)
            return found_user, data_key
    except FileNotFoundError:
        raise InvalidInput(f"Filen findes ikke: {path}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, json.JSONDecodeError, UnicodeDecodeError, RecursionError,
            KeyError, ValueError, EOFError, NotImplementedError):
        raise _bad(path) from None
    except OSError as exc:
        translated = translate_error(exc, into)
        if translated is exc:
            raise _bad(path) from None
        raise translated from None


def _kept_name(db_path: Path) -> Path:
    """Never an earlier kept copy's name (nor its -wal or key file)."""
    base = f"{db_path.name}.før-gendannelse-{date.today():%Y%m%d}"
    for n in range(1, 10_000):
        keep = db_path.with_name(base if n == 1 else f"{base}-{n}")
        if not any(p.exists() for p in (keep, Path(f"{keep}-wal"), kf.keyfile_path(keep))):
            return keep
    raise KnownError("Der er for mange gemte kopier fra tidligere gendannelser i mappen. Ryd op og prøv igen.")


def _keep_current(db_path: Path) -> Path:
    """The replaced database moves aside whole: with its -wal (committed rows not yet checkpointed live
    only there) and a copy of its key file, so the kept copy opens as it was."""
    keep = _kept_name(db_path)
    keys = kf.keyfile_path(db_path)
    if keys.exists():
        shutil.copy2(keys, kf.keyfile_path(keep))
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        os.replace(wal, f"{keep}-wal")
    os.replace(db_path, keep)
    Path(f"{db_path}-shm").unlink(missing_ok=True)  # an index of the moved -wal; SQLite rebuilds it
    return keep


def restore(*, backup_file: Path, db_path: Path, passphrase: str, username: str | None = None,
            force: bool = False) -> Path:
    """Checks the backup with the passphrase before anything existing is touched; the replaced file is kept.
    Refused while the database is open in the app or another process."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    if db_path.exists() and not force:
        raise KnownError(f"Der findes allerede en database her: {db_path}. Brug --force for at erstatte den.")
    if not db_path.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {db_path.parent}")
    with in_use.hold(db_path), \
            tempfile.TemporaryDirectory(prefix=".bk-restore-", dir=str(db_path.parent)) as tmp:
        tmpdir = Path(tmp)
        found_user, data_key = _open_backup(backup_file, tmpdir, passphrase=passphrase, username=username)
        candidate = tmpdir / DB_MEMBER
        ws = open_with_key(path=candidate, key=data_key, username=found_user)  # proves key, schema, readability
        try:
            if IntegrityChecks(ws.db).integrity() != ["ok"]:
                raise CorruptDatabase("Sikkerhedskopien er beskadiget; intet er gendannet.")
        finally:
            ws.close()
        for side in ("-wal", "-shm"):
            Path(f"{candidate}{side}").unlink(missing_ok=True)
        # The key file goes in as a pending file naming the restored database, so a crash between the two
        # renames below still leaves a pair that opens (keyfile.promote_pending).
        keys = kf.KeyFile.load(tmpdir / KEYS_MEMBER)
        keys.db_salt = kf.database_salt(candidate)
        pending = kf.pending_path(kf.keyfile_path(db_path))
        keys.save(pending)
        if db_path.exists():
            _keep_current(db_path)
        candidate.replace(db_path)
        keys.db_salt = None
        keys.save(kf.keyfile_path(db_path))
        pending.unlink(missing_ok=True)
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
