import zipfile
from datetime import date

import pytest

from behandlerklient.cli import main
from behandlerklient.core.errors import InvalidInput, KnownError, WrongPassphrase
from behandlerklient.services import backup, demo, workspace
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import export_without_time as _export


@pytest.fixture
def filled(ws):
    demo.generate(ws=ws, children_count=30, seed=4, today=date(2026, 11, 23))
    return ws


def test_backup_is_encrypted_and_restores_identically(filled, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    with zipfile.ZipFile(out) as z:
        raw = z.read("journal.db")
    assert not raw.startswith(b"SQLite format 3")
    names = [r[0] for r in filled.db.query("SELECT first_name || ' ' || last_name FROM children LIMIT 5")]
    assert not any(n.encode() in raw for n in names)
    original = _export(filled)
    (tmp_path / "gendannet").mkdir()
    restored_path = backup.restore(backup_file=out, db_path=tmp_path / "gendannet" / "journal.db",
                                   passphrase=PASSPHRASE)
    again = workspace.unlock(path=restored_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        assert _export(again) == original
    finally:
        again.close()


def test_restore_refuses_to_overwrite_without_force_and_keeps_the_old_file(filled, db_path, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    filled.close()
    before = db_path.read_bytes()
    with pytest.raises(KnownError, match="--force"):
        backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE)
    assert db_path.read_bytes() == before
    backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
    assert list(db_path.parent.glob("journal.db.før-gendannelse-*"))


def test_wrong_passphrase_or_a_broken_file_restores_nothing(filled, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    target = tmp_path / "ny"
    target.mkdir()
    with pytest.raises(WrongPassphrase):
        backup.restore(backup_file=out, db_path=target / "journal.db", passphrase="forkert-kode")
    bad = tmp_path / "ødelagt.bkbackup"
    bad.write_bytes(out.read_bytes()[:500])
    with pytest.raises(InvalidInput, match="ødelagt.bkbackup"):
        backup.restore(backup_file=bad, db_path=target / "journal.db", passphrase=PASSPHRASE)
    assert not list(target.iterdir())


def test_backup_refuses_to_overwrite(filled, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    with pytest.raises(KnownError, match="--force"):
        backup.backup(ws=filled, out=out)
    backup.backup(ws=filled, out=out, force=True)


def test_automatic_backups_rotate(filled) -> None:
    made = [backup.automatic(ws=filled, today=date(2026, 11, d), keep=3) for d in range(1, 6)]
    assert all(made) and backup.automatic(ws=filled, today=date(2026, 11, 5), keep=3) is None
    kept = sorted(p.name for p in backup.backup_folder(ws=filled).iterdir())
    assert kept == [f"behandlerklient-2026-11-0{d}.bkbackup" for d in (3, 4, 5)]


def test_cli_backup_and_restore(filled, db_path, tmp_path, capsys, monkeypatch) -> None:
    filled.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "cli.bkbackup"
    assert main(["backup", "--db", str(db_path), "--out", str(out)]) == 0
    assert main(["restore", "--backup", str(out), "--db", str(db_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", "--backup", str(out), "--db", str(db_path), "--force"]) == 0
    assert main(["verify", "--db", str(db_path)]) == 0


def test_backup_from_its_own_connection_while_the_app_keeps_writing(filled, tmp_path) -> None:
    import threading

    from behandlerklient.services import children

    out = tmp_path / "baggrund.bkbackup"
    result = {}
    from behandlerklient.services import workspace

    # Prepared here, opened in the worker: a connection belongs to the thread that opened it.
    work = workspace.in_own_connection(filled, lambda own: backup.write_unlogged(ws=own, out=out))

    def run() -> None:
        try:
            result["path"] = work()
        except Exception as exc:  # noqa: BLE001
            result["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    ids = [r.id for r in children.search(ws=filled, text="")]
    while worker.is_alive():  # the user keeps opening records (each view is an audit row) during the copy
        for cid in ids[:5]:
            children.overview(ws=filled, child_id=cid)
    worker.join()
    assert "error" not in result, result.get("error")
    assert zipfile.is_zipfile(out)
