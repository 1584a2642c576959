"""Ed25519 verification of many records at once, off the calling thread (docs/sync.md "Speed, measured").

A pull page holds up to 5,000 signed records. `cryptography`'s verify keeps Python's interpreter lock, so checking
them in threads gains nothing; OpenSSL's EVP interface called by ctypes (the library `cryptography` itself calls)
releases the lock for the duration of each call, so the page's signatures are checked on other cores while the
caller writes the records it has already been told are good. Where libcrypto cannot be loaded, `cryptography`
checks them on the calling thread, with the same verdicts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

NID_ED25519 = 1087
CHUNK = 200  # records per task: small enough that the first verdicts are ready while later ones are checked

Task = tuple[bytes, bytes, bytes]  # (raw public key, signature, message)


def _by_cryptography(key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _libcrypto() -> Any:
    for name in ("libcrypto.so.3", ctypes.util.find_library("crypto")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.EVP_PKEY_new_raw_public_key  # noqa: B018 - OpenSSL 1.1.1 or later
        except (OSError, AttributeError):
            continue
        vp, cp, size = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
        lib.EVP_PKEY_new_raw_public_key.restype = vp
        lib.EVP_PKEY_new_raw_public_key.argtypes = (ctypes.c_int, vp, cp, size)
        lib.EVP_PKEY_free.argtypes = (vp,)
        lib.EVP_MD_CTX_new.restype = vp
        lib.EVP_MD_CTX_free.argtypes = (vp,)
        lib.EVP_DigestVerifyInit.argtypes = (vp, vp, vp, vp, vp)
        lib.EVP_DigestVerify.argtypes = (vp, cp, size, cp, size)
        return lib
    return None


_LIB = _libcrypto()
_POOL: ThreadPoolExecutor | None = None


def _by_openssl(key: bytes, signature: bytes, message: bytes) -> bool:
    if len(key) != 32 or len(signature) != 64:
        return False
    pkey = _LIB.EVP_PKEY_new_raw_public_key(NID_ED25519, None, key, len(key))
    if not pkey:
        return False
    ctx = _LIB.EVP_MD_CTX_new()
    try:
        return (bool(ctx) and _LIB.EVP_DigestVerifyInit(ctx, None, None, None, pkey) == 1
                and _LIB.EVP_DigestVerify(ctx, signature, len(signature), message, len(message)) == 1)
    finally:
        if ctx:
            _LIB.EVP_MD_CTX_free(ctx)
        _LIB.EVP_PKEY_free(pkey)


verify: Callable[[bytes, bytes, bytes], bool] = _by_openssl if _LIB is not None else _by_cryptography


def _chunk(tasks: Sequence[Task]) -> list[bool]:
    return [verify(key, signature, message) for key, signature, message in tasks]


def start(tasks: Sequence[Task]) -> list[Future[list[bool]]]:
    """The verdicts of `tasks` in order, CHUNK at a time, each chunk a future (already done without libcrypto)."""
    global _POOL
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    if _LIB is None:
        futures: list[Future[list[bool]]] = []
        for chunk in chunks:
            done: Future[list[bool]] = Future()
            done.set_result(_chunk(chunk))
            futures.append(done)
        return futures
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=max(1, min(4, (os.cpu_count() or 2) - 1)),
                                   thread_name_prefix="ed25519")
    return [_POOL.submit(_chunk, chunk) for chunk in chunks]
