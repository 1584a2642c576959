"""The user's profession (faggruppe) is asked when a user is created and can be set afterwards; a user without
one is told that a MedCom file needs it."""

import io

from behandlerklient.cli import main
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE

NEW = "kvarts lygte pudsig fjeldvej"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _user(db, username: str):
    ws = workspace.unlock(path=db, passphrase=PASSPHRASE, username="bo")
    try:
        return UserRepository(ws.db).by_username(username)
    finally:
        ws.close()


def test_init_stores_the_profession_and_user_add_asks_at_a_terminal(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "ny.db"
    code, out, err = _run(capsys, "init", "--db", str(db), "--user", "bo", "--name", "Bo Ørsted",
                          "--profession", "psychologist")
    assert code == 0 and err == "" and "Bemærk" not in out
    assert _user(db, "bo").profession == "psychologist" and _user(db, "bo").role_text == "Psykolog"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("ukendt\nsocial_worker\n"))
    monkeypatch.setenv("BEHANDLERKLIENT_NEW_PASSPHRASE", NEW)
    monkeypatch.setenv("BEHANDLERKLIENT_USER", "bo")
    code, out, err = _run(capsys, "user", "add", "--db", str(db), "--username", "eva", "--name", "Eva Lund",
                          "--role", "therapist")
    assert code == 0, err
    assert "Faggruppe" in out and "Ukendt faggruppe 'ukendt'" in out
    assert _user(db, "eva").role_text == "Socialrådgiver"


def test_without_a_terminal_the_note_says_how_to_add_it_and_user_profile_does(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "ny.db"
    code, out, err = _run(capsys, "init", "--db", str(db), "--user", "bo", "--name", "Bo Ørsted")
    assert code == 0 and err == ""
    assert "ingen faggruppe eller stillingsbetegnelse" in out and "user profile --profession" in out
    assert _user(db, "bo").role_text == ""
    code, out, err = _run(capsys, "user", "profile", "--db", str(db), "--user", "bo", "--username", "bo",
                          "--profession", "other")
    assert code == 4 and "kræver en stillingsbetegnelse" in err
    code, out, err = _run(capsys, "user", "profile", "--db", str(db), "--user", "bo", "--username", "bo",
                          "--profession", "other", "--title", "Familiebehandler")
    assert code == 0 and out == "bo: Familiebehandler\n"
    assert _user(db, "bo").profession == "other"


def test_a_title_alone_is_enough_and_no_note_is_printed(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    code, out, _err = _run(capsys, "init", "--db", str(tmp_path / "ny.db"), "--user", "bo", "--title", "Psykolog")
    assert code == 0 and "Bemærk" not in out
