from pathlib import Path

import pytest

from behandlerklient.core.errors import DatabaseTooNew, InvalidInput, KnownError, WrongPassphrase
from behandlerklient.security import keyfile as kf
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME


def _snapshot(db_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}


def test_unlock_as_the_user(db_path: Path) -> None:
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        assert ws.user.username == USERNAME and ws.user.full_name == "Anna Åberg"
    finally:
        ws.close()


def test_unlock_without_user_name_tries_every_user(db_path: Path) -> None:
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    try:
        assert ws.user.username == USERNAME
    finally:
        ws.close()


def test_wrong_passphrase_leaves_every_file_byte_for_byte_untouched(db_path: Path) -> None:
    before = _snapshot(db_path)
    with pytest.raises(WrongPassphrase) as info:
        workspace.unlock(path=db_path, passphrase="forkert-forkert", username=USERNAME)
    assert "Forkert adgangskode" in info.value.message
    assert _snapshot(db_path) == before


def test_unknown_user_is_refused(db_path: Path) -> None:
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=db_path, passphrase=PASSPHRASE, username="ukendt")


def test_create_refuses_short_passphrase_and_existing_file(tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(InvalidInput, match="mindst 8"):
        workspace.create(path=tmp_path / "ny.db", username="bo", full_name="Bo", passphrase="kort")
    assert not (tmp_path / "ny.db").exists()
    with pytest.raises(KnownError, match="findes allerede"):
        workspace.create(path=db_path, username="bo", full_name="Bo", passphrase="lang-nok-kode")


def test_database_newer_than_the_program_is_refused_unchanged(ws, db_path: Path) -> None:
    ws.db.execute("PRAGMA user_version = 99")
    ws.close()
    before = _snapshot(db_path)
    with pytest.raises(DatabaseTooNew, match="nyere version"):
        workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    assert _snapshot(db_path) == before


def test_missing_database(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="findes ikke"):
        workspace.unlock(path=tmp_path / "ingen.db", passphrase=PASSPHRASE)


def test_keyfile_belongs_to_its_database(tmp_path: Path, db_path: Path) -> None:
    other = workspace.create(path=tmp_path / "anden.db", username=USERNAME, full_name="X", passphrase=PASSPHRASE)
    other.close()
    # Put the other installation's key file beside our database: the key opens nothing.
    kf.keyfile_path(db_path).write_bytes(kf.keyfile_path(tmp_path / "anden.db").read_bytes())
    with pytest.raises(KnownError, match="hører ikke til"):
        workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
