"""Creating and unlocking an installation: the key file, the encrypted database and the logged-in user."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from behandlerklient.core import limits
from behandlerklient.core import passphrase as passphrase_rules
from behandlerklient.core import profession as profession_rules
from behandlerklient.core.errors import InvalidInput, KnownError, WrongPassphrase
from behandlerklient.core.manuals import Catalogue
from behandlerklient.core.models import User
from behandlerklient.core.vocab import ROLES
from behandlerklient.security import kdf
from behandlerklient.security import keyfile as kf
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import catalogue as catalogue_service
from behandlerklient.storage import search_index
from behandlerklient.storage.clock import now_utc
from behandlerklient.storage.database import Database
from behandlerklient.storage.migrate import migrate
from behandlerklient.storage.users import UserRepository

log = logging.getLogger(__name__)

MIN_PASSPHRASE = passphrase_rules.MIN_LENGTH
T = TypeVar("T")


@dataclass
class Workspace:
    """An unlocked installation; the explicit context every service call takes."""

    db: Database
    user: User
    keys: kf.KeyFile
    catalogue: Catalogue = field(default_factory=catalogue_service.load)
    # Injectable so that the demo generator is deterministic and tests control time.
    clock: Callable[[], datetime] = now_utc
    # Kept while unlocked (the open connection holds it anyway) so a background task can open its own
    # connection; dropped with the workspace when it closes or the app locks.
    data_key: bytes | None = field(default=None, repr=False)
    # The unlocked users' signing keys (services.signatures.seal), shared with connections opened for this workspace.
    signers: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.signers is None:
            self.signers = self.db.signers
        else:
            self.db.signers = self.signers
        seal.attach(self.db)

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()
        self.data_key = None


def in_own_connection(ws: Workspace, work: Callable[[Workspace], T]) -> Callable[[], T]:
    """`work` made ready for a worker thread: it gets the same user on a connection opened (and closed) in
    that thread, since a connection belongs to the thread that opened it. Call this on the window's thread."""
    key, path = ws.data_key, ws.path
    if key is None:
        raise KnownError("Databasen er låst. Lås op og prøv igen.")

    def run() -> T:
        db = Database.open(path, key)
        try:
            return work(replace(ws, db=db))
        finally:
            db.close(checkpoint=False)

    return run


def check_passphrase(passphrase: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Every new passphrase: long enough and not easy to guess (core/passphrase.py), judged with the user's
    own names as words an attacker tries first."""
    passphrase_rules.check(passphrase, user_inputs=user_inputs)


def check_username(username: str) -> None:
    if not username or not all(ch.isalnum() or ch in "._-" for ch in username) or len(username) > 64:
        raise InvalidInput("Brugernavnet må kun indeholde bogstaver, tal, '.', '_' og '-'.")


def create(*, path: Path, username: str, full_name: str, passphrase: str, role: str = "admin",
           title: str = "", phone: str = "", profession: str = "", params: kdf.ScryptParams | None = None,
           catalogue: Catalogue | None = None, demo: bool = False, signing_key: bytes | None = None) -> Workspace:
    """A new installation: random data key, key file with this user's wrap, migrated database.

    `signing_key`: the user's raw Ed25519 key carried from her first laptop (services/accounts/key_transfer.py), so
    both sign with the one key the server holds for her; without it she gets a new key.
    `demo` is for the synthetic demo database only, whose published passphrase is weak on purpose."""
    path = Path(path)
    check_username(username)
    limits.check_name("Det fulde navn", full_name)
    profession_rules.check(profession, title)
    if demo:
        if len(passphrase) < MIN_PASSPHRASE:
            raise InvalidInput(f"Adgangskoden skal være mindst {MIN_PASSPHRASE} tegn.")
    else:
        check_passphrase(passphrase, user_inputs=(username, full_name))
    if role not in ROLES:
        raise InvalidInput(f"Ukendt rolle {role!r}; brug {', '.join(ROLES)}.")
    keys_path = kf.keyfile_path(path)
    if path.exists() or keys_path.exists():
        raise KnownError(f"Der findes allerede en database her: {path}")
    if not path.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {path.parent}")
    data_key = kf.new_data_key()
    keys = kf.KeyFile.new()
    keys.add_wrap(kf.user_wrap_id(username), passphrase, data_key, params, signing_key=signing_key)
    db = Database.open(path, data_key, create=True)
    try:
        migrate(db)
        with db.transaction():
            user = UserRepository(db).add(User(None, username, full_name or username, role, title.strip(), phone,
                                                     profession), now=now_utc())
            seal.signer_for(db, user=user, keys=keys, now=now_utc())
        keys.save(keys_path)
    except BaseException:
        db.close()
        for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            p.unlink(missing_ok=True)
        raise
    log.info("created a new database")
    return Workspace(db=db, user=user, keys=keys, catalogue=catalogue or catalogue_service.load(), data_key=data_key)


def load_keys(path: Path) -> kf.KeyFile:
    path = Path(path)
    if not path.exists():
        raise KnownError(f"Databasen findes ikke: {path}")
    return kf.KeyFile.load(kf.keyfile_path(path))


def unlock(*, path: Path, passphrase: str, username: str | None = None,
           catalogue: Catalogue | None = None) -> Workspace:
    """Unwrap the data key with the passphrase (wrong passphrase: nothing is opened or written)."""
    keys = load_keys(path)
    username, data_key = unwrap(keys=keys, passphrase=passphrase, username=username)
    return open_with_key(path=path, key=data_key, username=username, keys=keys, catalogue=catalogue)


def unwrap(*, keys: kf.KeyFile, passphrase: str, username: str | None = None) -> tuple[str, bytes]:
    """(username, data key): the deliberate KDF cost, pure computation that may run on a worker thread."""
    if username:
        return username, keys.unwrap(kf.user_wrap_id(username), passphrase)
    return keys.unwrap_any_user(passphrase)


def open_with_key(*, path: Path, key: bytes, username: str, keys: kf.KeyFile | None = None,
                  catalogue: Catalogue | None = None) -> Workspace:
    keys = keys or load_keys(path)
    db = Database.open(Path(path), key)
    try:
        migrate(db)
        user = UserRepository(db).by_username(username)
        if user is None:
            raise WrongPassphrase(f"Brugeren {username} findes ikke i databasen.")
        seal.signer_for(db, user=user, keys=keys, now=now_utc())
        search_index.write_pending(db)  # a fresh laptop's pull killed before its children's search terms were written
        if keys.changed:  # an old wrap got its first signing key while unwrapping
            keys.save(kf.keyfile_path(Path(path)))
            keys.changed = False
    except BaseException:
        db.close()
        raise
    log.info("unlocked the database")
    return Workspace(db=db, user=user, keys=keys, catalogue=catalogue or catalogue_service.load(), data_key=key)
