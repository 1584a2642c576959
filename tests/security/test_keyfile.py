import json
from pathlib import Path

import pytest

from behandlerklient.core.errors import InvalidInput, KnownError, WrongPassphrase
from behandlerklient.security import kdf
from behandlerklient.security import keyfile as kf

FAST = kdf.ScryptParams(n=2**10)


def _keys() -> tuple[kf.KeyFile, bytes]:
    keys = kf.KeyFile.new()
    data_key = kf.new_data_key()
    keys.add_wrap("user:anna", "første-kode-1", data_key, FAST)
    return keys, data_key


def test_wrap_and_unwrap() -> None:
    keys, data_key = _keys()
    assert keys.unwrap("user:anna", "første-kode-1") == data_key


def test_wrong_passphrase_is_a_clear_error() -> None:
    keys, _ = _keys()
    with pytest.raises(WrongPassphrase, match="Forkert adgangskode"):
        keys.unwrap("user:anna", "forkert-kode")


def test_second_user_and_recovery_wrap_the_same_key() -> None:
    keys, data_key = _keys()
    keys.add_wrap("user:bo", "bos-kode-123", data_key, FAST)
    keys.add_wrap("recovery", "GENDANNELSE-ABCD-1234", data_key, FAST)
    assert keys.unwrap("user:bo", "bos-kode-123") == data_key
    assert keys.unwrap("recovery", "GENDANNELSE-ABCD-1234") == data_key
    assert keys.usernames() == ["anna", "bo"]
    assert keys.unwrap_any_user("bos-kode-123") == ("bo", data_key)


def test_changing_a_passphrase_rewraps_without_a_new_key() -> None:
    keys, data_key = _keys()
    keys.add_wrap("user:anna", "ny-kode-4567", data_key, FAST)
    assert keys.unwrap("user:anna", "ny-kode-4567") == data_key
    with pytest.raises(WrongPassphrase):
        keys.unwrap("user:anna", "første-kode-1")


def test_a_wrap_cannot_be_moved_to_another_user() -> None:
    # The user's wrap id is authenticated data: copying anna's wrap under bo's name does not unlock.
    keys, _ = _keys()
    wrap = keys.find("user:anna")
    keys.wraps.append(kf.Wrap("user:bo", wrap.kdf_params, wrap.salt, wrap.nonce, wrap.wrapped, wrap.created_at))
    with pytest.raises(WrongPassphrase):
        keys.unwrap("user:bo", "første-kode-1")


def test_kdf_parameters_travel_with_the_wrap(tmp_path: Path) -> None:
    keys, data_key = _keys()
    path = tmp_path / "x.db.keys.json"
    keys.save(path)
    stored = json.loads(path.read_text())
    assert stored["wraps"][0]["kdf"]["n"] == FAST.n and stored["wraps"][0]["kdf"]["name"] == "scrypt"
    loaded = kf.KeyFile.load(path)
    assert loaded.unwrap("user:anna", "første-kode-1") == data_key
    assert data_key.hex() not in path.read_text()


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": "andet"}',
                                     '{"format": "behandlerklient-keys", "version": 1, "key_id": "x", "wraps": [{}]}'])
def test_damaged_keyfile_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.db.keys.json"
    path.write_text(content)
    with pytest.raises(InvalidInput, match="Nøglefilen"):
        kf.KeyFile.load(path)


def test_missing_keyfile_says_so(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="mangler"):
        kf.KeyFile.load(tmp_path / "none.keys.json")


def test_last_user_cannot_be_removed() -> None:
    keys, _ = _keys()
    with pytest.raises(KnownError):
        keys.remove_wrap("user:anna")


def test_default_kdf_costs_a_real_effort() -> None:
    # The production default must be memory-hard enough (>= 2^16); tests use a fast one explicitly.
    assert kdf.ScryptParams(n=2**17).n >= 2**16
    with pytest.raises(ValueError):
        kdf.derive("x", b"salt", kdf.ScryptParams(n=1000))
