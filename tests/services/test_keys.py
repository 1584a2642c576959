from pathlib import Path

import pytest

from behandlerklient.cli import main
from behandlerklient.core.errors import InvalidInput, RuleRefused, WrongPassphrase
from behandlerklient.core.passphrase import strength
from behandlerklient.services.accounts import keys, users
from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME


def _db_files(db_path: Path) -> bytes:
    return db_path.read_bytes()


def test_change_passphrase_without_reencrypting(ws, db_path) -> None:
    ws.close()
    before = _db_files(db_path)
    w = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    w.db.checkpoint()
    before = _db_files(db_path)
    keys.change_passphrase(ws=w, old=PASSPHRASE, new="helt-ny-kode-2026")
    assert _db_files(db_path) == before  # only the key file changed
    w.close()
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    workspace.unlock(path=db_path, passphrase="helt-ny-kode-2026", username=USERNAME).close()


def test_change_passphrase_needs_the_old_one(ws) -> None:
    with pytest.raises(WrongPassphrase):
        keys.change_passphrase(ws=ws, old="forkert-kode", new="helt-ny-kode-2026")
    with pytest.raises(InvalidInput, match="mindst 8"):
        keys.change_passphrase(ws=ws, old=PASSPHRASE, new="kort")


def test_admin_removes_a_users_access(ws, db_path) -> None:
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.user.role = "admin"
    users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                   passphrase="bos-egen-kode")
    with pytest.raises(RuleRefused, match="egen adgang"):
        keys.remove_user(ws=ws, username=USERNAME)
    assert keys.remove_user(ws=ws, username="bo") == Changes(users=True)  # the user list refreshes
    ws.close()
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=db_path, passphrase="bos-egen-kode", username="bo")


def test_recovery_key_resets_a_forgotten_passphrase(ws, db_path) -> None:
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.user.role = "admin"
    code = keys.create_recovery_key(ws=ws, passphrase=PASSPHRASE)
    assert len(code) == 35 and code.count("-") == 5
    ws.close()
    with pytest.raises(WrongPassphrase):
        keys.reset_with_recovery(db_path=db_path, username=USERNAME, recovery_code="AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
                                 new_passphrase="efter-glemt-kode")
    keys.reset_with_recovery(db_path=db_path, username=USERNAME, recovery_code=code.lower().replace("-", " "),
                             new_passphrase="efter-glemt-kode")
    workspace.unlock(path=db_path, passphrase="efter-glemt-kode", username=USERNAME).close()


def test_cli_recovery_sheet_and_reset(ws, db_path, tmp_path, capsys, monkeypatch) -> None:
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    sheet = tmp_path / "ark.pdf"
    assert main(["recovery", "create", "--db", str(db_path), "--out", str(sheet)]) == 0
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text()
    code = next(line for line in text.splitlines() if line.count("-") == 5 and len(line.strip()) == 35).strip()
    monkeypatch.setenv("BEHANDLERKLIENT_RECOVERY_CODE", code)
    monkeypatch.setenv("BEHANDLERKLIENT_NEW_PASSPHRASE", "nulstillet-kode-1")
    assert main(["recovery", "reset", "--db", str(db_path), "--user", USERNAME]) == 0
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "nulstillet-kode-1")
    assert main(["verify", "--db", str(db_path)]) == 0


@pytest.mark.parametrize(("text", "score"), [("kort", 0), ("password", 0), ("aaaaaaaaaa", 0), ("abcdefgh", 0),
                                             ("Sommer2026", 1), ("hest batteri korrekt hæfteklamme", 4),
                                             ("Sommer-2026!x", 3)])
def test_strength_feedback(text, score) -> None:
    s = strength(text)
    assert s.score == score and s.label
    if score < 3:
        assert s.advice
