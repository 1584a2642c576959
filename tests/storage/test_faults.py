"""Injected faults: disk full, read-only storage, a second writer, a truncated file. Each gives a clear Danish
message, and nothing saved before is lost or altered."""

import errno
import os

import pytest

from behandlerklient.core.errors import CorruptDatabase, DatabaseLocked, StorageFull, StorageUnwritable
from behandlerklient.exports.pdf_base import write_file
from behandlerklient.security import keyfile as kf
from behandlerklient.services.registration import children
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.database import dbapi2
from tests.conftest import PASSPHRASE, USERNAME


class FaultyConnection:
    """Passes everything to the real connection, except that writes raise the error SQLite would."""

    def __init__(self, real, message: str) -> None:
        self.real, self.message = real, message

    def execute(self, sql, params=()):  # noqa: ANN001, ANN201
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise dbapi2.OperationalError(self.message)
        return self.real.execute(sql, params)

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.real, name)


def _names(ws) -> list[str]:
    return [r.full_name for r in children.search(ws=ws, text="")]


@pytest.mark.parametrize(("message", "error", "fragment"), [
    ("database or disk is full", StorageFull, "Disken er fuld"),
    ("attempt to write a readonly database", StorageUnwritable, "skrivebeskyttet"),
    ("disk I/O error", StorageUnwritable, "fejl ved læsning eller skrivning"),
])
def test_write_faults_are_danish_and_lose_nothing(ws, db_path, message, error, fragment) -> None:
    children.register_child(ws=ws, first_name="Før", last_name="Fejlen", cpr="010316-4002")
    real = ws.db._conn
    ws.db._conn = FaultyConnection(real, message)
    with pytest.raises(error) as info:
        children.register_child(ws=ws, first_name="Under", last_name="Fejlen", cpr="020316-4004")
    assert fragment in info.value.message
    ws.db._conn = real
    assert not ws.db.in_transaction
    ws.close()
    again = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        assert _names(again) == ["Før Fejlen"]
        assert all(c.ok for c in integrity.verify(ws=again))
    finally:
        again.close()


def test_a_second_writer_is_refused_cleanly(ws, db_path) -> None:
    other = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        other.db.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(DatabaseLocked, match="i brug af et andet program"):
            children.register_child(ws=ws, first_name="Vent", last_name="Lidt", cpr="010316-4002")
        other.db.execute("ROLLBACK")
    finally:
        other.close()
    children.register_child(ws=ws, first_name="Vent", last_name="Lidt", cpr="010316-4002")


def test_truncated_database_is_refused_and_left_as_it_was(ws, db_path) -> None:
    for i in range(60):
        children.register_child(ws=ws, first_name="Barn", last_name=f"Nr{i}", cpr=f"{(i % 28) + 1:02d}0316-4{i:03d}")
    ws.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    cut = db_path.read_bytes()
    with pytest.raises(CorruptDatabase, match="beskadiget"):
        ws2 = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
        try:
            integrity.verify(ws=ws2)
            children.search(ws=ws2, text="")
        finally:
            ws2.close()
    assert db_path.read_bytes() == cut


def test_keyfile_write_failures_keep_the_old_keyfile(ws, db_path, monkeypatch) -> None:
    path = kf.keyfile_path(db_path)
    before = path.read_bytes()

    def full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.replace", full)
    from behandlerklient.services.accounts import keys

    with pytest.raises(StorageFull, match="Disken er fuld"):
        keys.change_passphrase(ws=ws, old=PASSPHRASE, new="ny-kode-12345")
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".keys-")]


def test_document_write_into_an_unwritable_folder(tmp_path, monkeypatch) -> None:
    def denied(path, flags, mode=0o777):  # noqa: ANN001, ANN202 - how the folder refuses a new file
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(StorageUnwritable, match="kan ikke skrives"):
        write_file(b"%PDF-1.4", tmp_path / "brev.pdf")
    assert not list(tmp_path.iterdir())

