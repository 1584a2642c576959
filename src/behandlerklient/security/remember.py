"""'Remember on this computer': the data key in the OS credential store, never in a plaintext file."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "Behandlerklient"


def available() -> bool:
    """True where a real backend exists; headless Linux has only the 'fail' backend."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring setup counts as none
        return False
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__
    return priority > 0 and "fail" not in name and "null" not in name


UNAVAILABLE_MESSAGE = ("Denne computer har ingen nøglering (styresystemets adgangskodelager), så "
                       "databasen kan ikke huskes. Du skal skrive adgangskoden hver gang.")


def remember(key_id: str, username: str, data_key: bytes, signing_key: bytes | None = None) -> bool:
    """The user's signing key travels with the data key, so a remembered session still signs what the user
    writes (docs/signatures.md); it is protected exactly as the data key is."""
    if not available():
        return False
    try:
        keyring.set_password(SERVICE, f"{key_id}:{username}",
                             data_key.hex() + (f":{signing_key.hex()}" if signing_key else ""))
        return True
    except KeyringError:
        return False


def _recalled(key_id: str, username: str) -> list[bytes] | None:
    if not available():
        return None
    try:
        value = keyring.get_password(SERVICE, f"{key_id}:{username}")
    except KeyringError:
        return None
    if not value:
        return None
    try:
        keys = [bytes.fromhex(part) for part in value.split(":")]
    except ValueError:
        return None
    return keys if all(len(k) == 32 for k in keys) and len(keys) <= 2 else None


def recall(key_id: str, username: str) -> bytes | None:
    keys = _recalled(key_id, username)
    return keys[0] if keys else None


def recall_signing(key_id: str, username: str) -> bytes | None:
    keys = _recalled(key_id, username)
    return keys[1] if keys and len(keys) == 2 else None


def forget(key_id: str, username: str) -> None:
    if not available():
        return
    try:
        keyring.delete_password(SERVICE, f"{key_id}:{username}")
    except KeyringError:
        pass
