"""The fingerprint of a signing public key, as a person reads it aloud: the laptop prints it when it writes the key
for the server's administrator, and the server's `staff add` prints it again, so the two can be compared by phone."""

from __future__ import annotations

import hashlib


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw 32-byte Ed25519 public key, hex in groups of four (the server's admin log holds the same
    hex without the spaces, as pubkey_sha256)."""
    return grouped(hashlib.sha256(public_raw).hexdigest())


def grouped(digest: str) -> str:
    """A hex digest in groups of four, as `fingerprint` prints it."""
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
