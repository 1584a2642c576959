import zipfile
from datetime import date
from pathlib import Path

import pytest

from behandlerklient.cli import main
from behandlerklient.core.errors import InvalidInput, KnownError, WrongPassphrase
from behandlerklient.services.demo import demo
from behandlerklient.services.workspace import backup, workspace
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

    from behandlerklient.services.registration import children

    out = tmp_path / "baggrund.bkbackup"
    result = {}
    from behandlerklient.services.workspace import workspace

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


def _crashed_copy(ws, tmp_path):
    """The database as a crashed app leaves it: committed rows still only in the -wal."""
    import shutil

    from behandlerklient.security import keyfile as kf
    from behandlerklient.services.registration import children

    children.register_child(ws=ws, first_name="Kun", last_name="Iwal", cpr="010316-4002")
    folder = tmp_path / "krak"
    folder.mkdir()
    target = folder / "journal.db"
    children.register_child(ws=ws, first_name="Sidst", last_name="Skrevet", cpr="020316-4004")
    for suffix in ("", "-wal"):
        shutil.copy2(f"{ws.path}{suffix}", f"{target}{suffix}")
    shutil.copy2(kf.keyfile_path(ws.path), kf.keyfile_path(target))
    assert Path(f"{target}-wal").stat().st_size > 0
    return target


def test_restore_force_keeps_rows_that_lived_only_in_the_wal(filled, tmp_path) -> None:
    from behandlerklient.services.registration import children

    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    crashed = _crashed_copy(filled, tmp_path)
    filled.close()
    backup.restore(backup_file=out, db_path=crashed, passphrase=PASSPHRASE, force=True)
    kept = list(crashed.parent.glob("journal.db.før-gendannelse-*[0-9]"))
    assert len(kept) == 1
    old = workspace.unlock(path=kept[0], passphrase=PASSPHRASE, username=USERNAME)  # with its own key file
    try:
        assert [c.last_name for c in children.search(ws=old, text="Skrevet")] == ["Skrevet"]
        assert [c.last_name for c in children.search(ws=old, text="Iwal")] == ["Iwal"]
    finally:
        old.close()


def test_a_second_restore_never_overwrites_the_first_kept_copy(filled, db_path, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    filled.close()
    backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
    first = next(db_path.parent.glob("journal.db.før-gendannelse-*[0-9]"))
    first_bytes = first.read_bytes()
    backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
    kept = sorted(p for p in db_path.parent.glob("journal.db.før-gendannelse-*") if not p.name.endswith(".json"))
    assert len(kept) == 2 and first.read_bytes() == first_bytes
    for k in kept:
        workspace.unlock(path=k, passphrase=PASSPHRASE, username=USERNAME).close()


def _holder(db_path):
    """Another process with the database open (a second CLI command, a sync tool, the app's connection)."""
    import os
    import subprocess
    import sys

    code = ("import sys; from behandlerklient.security import kdf; kdf.set_default(kdf.ScryptParams(n=2**10));"
            "from behandlerklient.services.workspace import workspace;"
            f"ws = workspace.unlock(path={str(db_path)!r}, passphrase={PASSPHRASE!r});"
            "print('open', flush=True); sys.stdin.readline()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_restore_refuses_while_another_process_has_the_database_open(filled, db_path, tmp_path) -> None:
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    filled.close()
    proc = _holder(db_path)
    try:
        before = db_path.read_bytes()
        with pytest.raises(KnownError, match="åben") as info:
            backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
        assert info.value.exit_code == 3 and db_path.read_bytes() == before
        assert not list(db_path.parent.glob("*før-gendannelse*"))
    finally:
        proc.communicate("\n", timeout=60)
    backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)


def test_restore_refuses_while_the_app_holds_its_single_instance_lock(filled, db_path, tmp_path) -> None:
    qtcore = pytest.importorskip("PySide6.QtCore")
    out = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    filled.close()
    from behandlerklient.ui import single_instance

    lock = single_instance.acquire(db_path)  # exactly what a running app holds
    assert isinstance(lock, qtcore.QLockFile)
    try:
        with pytest.raises(KnownError, match="åben"):
            backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
    finally:
        lock.unlock()
    backup.restore(backup_file=out, db_path=db_path, passphrase=PASSPHRASE, force=True)
    assert single_instance.acquire(db_path) is not None  # and restore left no lock behind


def test_a_zip_bomb_is_refused_before_anything_is_written(filled, tmp_path) -> None:
    import resource
    import signal

    good = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    bomb = tmp_path / "bombe.bkbackup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in (backup.KEYS_MEMBER, backup.INFO_MEMBER):
            z.writestr(name, src.read(name))
        with z.open(backup.DB_MEMBER, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(1024):  # 1 GiB of zeros
                member.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    target = tmp_path / "mål"
    target.mkdir()
    # A file-size limit turns "writes 1 GiB first" into a visible OSError instead of a full disk.
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, old_limit[1]))
    try:
        with pytest.raises(InvalidInput, match="bombe.bkbackup"):
            backup.restore(backup_file=bomb, db_path=target / "journal.db", passphrase="forkert-kode")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)
    assert not list(target.iterdir())


@pytest.mark.parametrize("info", [b"[1, 2]", b"\xff\xfe", b'"tekst"', b"{" * 5000, b"null"])
def test_a_malformed_backup_json_is_exit_4_not_an_internal_error(filled, db_path, tmp_path, capsys, monkeypatch,
                                                                 info) -> None:
    good = backup.backup(ws=filled, out=tmp_path / "kopi.bkbackup")
    bad = tmp_path / "mærkelig.bkbackup"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as z:
        z.writestr(backup.DB_MEMBER, src.read(backup.DB_MEMBER))
        z.writestr(backup.KEYS_MEMBER, src.read(backup.KEYS_MEMBER))
        z.writestr(backup.INFO_MEMBER, info)
    filled.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    before = db_path.read_bytes()
    assert main(["restore", "--backup", str(bad), "--db", str(db_path), "--force"]) == 4
    err = capsys.readouterr().err
    assert "mærkelig.bkbackup" in err and err.count("\n") == 1 and db_path.read_bytes() == before
