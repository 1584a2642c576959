"""A file only one recipient can read: X25519 key agreement with a fresh key per file, HKDF-SHA256, AES-256-GCM
(docs/monitoring.md, "The encrypted file"). The recipient makes the key pair with OpenSSL and gives us the public
half; nothing here can decrypt without the private half, which never comes near this program."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"BKMON1\n\0"  # 8 bytes: format and version
INFO = b"behandlerklient monitoring file v1"
_HEAD = len(MAGIC) + 32 + 32 + 12


class RecipientKeyError(ValueError):
    """The recipient's key is not an X25519 key in a form we read (Danish message)."""


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_public_key(data: bytes) -> X25519PublicKey:
    """A PEM public key (`openssl pkey -pubout`) or the raw 32-byte key in base64."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(text)
        else:
            key = X25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError:
        key = None
    if not isinstance(key, X25519PublicKey):
        raise RecipientKeyError("Modtagerens nøgle er ikke en offentlig X25519-nøgle (PEM fra "
                                "'openssl pkey -pubout' eller 32 byte i base64).")
    return key


def fingerprint(public: X25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: what the audit log and the file name the recipient by."""
    return hashlib.sha256(_raw(public)).hexdigest()


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO).derive(shared)


def seal(plaintext: bytes, recipient: X25519PublicKey) -> bytes:
    """MAGIC | ephemeral public key (32) | SHA-256 of the recipient key (32) | nonce (12) | AES-GCM ciphertext+tag;
    everything before the ciphertext is authenticated as associated data."""
    ephemeral = X25519PrivateKey.generate()
    eph_raw, rec_raw = _raw(ephemeral.public_key()), _raw(recipient)
    key = _key(ephemeral.exchange(recipient), eph_raw, rec_raw)
    nonce = os.urandom(12)
    head = MAGIC + eph_raw + hashlib.sha256(rec_raw).digest() + nonce
    return head + AESGCM(key).encrypt(nonce, plaintext, head)


def open_sealed(data: bytes, private: X25519PrivateKey) -> bytes:
    """The recipient's side (and the tests'): raises ValueError when the file is not for this key or was changed."""
    if len(data) < _HEAD + 16 or not data.startswith(MAGIC):
        raise ValueError("Ikke en krypteret monitoreringsfil.")
    eph_raw = data[len(MAGIC):len(MAGIC) + 32]
    rec_hash = data[len(MAGIC) + 32:len(MAGIC) + 64]
    nonce = data[len(MAGIC) + 64:_HEAD]
    rec_raw = _raw(private.public_key())
    if hashlib.sha256(rec_raw).digest() != rec_hash:
        raise ValueError("Filen er krypteret til en anden modtagers nøgle.")
    key = _key(private.exchange(X25519PublicKey.from_public_bytes(eph_raw)), eph_raw, rec_raw)
    try:
        return AESGCM(key).decrypt(nonce, data[_HEAD:], data[:_HEAD])
    except InvalidTag:
        raise ValueError("Filen kan ikke dekrypteres med denne nøgle (forkert nøgle eller ændret fil).") from None
