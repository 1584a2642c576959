"""Checking many Ed25519 signatures (a pull's records): libsodium through ctypes where the library is installed,
`cryptography` otherwise (the bundled app may not carry libsodium; a Debian laptop has libsodium23).

Why libsodium: its check costs about half of `cryptography`'s here (76 against 138 us), and ctypes lets go of the
interpreter lock for the call, so the pull's worker thread checks one page while the main thread writes another.

The verdicts are `cryptography`'s, exactly. libsodium accepts a subset of what OpenSSL (under `cryptography`)
accepts: both check S < L and compare the encoding of [S]B - [k]A with R, and libsodium also refuses small-order
keys and R values and non-canonical keys, which no honest signer produces. So a signature libsodium accepts is
accepted, and one it refuses is checked again by `cryptography`, whose verdict stands (a refusal is rare: a
forged or damaged record)."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEY_BYTES, SIGNATURE_BYTES = 32, 64
# Debian's libsodium23 (also Ubuntu's), then the names of the other platforms' builds.
_LIBRARIES = ("libsodium.so.23", "libsodium.so.26", "libsodium.dylib", "libsodium.dll")

Verify = Callable[[bytes, bytes], bool]  # (signature, message) -> the signature holds


@functools.cache
def _sodium() -> Callable[[bytes, bytes, int, bytes], int] | None:
    """libsodium's crypto_sign_ed25519_verify_detached, or None where the library is not found."""
    for name in _LIBRARIES:
        try:
            lib = ctypes.CDLL(name)
            if lib.sodium_init() < 0:
                continue
            check = lib.crypto_sign_ed25519_verify_detached
        except (OSError, AttributeError):
            continue
        check.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p)
        check.restype = ctypes.c_int
        return check
    return None


def backend() -> str:
    """'libsodium' or 'cryptography': which library checks first."""
    return "libsodium" if _sodium() is not None else "cryptography"


def _refuse(signature: bytes, message: bytes) -> bool:
    return False


@functools.lru_cache(maxsize=256)
def verifier(public_key: bytes, *, sodium: bool = True) -> Verify:
    """verify(signature, message) for one raw Ed25519 public key (made once per key: a pull checks every record
    against one of a few). A key that is no Ed25519 key verifies nothing. sodium=False: `cryptography` alone."""
    try:
        public = Ed25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        return _refuse

    def slow(signature: bytes, message: bytes) -> bool:
        try:
            public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    check = _sodium() if sodium else None
    if check is None:
        return slow
    key = bytes(public_key)

    def fast(signature: bytes, message: bytes) -> bool:
        # libsodium reads exactly 64 bytes of signature: a shorter one must not reach it (and is refused anyway).
        if len(signature) != SIGNATURE_BYTES:
            return False
        return check(signature, message, len(message), key) == 0 or slow(signature, message)

    return fast
