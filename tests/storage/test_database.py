import os
from pathlib import Path

import pytest

from behandlerklient.core.errors import CorruptDatabase, KnownError
from behandlerklient.storage.database import Database, translate_error
from behandlerklient.storage.migrate import migrate

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))


@pytest.fixture
def db(tmp_path: Path):
    d = Database.open(tmp_path / "t.db", KEY, create=True)
    migrate(d)
    yield d
    d.close()


def test_pragmas_are_set(db: Database) -> None:
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.cipher_version().startswith("4.")


def test_file_is_private(db: Database) -> None:
    if os.name == "posix":
        assert (db.path.stat().st_mode & 0o777) == 0o600


def test_wrong_key_is_a_known_error_and_leaves_the_file_untouched(tmp_path: Path, db: Database) -> None:
    db.close()
    before = db.path.read_bytes()
    with pytest.raises(CorruptDatabase):
        Database.open(db.path, OTHER)
    assert db.path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 100, os.urandom(8192)])
def test_foreign_or_truncated_files_are_refused_cleanly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fremmed.db"
    path.write_bytes(content)
    with pytest.raises(CorruptDatabase) as info:
        Database.open(path, KEY)
    # An empty file would be a new, blank database to SQLite: refused instead of silently started afresh.
    assert ("tom (0 byte)" if not content else "ikke en Behandlerklient-database") in info.value.message
    assert path.read_bytes() == content


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="findes ikke"):
        Database.open(tmp_path / "mangler.db", KEY)
    assert not (tmp_path / "mangler.db").exists()


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.insert("gps", {"clinic_name": "Lægehuset"})
            raise RuntimeError("boom")
    assert db.scalar("SELECT count(*) FROM gps") == 0


def test_nested_transaction_is_a_savepoint(db: Database) -> None:
    with db.transaction():
        db.insert("gps", {"clinic_name": "Ydre"})
        with pytest.raises(ValueError):
            with db.transaction():
                db.insert("gps", {"clinic_name": "Indre"})
                raise ValueError
        assert db.in_transaction
    assert [r[0] for r in db.query("SELECT clinic_name FROM gps")] == ["Ydre"]


def test_a_bulk_transaction_keeps_nothing_when_a_caught_step_failed(db: Database) -> None:
    # Without savepoints a caught failure would leave half a record behind: the whole bulk is refused instead.
    with pytest.raises(RuntimeError, match="bulk"):
        with db.transaction(bulk=True):
            db.insert("gps", {"clinic_name": "Ydre"})
            with pytest.raises(ValueError):
                with db.transaction():
                    db.insert("gps", {"clinic_name": "Indre"})
                    raise ValueError
    assert db.scalar("SELECT count(*) FROM gps") == 0 and not db.in_transaction


def test_a_flat_transaction_opens_no_savepoint_and_defers_nothing(db: Database) -> None:
    # An import's transaction: its nested steps join it (no savepoint: SQLite's sub-journal cost grew with the
    # import), write at once (not deferred like a bulk build's), and a caught failure keeps nothing.
    statements: list[str] = []
    db._conn.set_trace_callback(statements.append)
    try:
        with db.transaction(flat=True), db.transaction():
            db.insert("gps", {"clinic_name": "Ydre"})
            assert not db.bulk and db.scalar("SELECT count(*) FROM gps") == 1
    finally:
        db._conn.set_trace_callback(None)
    assert not any(s.upper().startswith(("SAVEPOINT", "RELEASE")) for s in statements), statements
    assert db.scalar("SELECT count(*) FROM gps") == 1
    with pytest.raises(RuntimeError, match="flat"), db.transaction(flat=True):
        db.insert("gps", {"clinic_name": "Indre"})
        with pytest.raises(ValueError), db.transaction():
            db.insert("gps", {"clinic_name": "Midt"})
            raise ValueError
    assert db.scalar("SELECT count(*) FROM gps") == 1 and not db.in_transaction
    statements.clear()
    db._conn.set_trace_callback(statements.append)
    try:
        with db.transaction(), db.transaction():  # the next transaction nests with a savepoint again
            db.insert("gps", {"clinic_name": "Nord"})
    finally:
        db._conn.set_trace_callback(None)
    assert db.scalar("SELECT count(*) FROM gps") == 2 and any(s.startswith("SAVEPOINT") for s in statements)


class _Deferred:
    def __init__(self, db: Database) -> None:
        self.db, self.names, self.events = db, [], []

    def flush(self) -> None:
        self.db.executemany("INSERT INTO gps (clinic_name, uid, origin_device) "
                            "VALUES (?, uuid7(), (SELECT device_uid FROM device))", [(n,) for n in self.names])
        self.events.append("flush")

    def discard(self) -> None:
        self.events.append("discard")


def test_deferred_writes_land_just_before_commit_or_not_at_all(db: Database) -> None:
    assert not db.bulk
    with db.transaction(bulk=True):
        writer = db.defer("gps", lambda: _Deferred(db))
        assert db.defer("gps", lambda: None) is writer and db.bulk
        writer.names += ["Lægehuset Åby", "Klinikken"]
        assert db.scalar("SELECT count(*) FROM gps") == 0
    assert db.scalar("SELECT count(*) FROM gps") == 2 and writer.events == ["flush", "discard"] and not db.bulk
    with pytest.raises(KeyError):
        with db.transaction(bulk=True):
            failed = db.defer("gps", lambda: _Deferred(db))
            failed.names.append("Aldrig")
            raise KeyError
    assert db.scalar("SELECT count(*) FROM gps") == 2 and failed.events == ["discard"]
    with pytest.raises(RuntimeError), db.transaction():
        db.defer("gps", lambda: _Deferred(db))  # only a bulk transaction defers


def test_reopen_with_the_right_key_sees_committed_data(db: Database) -> None:
    with db.transaction():
        db.insert("gps", {"clinic_name": "Lægehuset Åby"})
    db.close()
    again = Database.open(db.path, KEY)
    try:
        assert again.scalar("SELECT clinic_name FROM gps") == "Lægehuset Åby"
    finally:
        again.close()


def test_disk_full_and_readonly_become_danish_known_errors() -> None:
    full = OSError(28, "No space left on device")
    assert "Disken er fuld" in translate_error(full).message
    readonly = OSError(30, "Read-only file system")
    assert "skriveadgang" in translate_error(readonly, Path("/x/y.db")).message
