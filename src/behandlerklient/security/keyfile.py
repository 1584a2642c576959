"""The key file beside the database: the random data key wrapped once per user (and recovery key).

It holds no patient data: user names, KDF parameters, salts, public keys and AES-GCM ciphertexts.
Each wrap (version 2) is a key pair: the X25519 private key sealed with the passphrase-derived key, and
the data key sealed to the public key. So an administrator can seal a *new* data key for every remaining
user without knowing their passphrases (key rotation, docs/keys.md). Version 1 wraps (the data key
sealed directly with the passphrase-derived key) still open; they cannot be carried over a rotation.

A user's wrap also holds that user's Ed25519 signing key (docs/signatures.md), encrypted with the same
passphrase-derived key, so unlocking or confirming a passphrase unwraps both for one KDF run. Its AAD names
the wrap, not the data key, so the signing key survives a rotation unchanged.
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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from behandlerklient.core.errors import InvalidInput, KnownError, StorageFull, StorageUnwritable, WrongPassphrase
from behandlerklient.security import kdf

FORMAT = "behandlerklient-keys"
VERSION = 2
READABLE_VERSIONS = (1, 2)
NEXT_SUFFIX = ".next"  # a rotation's new key file, until it replaces the old one (see promote_pending)
# Bounds on what a key file may ask of scrypt: a crafted file must not make unlock allocate gigabytes
# (n=2^40) or crash the KDF (r=0); real wraps use n=2^17, r=8, p=1 (tests n=2^10).
MAX_R, MAX_P = 32, 16


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
    # Version 2: `wrapped` is the X25519 private key; the data key is sealed to `public` (ephemeral key `epk`).
    public: bytes | None = None
    epk: bytes | None = None
    dk_nonce: bytes | None = None
    dk: bytes | None = None
    signing: SigningWrap | None = None

    @property
    def username(self) -> str | None:
        return self.wrap_id.split(":", 1)[1] if self.wrap_id.startswith("user:") else None


@dataclass
class KeyFile:
    key_id: str  # random, names this installation's data key (also the keyring entry)
    wraps: list[Wrap] = field(default_factory=list)
    # Set only in a rotation's pending file: the first 16 bytes (SQLCipher's salt) of the database it opens.
    db_salt: bytes | None = None
    # Signing keys unwrapped in this process (wrap id -> raw private key), kept as long as this object:
    # the unlocked workspace holds it, so signing needs no second KDF run.
    unwrapped_signing: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    # True after an unwrap gave an old wrap its first signing key: the caller saves the file.
    changed: bool = field(default=False, repr=False, compare=False)

    # -- wrapping ---------------------------------------------------------------------------
    def _aad(self, wrap_id: str) -> bytes:
        return f"{FORMAT}:{self.key_id}:{wrap_id}".encode()

    @staticmethod
    def _private_aad(wrap_id: str) -> bytes:
        # Bound to the wrap's id only, so the sealed private key survives a rotation's new key_id.
        return f"{FORMAT}:private:{wrap_id}".encode()

    @staticmethod
    def _signing_aad(wrap_id: str) -> bytes:
        return f"{FORMAT}:signing:{wrap_id}".encode()

    def add_wrap(self, wrap_id: str, passphrase: str, data_key: bytes,
                 params: kdf.ScryptParams | None = None, signing_key: bytes | None = None) -> None:
        """A new key pair for this wrap id, its private key sealed with the passphrase, the data key sealed to it.
        A user's wrap keeps the signing key unwrapped earlier in this process (a passphrase change), or
        `signing_key`, or gets a new one (a new user)."""
        params = params or kdf.default_params()
        salt, nonce = kdf.new_salt(), os.urandom(12)
        kek = kdf.derive(passphrase, salt, params)
        private = X25519PrivateKey.generate()
        private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        wrapped = AESGCM(kek).encrypt(nonce, private_raw, self._private_aad(wrap_id))
        wrap = Wrap(wrap_id, params, salt, nonce, wrapped, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    public=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
        self._seal_data_key(wrap, data_key)
        if wrap.username:
            self._wrap_signing(wrap, kek, signing_key or self.unwrapped_signing.get(wrap_id) or new_signing_key())
        self.wraps = [w for w in self.wraps if w.wrap_id != wrap_id]
        self.wraps.append(wrap)

    def _wrap_signing(self, wrap: Wrap, kek: bytes, private: bytes) -> None:
        nonce = os.urandom(12)
        wrap.signing = SigningWrap(nonce, AESGCM(kek).encrypt(nonce, private, self._signing_aad(wrap.wrap_id)),
                                   public_key_of(private))
        self.unwrapped_signing[wrap.wrap_id] = private

    def remember_signing_key(self, username: str, private: bytes | None) -> None:
        """A signing key recalled from the OS keyring (with a remembered data key)."""
        if private is not None:
            self.unwrapped_signing[user_wrap_id(username)] = private

    def signing_key(self, username: str) -> bytes | None:
        """The user's private signing key if their passphrase was typed in this process."""
        return self.unwrapped_signing.get(user_wrap_id(username))

    def _seal_data_key(self, wrap: Wrap, data_key: bytes) -> None:
        assert wrap.public is not None
        ephemeral = X25519PrivateKey.generate()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(wrap.public))
        wrap.epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        wrap.dk_nonce = os.urandom(12)
        wrap.dk = AESGCM(_sealing_key(shared, wrap.epk, wrap.public)).encrypt(wrap.dk_nonce, data_key,
                                                                              self._aad(wrap.wrap_id))

    def rekeyed(self, new_data_key: bytes) -> tuple["KeyFile", list[str]]:
        """A new key file (new key_id) with `new_data_key` sealed for every version-2 wrap, no passphrase
        needed. Returns it and the ids of version-1 wraps that could not be carried over (left out)."""
        fresh = KeyFile(key_id=secrets.token_hex(16), unwrapped_signing=dict(self.unwrapped_signing))
        dropped = []
        for w in self.wraps:
            if w.public is None:
                dropped.append(w.wrap_id)
                continue
            copy = Wrap(w.wrap_id, w.kdf_params, w.salt, w.nonce, w.wrapped, w.created_at, public=w.public,
                        signing=w.signing)
            fresh._seal_data_key(copy, new_data_key)
            fresh.wraps.append(copy)
        return fresh, dropped

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
        data_key = self._data_key(wrap, kek)
        try:
            if wrap.signing is not None:
                self.unwrapped_signing[wrap_id] = AESGCM(kek).decrypt(
                    wrap.signing.nonce, wrap.signing.wrapped, self._signing_aad(wrap_id))
        except InvalidTag:
            raise InvalidInput("Nøglefilen er beskadiget: din underskriftsnøgle kan ikke åbnes.") from None
        if wrap.username and wrap.signing is None:
            # A wrap from before signatures: the user gets a key now, with the KEK already at hand.
            self._wrap_signing(wrap, kek, new_signing_key())
            self.changed = True
        return data_key

    def _data_key(self, wrap: Wrap, kek: bytes) -> bytes:
        wrap_id = wrap.wrap_id
        try:
            if wrap.public is None:  # version 1: the data key itself
                return AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped, self._aad(wrap_id))
            private_raw = AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped, self._private_aad(wrap_id))
        except InvalidTag:
            raise WrongPassphrase("Forkert adgangskode. Databasen er ikke ændret.") from None
        try:
            private = X25519PrivateKey.from_private_bytes(private_raw)
            if private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) != wrap.public:
                raise InvalidTag
            assert wrap.epk is not None and wrap.dk_nonce is not None and wrap.dk is not None
            shared = private.exchange(X25519PublicKey.from_public_bytes(wrap.epk))
            return AESGCM(_sealing_key(shared, wrap.epk, wrap.public)).decrypt(wrap.dk_nonce, wrap.dk,
                                                                               self._aad(wrap_id))
        except (InvalidTag, ValueError):
            # The passphrase was right but the sealed data key is not this file's: tampered or mixed files.
            raise InvalidInput("Nøglefilen er beskadiget: din nøgle passer ikke til databasens nøgle.") from None

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
        out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "key_id": self.key_id, "wraps": [
            _wrap_json(w) for w in self.wraps]}
        if self.db_salt is not None:
            out["db_salt"] = _b64(self.db_salt)
        return out

    @classmethod
    def from_json(cls, data: Any, source: str) -> "KeyFile":
        bad = InvalidInput(f"Nøglefilen {source} er beskadiget eller har et ukendt format.")
        try:
            if data.get("format") != FORMAT:
                raise bad
            if data.get("version") not in READABLE_VERSIONS:
                raise InvalidInput(f"Nøglefilen {source} er fra en anden version af Behandlerklient.")
            wraps = [_wrap_from_json(w, source) for w in data["wraps"]]
            db_salt = _unb64(data["db_salt"]) if "db_salt" in data else None
            return cls(key_id=str(data["key_id"]), wraps=wraps, db_salt=db_salt)
        except KnownError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise bad from None

    @classmethod
    def new(cls) -> "KeyFile":
        return cls(key_id=secrets.token_hex(16))

    @classmethod
    def load(cls, path: Path) -> "KeyFile":
        promote_pending(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KnownError(f"Nøglefilen mangler ved databasen ({path.name}). Uden den kan databasen ikke låses op; "
                             "gendan den fra en sikkerhedskopi.") from None
        except (OSError, UnicodeDecodeError):
            raise InvalidInput(f"Nøglefilen {path.name} kan ikke læses.") from None
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            raise InvalidInput(f"Nøglefilen {path.name} er beskadiget (ikke gyldig JSON).") from None
        return cls.from_json(data, path.name)

    def save(self, path: Path) -> None:
        """Atomic: a crash leaves either the old or the new file, never half of one."""
        text = json.dumps(self.to_json(), indent=2)
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=str(path.parent))
        if os.name == "posix":
            os.fchmod(fd, 0o600)
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



def _sealing_key(shared: bytes, epk: bytes, public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"behandlerklient-keys:data-key:" + epk + public).derive(shared)


def _wrap_json(w: Wrap) -> dict[str, Any]:
    out: dict[str, Any] = {"id": w.wrap_id, "kdf": {**w.kdf_params.as_dict(), "salt": _b64(w.salt)},
                           "nonce": _b64(w.nonce), "wrapped": _b64(w.wrapped), "created_at": w.created_at}
    if w.public is not None:
        assert w.epk is not None and w.dk_nonce is not None and w.dk is not None
        out.update(public=_b64(w.public), epk=_b64(w.epk), dk_nonce=_b64(w.dk_nonce), dk=_b64(w.dk))
    if w.signing is not None:
        out["signing"] = {"nonce": _b64(w.signing.nonce), "wrapped": _b64(w.signing.wrapped),
                          "public_key": w.signing.public_key}
    return out


def _check_params(k: dict[str, Any], source: str) -> kdf.ScryptParams:
    values = [k["n"], k["r"], k["p"]]
    if k["name"] != "scrypt" or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise InvalidInput(f"Nøglefilen {source} er beskadiget eller har et ukendt format.")
    n, r, p = values
    if not (kdf.MIN_N <= n <= kdf.MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P
            and 128 * n * r <= kdf.MAX_MEMORY):
        raise InvalidInput(f"Nøglefilen {source} har ugyldige nøgleparametre (scrypt n={n}, r={r}, p={p}); "
                           "den er beskadiget eller ændret.")
    return kdf.ScryptParams(n, r, p)


def _wrap_from_json(w: dict[str, Any], source: str) -> Wrap:
    bad = InvalidInput(f"Nøglefilen {source} er beskadiget eller har et ukendt format.")
    if not isinstance(w.get("id"), str) or not isinstance(w.get("created_at"), str):
        raise bad
    k = w["kdf"]
    wrap = Wrap(w["id"], _check_params(k, source), _unb64(k["salt"]), _unb64(w["nonce"]), _unb64(w["wrapped"]),
                w["created_at"])
    if len(wrap.salt) != 16 or len(wrap.nonce) != 12:
        raise bad
    if "public" in w:
        wrap.public, wrap.epk = _unb64(w["public"]), _unb64(w["epk"])
        wrap.dk_nonce, wrap.dk = _unb64(w["dk_nonce"]), _unb64(w["dk"])
        if len(wrap.public) != 32 or len(wrap.epk) != 32 or len(wrap.dk_nonce) != 12 or len(wrap.wrapped) != 48:
            raise bad
    elif len(wrap.wrapped) != 48:
        raise bad
    sg = w.get("signing")
    if sg is not None:
        wrap.signing = SigningWrap(_unb64(sg["nonce"]), _unb64(sg["wrapped"]), str(sg["public_key"]))
        if len(wrap.signing.nonce) != 12 or len(wrap.signing.wrapped) != 48:
            raise bad
    return wrap


def pending_path(keys_path: Path) -> Path:
    return Path(str(keys_path) + NEXT_SUFFIX)


def database_salt(db_path: Path) -> bytes | None:
    """SQLCipher's per-file salt (the first 16 bytes): it changes with every re-encrypted copy."""
    try:
        with open(db_path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    return head if len(head) == 16 else None


def promote_pending(keys_path: Path) -> None:
    """Finish a rotation that stopped between swapping the database and swapping its key file: a pending
    key file made for the database now in place replaces the old key file; one made for another file is
    a rotation that never swapped, and is left for the next rotation to remove."""
    pending = pending_path(keys_path)
    if not pending.exists() or not str(keys_path).endswith(".keys.json"):
        return
    db_path = Path(str(keys_path)[: -len(".keys.json")])
    try:
        data = json.loads(pending.read_text(encoding="utf-8"))
        salt = _unb64(data["db_salt"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return
    if salt == database_salt(db_path):
        os.replace(pending, keys_path)
