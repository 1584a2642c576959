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


def _stored_with(tmp_path: Path, **kdf_values) -> Path:
    keys, _ = _keys()
    data = keys.to_json()
    data["wraps"][0]["kdf"].update(kdf_values)
    path = tmp_path / "x.db.keys.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("kdf_values", [{"n": 2**40}, {"r": 0}, {"p": 0}, {"n": 2**22, "r": 8}, {"n": 3},
                                        {"r": 10**6}, {"p": 10**9}, {"n": "1024"}, {"r": True}, {"n": 2**10.5}])
def test_out_of_range_kdf_settings_are_refused_on_load(tmp_path: Path, kdf_values) -> None:
    # A crafted key file must not make unlock allocate gigabytes or crash scrypt with an internal error.
    with pytest.raises(InvalidInput, match="Nøglefilen"):
        kf.KeyFile.load(_stored_with(tmp_path, **kdf_values))


def test_cli_with_a_crafted_key_file_is_exit_4_not_an_internal_error(tmp_path: Path, capsys, monkeypatch) -> None:
    from behandlerklient.cli import main

    path = _stored_with(tmp_path, n=2**40)
    (tmp_path / "x.db").write_bytes(b"\0" * 4096)
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "første-kode-1")
    assert main(["verify", "--db", str(tmp_path / "x.db")]) == 4
    err = capsys.readouterr().err
    assert "intern fejl" not in err and err.count("\n") == 1 and path.name in err


def test_rekeyed_file_seals_a_new_key_for_every_user_without_their_passphrases() -> None:
    keys, old_key = _keys()
    keys.add_wrap("user:bo", "bos-kode-123", old_key, FAST)
    new_key = kf.new_data_key()
    fresh, dropped = keys.rekeyed(new_key)
    assert dropped == [] and fresh.key_id != keys.key_id
    assert fresh.unwrap("user:anna", "første-kode-1") == new_key
    assert fresh.unwrap("user:bo", "bos-kode-123") == new_key
    assert old_key.hex() not in json.dumps(fresh.to_json()) and new_key.hex() not in json.dumps(fresh.to_json())


def test_version_1_wraps_still_open_but_are_not_carried_over_a_rotation() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    keys, data_key = _keys()
    salt, nonce = kdf.new_salt(), b"\1" * 12
    sealed = AESGCM(kdf.derive("gammel-kode-1", salt, FAST)).encrypt(nonce, data_key,
                                                                       f"{kf.FORMAT}:{keys.key_id}:user:old".encode())
    keys.wraps.append(kf.Wrap("user:old", FAST, salt, nonce, sealed, "2026-01-01T00:00:00+00:00"))
    loaded = kf.KeyFile.from_json({**keys.to_json(), "version": 1}, "x")
    assert loaded.unwrap("user:old", "gammel-kode-1") == data_key
    _, dropped = loaded.rekeyed(kf.new_data_key())
    assert dropped == ["user:old"]
