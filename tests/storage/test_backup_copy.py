"""The backup's copy, written and checked inside one read transaction (storage/backup_copy.py)."""

from pathlib import Path

import pytest

from behandlerklient.storage.backup_copy import exported_copy


def _attached(db) -> set[str]:  # noqa: ANN001 - a Database
    return {r["name"] for r in db.query("PRAGMA database_list")}


def test_a_fresh_copy_passes_its_checks_and_is_detached_after(ws, tmp_path: Path) -> None:
    target = tmp_path / "kopi.db"
    with exported_copy(ws.db, target) as copy:
        assert "backup_copy" in _attached(ws.db)
        assert copy.integrity() == ["ok"]
        assert all(copy.holds_every_row(t) for t in ("children", "journal_entries", "audit_log"))
    assert "backup_copy" not in _attached(ws.db)
    assert target.stat().st_size > 0


def test_a_refused_copy_is_rolled_back_and_detached_so_the_connection_writes_on(ws, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="afvist"), exported_copy(ws.db, tmp_path / "kopi.db"):
        raise RuntimeError("afvist")
    assert "backup_copy" not in _attached(ws.db)
    with ws.db.transaction():  # BEGIN IMMEDIATE: fails if the copy's read transaction were still open
        ws.db.execute("CREATE TEMP TABLE efter (x)")
