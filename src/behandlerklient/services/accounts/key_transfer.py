"""The unlocked user's signing key leaving this laptop: its public half for the server's administrator
(`behandlerklient sync public-key`), and the whole key, sealed under a passphrase, for the user's second laptop
(`behandlerklient keys export-signing`; the second journal is created with `--signing-key`). docs/sync.md,
"A user's second laptop"."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from behandlerklient.core.errors import InvalidInput, RuleRefused, StorageUnwritable
from behandlerklient.core.key_fingerprint import fingerprint
from behandlerklient.security import keyfile as kf
from behandlerklient.security import signing_transfer
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace, check_passphrase


def own_private_key(ws: Workspace) -> bytes | None:
    """The key this laptop signs the unlocked user's records with (her registered signer, else her wrap's key)."""
    signer = seal.private_bytes(ws.db, ws.user.id) if ws.user.id is not None else None
    return signer or ws.keys.signing_key(ws.user.username)


def own_public_key(ws: Workspace) -> bytes | None:
    """Its raw 32-byte public half: what the server must hold for her in bk.staff."""
    private = own_private_key(ws)
    return None if private is None else base64.b64decode(kf.public_key_of(private))


def _required_private(ws: Workspace) -> bytes:
    private = own_private_key(ws)
    if private is None:
        raise RuleRefused(f"Der er ingen underskriftsnøgle for {ws.user.username} på denne computer; lås op med din "
                          "egen adgangskode og prøv igen.")
    return private


def write_public_key(*, ws: Workspace, out: Path) -> str:
    """Writes the public key as base64 of the raw 32 bytes (one line, a form `behandlerklient-server staff add
    --pubkey-file` reads) and returns its fingerprint, to be read back by the administrator."""
    raw = base64.b64decode(kf.public_key_of(_required_private(ws)))
    _write_new(Path(out), base64.b64encode(raw) + b"\n", mode=0o644)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"user:{ws.user.id}",
                     detail="signing public key written to a file")
    return fingerprint(raw)


def export_signing_key(*, ws: Workspace, passphrase: str, out: Path) -> str:
    """Writes the unlocked user's private signing key sealed under `passphrase` (a new one, as strong as a journal
    passphrase: the file may travel on a USB stick) to `out`, mode 0600, a new file only. Returns the fingerprint
    of its public key."""
    private = _required_private(ws)
    check_passphrase(passphrase, user_inputs=(ws.user.username, ws.user.full_name))
    _write_new(Path(out), signing_transfer.seal(private=private, username=ws.user.username, passphrase=passphrase),
               mode=0o600)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"user:{ws.user.id}",
                     detail="signing key exported (sealed) for another laptop")
    return fingerprint(base64.b64decode(kf.public_key_of(private)))


def read_signing_key(*, path: Path, passphrase: str, username: str) -> bytes:
    """The private key in a file from `export_signing_key`, for `username`; raises naming what is wrong (read it
    before anything is created, so a refusal leaves nothing behind)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"Filen med underskriftsnøglen findes ikke: {path}. Intet er oprettet.") from None
    except OSError:
        raise InvalidInput(f"Filen med underskriftsnøglen kan ikke læses: {path}. Intet er oprettet.") from None
    return signing_transfer.open_sealed(data, passphrase=passphrase, username=username, source=path.name)


def public_fingerprint(private: bytes) -> str:
    return fingerprint(base64.b64decode(kf.public_key_of(private)))


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    """Only where the user asked, and never over an existing file (it may be another user's key)."""
    if not path.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {path.parent}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise InvalidInput(f"Filen findes allerede: {path}. Vælg et nyt filnavn; intet er skrevet.") from None
    except OSError:
        raise StorageUnwritable(f"Filen kan ikke skrives: {path}.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        path.unlink(missing_ok=True)
        raise StorageUnwritable(f"Filen kan ikke skrives: {path}; intet er gemt.") from None
