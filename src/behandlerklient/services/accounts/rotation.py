"""Key rotation: the database re-encrypted under a new random data key, sealed anew for every remaining
user, after which no earlier key file, backup key file or remembered key opens the current database.

Crash-safe by order (docs/keys.md): the new database and a *pending* key file (naming the new database by
its SQLCipher salt) are written and synced beside the old pair; then the database is renamed into place,
then the key file. A kill before the first rename leaves the old pair; after it, opening finds the pending
key file that matches the database and finishes the swap (security.keyfile.promote_pending).
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from behandlerklient.core.errors import KnownError, RuleRefused
from behandlerklient.security import keyfile as kf
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import load_keys, unwrap
from behandlerklient.storage import in_use
from behandlerklient.storage.clock import now_utc
from behandlerklient.storage.database import Database
from behandlerklient.storage.rekey import export_with_new_key
from behandlerklient.storage.users import UserRepository

log = logging.getLogger(__name__)
ROTATING_SUFFIX = ".rotating"


@dataclass(frozen=True)
class Rotation:
    key_id: str
    kept_users: list[str]
    dropped: list[str]  # wraps from before version 2 (or a recovery key) that could not be carried over


def _reached(step: str) -> None:
    """A named point of the rotation; the crash tests kill the process here."""


def _sync_dir(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(str(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _clear_leftovers(db_path: Path, keys_path: Path) -> None:
    """A rotation killed before its database swap left files that no longer matter."""
    tmp = Path(f"{db_path}{ROTATING_SUFFIX}")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), kf.pending_path(keys_path)):
        p.unlink(missing_ok=True)


def rotate_data_key(*, db_path: Path, passphrase: str, username: str | None = None,
                    instance_lock_held: bool = False) -> Rotation:
    """An administrator re-encrypts the database with a new data key; refused while it is open anywhere.
    `instance_lock_held`: the caller is the app, holding the single-instance lock, its connections closed."""
    db_path = Path(db_path)
    keys_path = kf.keyfile_path(db_path)
    keys = load_keys(db_path)  # also finishes a rotation that was killed after its database swap
    username, old_key = unwrap(keys=keys, passphrase=passphrase, username=username)
    with contextlib.nullcontext() if instance_lock_held else in_use.hold(db_path):
        if instance_lock_held:
            in_use.check_no_other_connection(db_path)
        db = Database.open(db_path, old_key)
        try:
            user = UserRepository(db).by_username(username)
            if user is None or user.role != "admin":
                raise RuleRefused("Kun en administrator kan skifte databasens nøgle.")
            _clear_leftovers(db_path, keys_path)
            db.checkpoint()
            new_key = kf.new_data_key()
            tmp = Path(f"{db_path}{ROTATING_SUFFIX}")
            export_with_new_key(db, tmp, new_key)
            if os.name == "posix":
                os.chmod(tmp, 0o600)
        finally:
            db.close()
        _reached("exported")
        fresh, dropped = keys.rekeyed(new_key)
        if kf.user_wrap_id(username) in dropped:  # an old-style wrap: the passphrase we have re-makes it
            fresh.add_wrap(kf.user_wrap_id(username), passphrase, new_key, keys.find(kf.user_wrap_id(username)).kdf_params)
            dropped.remove(kf.user_wrap_id(username))
        copy = Database.open(tmp, new_key)
        try:
            with copy.transaction():
                audit.record(copy, user_id=user.id, action="user", now=now_utc(), obj="data-key",
                             detail=f"rotated; {len(fresh.usernames())} users kept, {len(dropped)} wraps dropped")
        finally:
            copy.close()
        if Path(f"{tmp}-wal").exists() and Path(f"{tmp}-wal").stat().st_size:
            raise KnownError("Den omkrypterede kopi kunne ikke lukkes rent; intet er ændret.")
        _reached("checked")
        fresh.db_salt = kf.database_salt(tmp)
        fresh.save(kf.pending_path(keys_path))
        _reached("pending-saved")
        for side in ("-wal", "-shm"):  # the old file's (empty after the checkpoint and close)
            Path(f"{db_path}{side}").unlink(missing_ok=True)
        os.replace(tmp, db_path)
        _sync_dir(db_path.parent)
        _reached("db-swapped")
        kf.promote_pending(keys_path)
        _sync_dir(db_path.parent)
        _reached("keys-swapped")
    log.info("data key rotated")
    return Rotation(key_id=fresh.key_id, kept_users=fresh.usernames(),
                    dropped=[w.split(":", 1)[-1] for w in dropped])
