"""The key file beside the database: the random data key wrapped once per user (and recovery key).

It holds no patient data: user names, KDF parameters, salts and AES-GCM ciphertexts. Changing a
passphrase rewrites one wrap and never re-encrypts the database.

A user's wrap also holds that user's Ed25519 signing key (docs/signatures.md), encrypted with the same
passphrase-derived key, so unlocking or confirming a passphrase unwraps both for one KDF run.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from behandlerklient.core.errors import InvalidInput, KnownError, StorageFull, StorageUnwritable, WrongPassphrase
from behandlerklient.security import kdf

FORMAT = "behandlerklient-keys"
VERSION = 1


def keyfile_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".keys.json")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_signing_key() -> bytes:
    """A fresh Ed25519 private key, raw 32 bytes."""
    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key_of(private: bytes) -> str:
    """base64 of the raw public key: how the database records it."""
    raw = Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _b64(raw)


@dataclass
class SigningWrap:
    nonce: bytes
    wrapped: bytes
    public_key: str  # base64, so a key can be recognised without the passphrase


@dataclass
class Wrap:
    wrap_id: str  # "user:<username>" or "recovery"
    kdf_params: kdf.ScryptParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    created_at: str
    signing: SigningWrap | None = None

    @property
    def username(self) -> str | None:
        return self.wrap_id.split(":", 1)[1] if self.wrap_id.startswith("user:") else None


@dataclass
class KeyFile:
    key_id: str  # random, names this installation's data key (also the keyring entry)
    wraps: list[Wrap] = field(default_factory=list)
    # Signing keys unwrapped in this process (wrap id -> raw private key), kept as long as this object:
    # the unlocked workspace holds it, so signing needs no second KDF run.
    unwrapped_signing: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    # True after an unwrap gave an old wrap its first signing key: the caller saves the file.
    changed: bool = field(default=False, repr=False, compare=False)

    # -- wrapping ---------------------------------------------------------------------------
    def _aad(self, wrap_id: str) -> bytes:
        return f"{FORMAT}:{self.key_id}:{wrap_id}".encode()

    def add_wrap(self, wrap_id: str, passphrase: str, data_key: bytes,
                 params: kdf.ScryptParams | None = None, signing_key: bytes | None = None) -> None:
        """A user's wrap keeps the signing key unwrapped earlier in this process (a passphrase change), or
        `signing_key`, or gets a new one (a new user)."""
        params = params or kdf.default_params()
        salt, nonce = kdf.new_salt(), os.urandom(12)
        kek = kdf.derive(passphrase, salt, params)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, self._aad(wrap_id))
        wrap = Wrap(wrap_id, params, salt, nonce, wrapped, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        if wrap.username:
            self._wrap_signing(wrap, kek, signing_key or self.unwrapped_signing.get(wrap_id) or new_signing_key())
        self.wraps = [w for w in self.wraps if w.wrap_id != wrap_id]
        self.wraps.append(wrap)

    def _wrap_signing(self, wrap: Wrap, kek: bytes, private: bytes) -> None:
        nonce = os.urandom(12)
        wrap.signing = SigningWrap(nonce, AESGCM(kek).encrypt(nonce, private, self._aad(wrap.wrap_id + ":signing")),
                                   public_key_of(private))
        self.unwrapped_signing[wrap.wrap_id] = private

    def remember_signing_key(self, username: str, private: bytes | None) -> None:
        """A signing key recalled from the OS keyring (with a remembered data key)."""
        if private is not None:
            self.unwrapped_signing[user_wrap_id(username)] = private

    def signing_key(self, username: str) -> bytes | None:
        """The user's private signing key if their passphrase was typed in this process."""
        return self.unwrapped_signing.get(user_wrap_id(username))

    def remove_wrap(self, wrap_id: str) -> None:
        remaining = [w for w in self.wraps if w.wrap_id != wrap_id]
        if not any(w.username for w in remaining):
            raise KnownError("Den sidste bruger kan ikke fjernes.")
        self.wraps = remaining

    def find(self, wrap_id: str) -> Wrap | None:
        return next((w for w in self.wraps if w.wrap_id == wrap_id), None)

    def usernames(self) -> list[str]:
        return [w.username for w in self.wraps if w.username]

    def unwrap(self, wrap_id: str, passphrase: str) -> bytes:
        wrap = self.find(wrap_id)
        if wrap is None:
            raise WrongPassphrase("Forkert brugernavn eller adgangskode.")
        kek = kdf.derive(passphrase, wrap.salt, wrap.kdf_params)
        try:
            data_key = AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped, self._aad(wrap_id))
            if wrap.signing is not None:
                self.unwrapped_signing[wrap_id] = AESGCM(kek).decrypt(
                    wrap.signing.nonce, wrap.signing.wrapped, self._aad(wrap_id + ":signing"))
        except InvalidTag:
            raise WrongPassphrase("Forkert adgangskode. Databasen er ikke ændret.") from None
        if wrap.username and wrap.signing is None:
            # A wrap from before signatures: the user gets a key now, with the KEK already at hand.
            self._wrap_signing(wrap, kek, new_signing_key())
            self.changed = True
        return data_key

    def unwrap_any_user(self, passphrase: str) -> tuple[str, bytes]:
        """Try every user wrap (for a CLI call without a user name); returns (username, key)."""
        for wrap in self.wraps:
            if wrap.username:
                try:
                    return wrap.username, self.unwrap(wrap.wrap_id, passphrase)
                except WrongPassphrase:
                    continue
        raise WrongPassphrase("Forkert adgangskode. Databasen er ikke ændret.")

    # -- file -------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "key_id": self.key_id, "wraps": [
            {"id": w.wrap_id, "kdf": {**w.kdf_params.as_dict(), "salt": _b64(w.salt)}, "nonce": _b64(w.nonce),
             "wrapped": _b64(w.wrapped), "created_at": w.created_at,
             **({"signing": {"nonce": _b64(w.signing.nonce), "wrapped": _b64(w.signing.wrapped),
                             "public_key": w.signing.public_key}} if w.signing else {})} for w in self.wraps]}

    @classmethod
    def from_json(cls, data: Any, source: str) -> "KeyFile":
        bad = InvalidInput(f"Nøglefilen {source} er beskadiget eller har et ukendt format.")
        try:
            if data.get("format") != FORMAT:
                raise bad
            if data.get("version") != VERSION:
                raise InvalidInput(f"Nøglefilen {source} er fra en anden version af Behandlerklient.")
            wraps = []
            for w in data["wraps"]:
                k = w["kdf"]
                if k["name"] != "scrypt":
                    raise bad
                sg = w.get("signing")
                signing = SigningWrap(_unb64(sg["nonce"]), _unb64(sg["wrapped"]), str(sg["public_key"])) if sg else None
                wraps.append(Wrap(w["id"], kdf.ScryptParams(int(k["n"]), int(k["r"]), int(k["p"])),
                                  _unb64(k["salt"]), _unb64(w["nonce"]), _unb64(w["wrapped"]), w["created_at"],
                                  signing))
            return cls(key_id=str(data["key_id"]), wraps=wraps)
        except KnownError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError):
            raise bad from None

    @classmethod
    def new(cls) -> "KeyFile":
        return cls(key_id=secrets.token_hex(16))

    @classmethod
    def load(cls, path: Path) -> "KeyFile":
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KnownError(f"Nøglefilen mangler ved databasen ({path.name}). Uden den kan databasen ikke låses op; "
                             "gendan den fra en sikkerhedskopi.") from None
        except (OSError, UnicodeDecodeError):
            raise InvalidInput(f"Nøglefilen {path.name} kan ikke læses.") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            raise InvalidInput(f"Nøglefilen {path.name} er beskadiget (ikke gyldig JSON).") from None
        return cls.from_json(data, path.name)

    def save(self, path: Path) -> None:
        """Atomic: a crash leaves either the old or the new file, never half of one."""
        text = json.dumps(self.to_json(), indent=2)
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=str(path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            if os.name == "posix":
                dir_fd = os.open(str(path.parent), os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as exc:
            if os.path.exists(tmp):
                os.unlink(tmp)
            if exc.errno == 28:
                raise StorageFull("Disken er fuld; nøglefilen blev ikke ændret.") from None
            raise StorageUnwritable(f"Nøglefilen kan ikke skrives i {path.parent}.") from None


def new_data_key() -> bytes:
    return secrets.token_bytes(32)


def user_wrap_id(username: str) -> str:
    return f"user:{username}"
