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


def remember(key_id: str, username: str, data_key: bytes) -> bool:
    if not available():
        return False
    try:
        keyring.set_password(SERVICE, f"{key_id}:{username}", data_key.hex())
        return True
    except KeyringError:
        return False


def recall(key_id: str, username: str) -> bytes | None:
    if not available():
        return None
    try:
        value = keyring.get_password(SERVICE, f"{key_id}:{username}")
    except KeyringError:
        return None
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == 32 else None


def forget(key_id: str, username: str) -> None:
    if not available():
        return
    try:
        keyring.delete_password(SERVICE, f"{key_id}:{username}")
    except KeyringError:
        pass
