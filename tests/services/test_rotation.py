"""Key rotation: a new data key for the database, sealed for every remaining user; old keys open nothing."""

import signal
import subprocess
import sys
import zipfile
from datetime import date

import pytest

from behandlerklient.cli import main
from behandlerklient.core.errors import CorruptDatabase, KnownError, RuleRefused, WrongPassphrase
from behandlerklient.security import keyfile as kf
from behandlerklient.services.accounts import keys, rotation, users
from behandlerklient.services.demo import demo
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import backup, workspace
from behandlerklient.storage.database import Database
from tests.conftest import PASSPHRASE, USERNAME

STEPS = ("exported", "checked", "pending-saved", "db-swapped", "keys-swapped")


@pytest.fixture
def admin_db(ws, db_path):
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.user.role = "admin"
    demo.generate(ws=ws, children_count=6, seed=3, today=date(2026, 11, 23))
    users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                   passphrase="bos-egen-kode")
    ws.close()
    return db_path


def _children(db_path, passphrase=PASSPHRASE, user=USERNAME) -> int:
    w = workspace.unlock(path=db_path, passphrase=passphrase, username=user)
    try:
        return children.count(ws=w)
    finally:
        w.close()


def test_after_rotation_old_key_files_and_old_backups_open_nothing(admin_db, tmp_path) -> None:
    before = _children(admin_db)
    w = workspace.unlock(path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    old_backup = backup.backup(ws=w, out=tmp_path / "før.bkbackup")
    w.close()
    old_keyfile = kf.KeyFile.load(kf.keyfile_path(admin_db))
    old_key = old_keyfile.unwrap("user:bo", "bos-egen-kode")
    with zipfile.ZipFile(old_backup) as z:
        backup_keys = kf.KeyFile.from_json(__import__("json").loads(z.read(backup.KEYS_MEMBER)), "backup")

    result = rotation.rotate_data_key(db_path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    assert sorted(result.kept_users) == ["anna", "bo"] and result.dropped == []
    assert result.key_id != old_keyfile.key_id
    # Both users open the rotated database with their unchanged passphrases: nobody had to be asked.
    assert _children(admin_db) == before and _children(admin_db, "bos-egen-kode", "bo") == before
    for stale in (old_key, backup_keys.unwrap("user:bo", "bos-egen-kode")):
        with pytest.raises(CorruptDatabase):
            Database.open(admin_db, stale)
    # An old key file put back beside the database (a removed user's copy) opens nothing either.
    old_keyfile.save(kf.keyfile_path(admin_db))
    with pytest.raises(CorruptDatabase):
        workspace.unlock(path=admin_db, passphrase="bos-egen-kode", username="bo")


def test_removing_a_user_and_rotating_revokes_their_copy_of_the_key_file(admin_db) -> None:
    copy_of_keyfile = kf.keyfile_path(admin_db).read_bytes()  # what bo kept before being removed
    w = workspace.unlock(path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    keys.remove_user(ws=w, username="bo")
    w.close()
    # Removal alone: bo's old copy of the key file still opens the database (docs/keys.md says so).
    stolen = kf.KeyFile.from_json(__import__("json").loads(copy_of_keyfile), "kopi").unwrap("user:bo", "bos-egen-kode")
    Database.open(admin_db, stolen).close()
    rotation.rotate_data_key(db_path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    with pytest.raises(CorruptDatabase):
        Database.open(admin_db, stolen)
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=admin_db, passphrase="bos-egen-kode", username="bo")


def test_only_an_administrator_rotates_and_never_while_the_database_is_open(admin_db) -> None:
    with pytest.raises(RuleRefused, match="administrator"):
        rotation.rotate_data_key(db_path=admin_db, passphrase="bos-egen-kode", username="bo")
    w = workspace.unlock(path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    before = admin_db.read_bytes()
    try:
        proc = subprocess.Popen([sys.executable, "-c", _HOLD.format(db=str(admin_db), pw=PASSPHRASE)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "open"
        w.close()
        with pytest.raises(KnownError, match="åben"):
            rotation.rotate_data_key(db_path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
        proc.communicate("\n", timeout=60)
    finally:
        w.close()
    assert admin_db.read_bytes() == before


_HOLD = ("import sys; from behandlerklient.services.workspace import workspace;"
         "ws = workspace.unlock(path={db!r}, passphrase={pw!r}); print('open', flush=True); sys.stdin.readline()")

_KILL_AT = """
import os, signal, sys
from behandlerklient.security import kdf
kdf.set_default(kdf.ScryptParams(n=2**10))
from behandlerklient.services.accounts import rotation
step = sys.argv[2]
rotation._reached = lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == step else None
rotation.rotate_data_key(db_path=sys.argv[1], passphrase=sys.argv[3], username=sys.argv[4])
"""


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_leaves_a_pair_that_opens(admin_db, step) -> None:
    before = _children(admin_db)
    old_key = kf.KeyFile.load(kf.keyfile_path(admin_db)).unwrap("user:bo", "bos-egen-kode")
    res = subprocess.run([sys.executable, "-c", _KILL_AT, str(admin_db), step, PASSPHRASE, USERNAME],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == -signal.SIGKILL, res.stderr
    # Whatever the step: both users still open it with their passphrases, and every row is there.
    assert _children(admin_db) == before and _children(admin_db, "bos-egen-kode", "bo") == before
    current = kf.KeyFile.load(kf.keyfile_path(admin_db)).unwrap("user:bo", "bos-egen-kode")
    assert (current == old_key) == (step in STEPS[:3])  # new key from the database swap on
    # And a rotation after the crash completes and cleans up what the killed one left.
    rotation.rotate_data_key(db_path=admin_db, passphrase=PASSPHRASE, username=USERNAME)
    assert _children(admin_db, "bos-egen-kode", "bo") == before
    assert not [p for p in admin_db.parent.iterdir() if p.name.endswith((".rotating", ".next"))]


def test_kills_at_random_moments_leave_a_pair_that_opens(admin_db) -> None:
    import random
    import time

    before = _children(admin_db)
    rng = random.Random(12)
    code = _KILL_AT.replace("rotation._reached = ", "_unused = ")
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", code, str(admin_db), "-", PASSPHRASE, USERNAME],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + rng.uniform(0.2, 1.5)
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                proc.wait(timeout=0.02)
            except subprocess.TimeoutExpired:
                pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _children(admin_db) == before


def test_cli_keys_rotate_and_user_remove_with_rotation(admin_db, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    old = kf.KeyFile.load(kf.keyfile_path(admin_db)).unwrap("user:bo", "bos-egen-kode")
    assert main(["keys", "rotate", "--db", str(admin_db), "--user", USERNAME]) == 0
    out = capsys.readouterr().out
    assert "ny nøgle" in out and "anna, bo" in out
    with pytest.raises(CorruptDatabase):
        Database.open(admin_db, old)
    assert main(["user", "remove", "--db", str(admin_db), "--user", USERNAME, "--username", "bo", "--rotate"]) == 0
    assert "ny nøgle" in capsys.readouterr().out
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "bos-egen-kode")
    assert main(["keys", "rotate", "--db", str(admin_db), "--user", "bo"]) == 3
    assert main(["verify", "--db", str(admin_db)]) == 3


def test_cli_passphrase_change_with_rotation(admin_db, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BEHANDLERKLIENT_NEW_PASSPHRASE", "helt-ny-kode-2026")
    old = kf.KeyFile.load(kf.keyfile_path(admin_db)).unwrap("user:bo", "bos-egen-kode")
    assert main(["passphrase", "change", "--db", str(admin_db), "--user", USERNAME, "--rotate"]) == 0
    with pytest.raises(CorruptDatabase):
        Database.open(admin_db, old)
    assert _children(admin_db, "helt-ny-kode-2026") == _children(admin_db, "bos-egen-kode", "bo")
