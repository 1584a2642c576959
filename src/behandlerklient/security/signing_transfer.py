"""A user's Ed25519 signing key carried to her second laptop: one small JSON file holding the private key sealed
under a passphrase the user chooses for the move, with the key file's own wrap (scrypt, then AES-GCM).

The server holds one public key per user and checks every record she pushes against it, so every laptop she writes
on must sign with that one key (docs/sync.md, "A user's second laptop"). The file names the user and the public key
in the clear (neither is secret: the server lists both) and binds both into the AEAD's associated data, so a file
edited to name someone else does not open. Nothing patient-related is in it.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from behandlerklient.core.errors import InvalidInput, WrongPassphrase
from behandlerklient.security import kdf
from behandlerklient.security import keyfile as kf

FORMAT = "behandlerklient-signing-key"
VERSION = 1
MAX_BYTES = 64 * 1024  # a real file is under 1 KB; anything far larger is not one


def _aad(username: str, public_key: str) -> bytes:
    return f"{FORMAT}:{username}:{public_key}".encode()


def seal(*, private: bytes, username: str, passphrase: str, params: kdf.ScryptParams | None = None) -> bytes:
    """The file's bytes: `private` (raw 32 bytes) sealed with a key derived from `passphrase`."""
    params = params or kdf.default_params()
    salt, nonce = kdf.new_salt(), os.urandom(12)
    public = kf.public_key_of(private)
    wrapped = AESGCM(kdf.derive(passphrase, salt, params)).encrypt(nonce, private, _aad(username, public))
    data = {"format": FORMAT, "version": VERSION, "username": username, "public_key": public,
            "kdf": {**params.as_dict(), "salt": _b64(salt)}, "nonce": _b64(nonce), "wrapped": _b64(wrapped),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def open_sealed(data: bytes, *, passphrase: str, username: str, source: str) -> bytes:
    """The raw private key from a file made by `seal`, for `username`. Raises, naming what is wrong: a file that is
    not one (or cut short), a file for another user, the wrong passphrase."""
    parsed = _parse(data, source)
    if parsed["username"] != username:
        raise InvalidInput(f"Filen {source} indeholder underskriftsnøglen for brugeren {parsed['username']!r}, "
                           f"ikke for {username!r}. Brug filen fra {username}s egen computer; intet er oprettet.")
    try:
        key = kdf.derive(passphrase, parsed["salt"], parsed["params"])
        private = AESGCM(key).decrypt(parsed["nonce"], parsed["wrapped"], _aad(username, parsed["public_key"]))
    except InvalidTag:
        raise WrongPassphrase(f"Forkert adgangskode til {source} (eller filen er ændret): underskriftsnøglen kan "
                              "ikke åbnes. Det er adgangskoden, der blev valgt ved 'behandlerklient keys "
                              "export-signing'. Intet er oprettet.") from None
    if len(private) != 32 or kf.public_key_of(private) != parsed["public_key"]:
        raise InvalidInput(f"Filen {source} er beskadiget: nøglen i den passer ikke til dens offentlige nøgle. "
                           "Intet er oprettet.")
    return private


def _parse(data: bytes, source: str) -> dict[str, Any]:
    bad = InvalidInput(f"Filen {source} er beskadiget eller afkortet: den er ikke en underskriftsnøgle skrevet af "
                       "'behandlerklient keys export-signing'. Intet er oprettet.")
    if len(data) > MAX_BYTES:
        raise bad
    try:
        d = json.loads(data.decode("utf-8"))
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise bad
        if d.get("version") != VERSION:
            raise InvalidInput(f"Filen {source} er fra en anden version af Behandlerklient; intet er oprettet.")
        k = d["kdf"]
        # The key file's bounds on scrypt: a crafted file must not make the import allocate gigabytes.
        params = kf._check_params(k, source)  # one rule for both files
        out = {"username": d["username"], "public_key": d["public_key"], "params": params,
               "salt": _unb64(k["salt"]), "nonce": _unb64(d["nonce"]), "wrapped": _unb64(d["wrapped"])}
    except InvalidInput:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, KeyError, TypeError, ValueError,
            AttributeError):
        raise bad from None
    if (not isinstance(out["username"], str) or not isinstance(out["public_key"], str) or len(out["salt"]) != 16
            or len(out["nonce"]) != 12 or len(out["wrapped"]) != 48):
        raise bad
    return out


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
