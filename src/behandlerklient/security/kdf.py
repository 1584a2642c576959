"""Passphrase -> key-encryption key with scrypt (memory-hard); parameters travel with each wrap."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ScryptParams:
    n: int
    r: int = 8
    p: int = 1

    def as_dict(self) -> dict[str, int | str]:
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p}


# About 0.4 s on the 2-core reference machine (performance.md: 2^17 -> 0.49 s): slow enough to make
# guessing expensive, fast enough for an unlock. Tests swap in small parameters through `set_default`.
_default = ScryptParams(n=2**17)
MIN_N = 2**10
MAX_N = 2**22
MAX_MEMORY = 256 * 1024 * 1024  # hashlib's maxmem: scrypt needs 128 * n * r bytes


def default_params() -> ScryptParams:
    return _default


def set_default(params: ScryptParams) -> None:
    global _default
    _default = params


def new_salt() -> bytes:
    return os.urandom(16)


def derive(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    if not MIN_N <= params.n <= MAX_N or params.n & (params.n - 1):
        raise ValueError("scrypt n must be a power of two within limits")
    if params.r < 1 or params.p < 1 or 128 * params.n * params.r > MAX_MEMORY:
        raise ValueError("scrypt r and p must be positive and within the memory limit")
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p,
                          maxmem=MAX_MEMORY + 1024 * 1024, dklen=32)
