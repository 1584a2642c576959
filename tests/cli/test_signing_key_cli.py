"""A user's one signing key on her second laptop (docs/sync.md, "A user's second laptop"): the public half written for
the server's administrator, the whole key moved sealed under a passphrase, and every way a moved key is refused
before anything is created."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from behandlerklient.cli import main
from behandlerklient.security import keyfile as kf
from behandlerklient.services.accounts import key_transfer
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.signatures import SignatureRepository
from tests.conftest import PASSPHRASE, USERNAME

MOVE_PASSPHRASE = "flyttekasse-blomst-tagrende-9"
SECOND_PASSPHRASE = "anden-computer-kaffekop-4"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _public_of(db: Path, passphrase: str, username: str = USERNAME) -> bytes:
    ws = workspace.unlock(path=db, passphrase=passphrase, username=username)
    try:
        key = key_transfer.own_public_key(ws)
        assert key is not None
        return key
    finally:
        ws.close()


@pytest.fixture
def moved(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """anna's signing key exported from her first laptop (db_path)."""
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BEHANDLERKLIENT_SIGNING_KEY_PASSPHRASE", MOVE_PASSPHRASE)
    out = tmp_path / "anna-signing.key"
    code, text, err = run(capsys, "keys", "export-signing", "--db", str(db_path), "--user", USERNAME,
                          "--out", str(out))
    assert code == 0 and err == "", err
    assert "fingeraftryk" in text and "--signing-key anna-signing.key" in text
    return out


def test_the_moved_key_makes_the_second_laptop_sign_as_the_first(db_path: Path, moved: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert stat.S_IMODE(os.stat(moved).st_mode) == 0o600
    first_public = _public_of(db_path, PASSPHRASE)
    text = moved.read_text(encoding="utf-8")
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    private = key_transfer.own_private_key(ws)
    ws.close()
    assert private is not None and base64.b64encode(private).decode() not in text and private.hex() not in text

    second = tmp_path / "second" / "journal.db"
    second.parent.mkdir()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", SECOND_PASSPHRASE)
    code, out, err = run(capsys, "init", "--db", str(second), "--user", USERNAME, "--name", "Anna Åberg",
                         "--role", "therapist", "--title", "Psykolog", "--signing-key", str(moved))
    assert code == 0 and err == "", err
    assert "Underskriftsnøglen fra anna-signing.key er taget i brug" in out

    assert _public_of(second, SECOND_PASSPHRASE) == first_public
    ws = workspace.unlock(path=second, passphrase=SECOND_PASSPHRASE, username=USERNAME)
    try:
        assert ws.user.id is not None
        signer = seal.private_bytes(ws.db, ws.user.id)
        registered = [k["public_key"] for k in SignatureRepository(ws.db).keys_of(ws.user.id)]
    finally:
        ws.close()
    assert signer is not None and registered == [base64.b64encode(first_public).decode()]
    signature = Ed25519PrivateKey.from_private_bytes(signer).sign(b"en session underskrevet paa computer 2")
    Ed25519PublicKey.from_public_bytes(first_public).verify(signature, b"en session underskrevet paa computer 2")
    code, out, _ = run(capsys, "verify", "--db", str(second), "--user", USERNAME)
    assert code == 0 and "FEJL" not in out


def _refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: Path,
             user: str = USERNAME) -> tuple[int, str, Path]:
    second = tmp_path / "second.db"
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", SECOND_PASSPHRASE)
    code, out, err = run(capsys, "init", "--db", str(second), "--user", user, "--role", "therapist",
                         "--profession", "psychologist", "--signing-key", str(key))
    assert out == "" and err.count("\n") == 1
    assert not second.exists() and not kf.keyfile_path(second).exists()  # nothing created
    return code, err, second


def test_a_wrong_passphrase_for_the_moved_key_creates_nothing(moved: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_SIGNING_KEY_PASSPHRASE", "forkert-blomst-tagrende-9")
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, moved)
    assert code == 3 and "Forkert adgangskode til anna-signing.key" in err and "Intet er oprettet" in err


def test_a_truncated_or_corrupt_key_file_creates_nothing(moved: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = moved.read_bytes()
    cut = tmp_path / "cut.key"
    cut.write_bytes(data[: len(data) // 2])
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, cut)
    assert code == 4 and "cut.key er beskadiget eller afkortet" in err

    short = tmp_path / "short.key"
    parsed = json.loads(data)
    parsed["wrapped"] = parsed["wrapped"][:20]
    short.write_text(json.dumps(parsed), encoding="utf-8")
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, short)
    assert code == 4 and "short.key er beskadiget eller afkortet" in err

    missing = tmp_path / "ingen.key"
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, missing)
    assert code == 4 and "findes ikke" in err


def test_another_users_key_file_creates_nothing(moved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, moved, user="bo")
    assert code == 4 and "for brugeren 'anna', ikke for 'bo'" in err

    # Renaming the user inside the file does not make it bo's: the name is sealed with the key.
    forged = tmp_path / "forged.key"
    parsed = json.loads(moved.read_bytes())
    parsed["username"] = "bo"
    forged.write_text(json.dumps(parsed), encoding="utf-8")
    code, err, _ = _refused(capsys, monkeypatch, tmp_path, forged, user="bo")
    assert code == 3 and "Forkert adgangskode til forged.key (eller filen er ændret)" in err


def test_export_writes_only_a_new_file_under_a_strong_passphrase(db_path: Path, moved: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    before = moved.read_bytes()
    code, _, err = run(capsys, "keys", "export-signing", "--db", str(db_path), "--out", str(moved))
    assert code == 4 and "findes allerede" in err and moved.read_bytes() == before
    monkeypatch.setenv("BEHANDLERKLIENT_SIGNING_KEY_PASSPHRASE", "kort")
    weak = tmp_path / "weak.key"
    code, _, err = run(capsys, "keys", "export-signing", "--db", str(db_path), "--out", str(weak))
    assert code == 4 and "mindst" in err and not weak.exists()


def test_an_administrator_adds_a_user_with_her_moved_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bo_db, shared = tmp_path / "bo.db", tmp_path / "shared.db"
    workspace.create(path=bo_db, username="bo", full_name="Bo Ørsted", passphrase=PASSPHRASE,
                     role="therapist", profession="psychologist").close()
    workspace.create(path=shared, username="admin", full_name="Ada Admin", passphrase=PASSPHRASE,
                     role="admin", profession="psychologist").close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BEHANDLERKLIENT_SIGNING_KEY_PASSPHRASE", MOVE_PASSPHRASE)
    key = tmp_path / "bo.key"
    assert run(capsys, "keys", "export-signing", "--db", str(bo_db), "--out", str(key))[0] == 0
    monkeypatch.setenv("BEHANDLERKLIENT_NEW_PASSPHRASE", SECOND_PASSPHRASE)
    code, _, err = run(capsys, "user", "add", "--db", str(shared), "--user", "admin", "--username", "bo",
                       "--role", "therapist", "--profession", "psychologist", "--signing-key", str(key))
    assert code == 0, err
    assert _public_of(shared, SECOND_PASSPHRASE, "bo") == _public_of(bo_db, PASSPHRASE, "bo")


def test_the_public_key_file_is_what_the_servers_staff_add_reads(db_path: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")  # the server's admin module (the extra "server")
    from behandlerklient.server import admin

    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    pub = tmp_path / "anna-signing.pub"
    code, out, err = run(capsys, "sync", "public-key", "--db", str(db_path), "--user", USERNAME, "--out", str(pub))
    assert code == 0 and err == ""
    raw = _public_of(db_path, PASSPHRASE)
    assert admin.read_pubkey(pub.read_bytes()) == raw
    digest = hashlib.sha256(raw).hexdigest()
    assert " ".join(digest[i:i + 4] for i in range(0, 64, 4)) in out
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    private = key_transfer.own_private_key(ws)
    ws.close()
    assert private is not None and base64.b64encode(private) not in pub.read_bytes()
    assert len(pub.read_bytes()) == 45  # base64 of 32 bytes and a newline: the public half only
