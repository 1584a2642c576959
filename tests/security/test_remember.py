from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from behandlerklient.security import remember


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    old = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(old)


@pytest.fixture
def no_keyring():
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


def test_remember_and_recall_with_a_real_backend(memory_keyring: MemoryKeyring) -> None:
    key = bytes(range(32))
    assert remember.available()
    assert remember.remember("kid", "anna", key)
    assert remember.recall("kid", "anna") == key
    remember.forget("kid", "anna")
    assert remember.recall("kid", "anna") is None


def test_a_remembered_session_keeps_the_users_signing_key_too(memory_keyring: MemoryKeyring) -> None:
    key, signing = bytes(range(32)), bytes(range(32, 64))
    assert remember.remember("kid", "anna", key, signing)
    assert remember.recall("kid", "anna") == key and remember.recall_signing("kid", "anna") == signing
    assert remember.remember("kid", "bo", key) and remember.recall_signing("kid", "bo") is None


def test_without_a_backend_nothing_is_kept_anywhere(no_keyring, tmp_path: Path) -> None:
    assert not remember.available()
    assert remember.remember("kid", "anna", bytes(32)) is False
    assert remember.recall("kid", "anna") is None
    assert "nøglering" in remember.UNAVAILABLE_MESSAGE
