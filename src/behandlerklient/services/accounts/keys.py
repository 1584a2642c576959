"""Keys after set-up: change a passphrase, remove a user's access, and a municipality recovery key that can
reset a forgotten passphrase. None of it re-encrypts the database: only wraps of the data key change, so
an old copy of the key file keeps working until the data key is rotated (services/accounts/rotation.py,
docs/keys.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

from behandlerklient.core.errors import InvalidInput, KnownError, RuleRefused
from behandlerklient.security import keyfile as kf
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace, check_passphrase, load_keys

RECOVERY_WRAP = "recovery"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is typed from paper


def change_passphrase(*, ws: Workspace, old: str, new: str) -> None:
    check_passphrase(new, user_inputs=(ws.user.username, ws.user.full_name))
    if old == new:
        raise InvalidInput("Den nye adgangskode er den samme som den gamle.")
    wrap_id = kf.user_wrap_id(ws.user.username)
    data_key = ws.keys.unwrap(wrap_id, old)
    ws.keys.add_wrap(wrap_id, new, data_key)
    ws.keys.save(kf.keyfile_path(ws.path))
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"user:{ws.user.id}",
                     detail="passphrase changed")


def remove_user(*, ws: Workspace, username: str) -> Changes:
    """The user keeps their name on what they wrote; only their way in is removed."""
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan fjerne brugere.")
    if username == ws.user.username:
        raise RuleRefused("Du kan ikke fjerne din egen adgang.")
    if ws.keys.find(kf.user_wrap_id(username)) is None:
        raise InvalidInput(f"Brugeren {username} har ingen adgang at fjerne.")
    ws.keys.remove_wrap(kf.user_wrap_id(username))
    ws.keys.save(kf.keyfile_path(ws.path))
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"user:{username}",
                     detail="access removed")
    return Changes(users=True)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(30))
    return "-".join(raw[i:i + 5] for i in range(0, 30, 5))


def create_recovery_key(*, ws: Workspace, passphrase: str) -> str:
    """A new recovery code (replacing any earlier one), shown once; the caller prints it on a sheet."""
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan lave en gendannelsesnøgle.")
    data_key = ws.keys.unwrap(kf.user_wrap_id(ws.user.username), passphrase)
    code = new_recovery_code()
    ws.keys.add_wrap(RECOVERY_WRAP, code, data_key)
    ws.keys.save(kf.keyfile_path(ws.path))
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj="recovery-key", detail="created")
    return code


def normalise_code(code: str) -> str:
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(letters[i:i + 5] for i in range(0, len(letters), 5))


def reset_with_recovery(*, db_path: Path, username: str, recovery_code: str, new_passphrase: str) -> None:
    """A forgotten passphrase: the recovery code unwraps the data key, which is wrapped anew for the user."""
    check_passphrase(new_passphrase, user_inputs=(username,))
    keys = load_keys(db_path)
    if keys.find(RECOVERY_WRAP) is None:
        raise KnownError("Der er ingen gendannelsesnøgle for denne database.")
    if keys.find(kf.user_wrap_id(username)) is None:
        raise InvalidInput(f"Brugeren {username} findes ikke i nøglefilen.")
    data_key = keys.unwrap(RECOVERY_WRAP, normalise_code(recovery_code))
    keys.add_wrap(kf.user_wrap_id(username), new_passphrase, data_key)
    keys.save(kf.keyfile_path(db_path))
