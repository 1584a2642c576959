from pathlib import Path

import pytest

from behandlerklient.core.errors import DatabaseTooNew
from behandlerklient.storage.database import Database
from behandlerklient.storage.migrate import Migration, applied_version, latest_version, load_migrations, migrate, pending

KEY = bytes(32)

M1 = Migration(1, "one", "CREATE TABLE a (x INTEGER);")
M2 = Migration(2, "two", "CREATE TABLE b (y INTEGER);")
BAD = Migration(3, "bad", "CREATE TABLE c (z INTEGER); INSERT INTO nope VALUES (1);")


@pytest.fixture
def db(tmp_path: Path):
    d = Database.open(tmp_path / "m.db", KEY, create=True)
    yield d
    d.close()


def _tables(db: Database) -> set[str]:
    return {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_new_database_runs_all_migrations(db: Database) -> None:
    assert migrate(db, [M1, M2]) == [1, 2]
    assert applied_version(db) == 2 and {"a", "b"} <= _tables(db)


def test_rerun_applies_each_step_once(db: Database) -> None:
    migrate(db, [M1])
    assert migrate(db, [M1, M2]) == [2]
    assert migrate(db, [M1, M2]) == []


def test_failing_migration_rolls_back_and_stays_pending(db: Database) -> None:
    migrate(db, [M1, M2])
    with pytest.raises(Exception):
        migrate(db, [M1, M2, BAD])
    assert applied_version(db) == 2
    assert "c" not in _tables(db)
    assert [m.version for m in pending(db, [M1, M2, BAD])] == [3]
    assert not db.in_transaction


def test_pending_and_applied_are_read_only(db: Database) -> None:
    migrate(db, [M1])
    before = db.scalar("PRAGMA data_version"), db.user_version
    pending(db, [M1, M2])
    applied_version(db)
    assert (db.scalar("PRAGMA data_version"), db.user_version) == before
    assert "b" not in _tables(db)


def test_database_newer_than_the_code_is_refused(db: Database) -> None:
    migrate(db, [M1, M2])
    with pytest.raises(DatabaseTooNew) as info:
        migrate(db, [M1])
    assert "nyere version" in info.value.message
    assert applied_version(db) == 2


def test_file_is_copied_aside_before_an_upgrade(db: Database) -> None:
    migrate(db, [M1])
    migrate(db, [M1, M2])
    copies = list(db.path.parent.glob("m.db.skema1-*.bak"))
    assert len(copies) == 1
    old = Database.open(copies[0], KEY)
    try:
        assert old.user_version == 1 and "b" not in _tables(old)
    finally:
        old.close()


def test_shipped_migrations_are_numbered_without_gaps() -> None:
    migs = load_migrations()
    assert [m.version for m in migs] == list(range(1, latest_version() + 1))


def test_upgrade_to_the_ordered_search_index_keeps_every_child_findable(db: Database) -> None:
    from behandlerklient.storage.children import ChildRepository

    shipped = load_migrations()
    migrate(db, shipped[:4])
    with db.transaction():
        for i, (first, last) in enumerate((("Åse", "Østergaard"), ("Anna", "Ærø"), ("Bo", "Andersen"))):
            db.execute("INSERT INTO children (first_name, last_name, sort_key, cpr, birth_date, sex, created_at) "
                       "VALUES (?, ?, ?, ?, '2015-03-01', 'F', '2026-01-01T00:00:00')",
                       (first, last, f"{last.lower()}\x01{first.lower()}", f"01031{i}4321"))
    assert migrate(db, shipped) == list(range(5, len(shipped) + 1))
    names = lambda text: [r.last_name for r in ChildRepository(db).search(text)]  # noqa: E731
    assert names("a") == ["Andersen", "Ærø"] and names("å") == ["Østergaard"] and names("010311") == ["Ærø"]
