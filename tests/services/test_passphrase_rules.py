"""Setting a passphrase refuses the commonly used and the very weak ones, everywhere one is set, with a Danish
message saying why (zxcvbn with Danish words and the user's own names)."""

import pytest

from behandlerklient.cli import main
from behandlerklient.core import passphrase
from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.accounts import keys, users
from behandlerklient.services.demo import demo
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME

WEAK = ["password", "12345678", "Password1", "qwertyuiop", "adgangskode", "kodeord123", "sommer2026", "behandlerklient",
        "kommune1234", "jegelskerdig", "aaaaaaaaaaaa", "abcdefghij", "Anna1234"]


@pytest.mark.parametrize("weak", WEAK)
def test_creating_an_installation_refuses_common_and_weak_passphrases(tmp_path, weak) -> None:
    with pytest.raises(InvalidInput, match="for let at gætte") as caught:
        workspace.create(path=tmp_path / "ny.db", username="anna", full_name="Anna Åberg", passphrase=weak)
    assert "Den " in caught.value.message and "ord" in caught.value.message  # why, and what to do instead
    assert not (tmp_path / "ny.db").exists()


@pytest.mark.parametrize(("weak", "why"), [("password", "mest brugte"), ("12345678", "mest brugte"),
                                           ("bo.oersted.bo", "dit navn"), ("aaaaaaaaaaaa", "gentager"),
                                           ("behandlerklient1", "programmets navn")])
def test_the_message_says_why(tmp_path, weak, why) -> None:
    with pytest.raises(InvalidInput, match=why):
        workspace.create(path=tmp_path / "ny.db", username="bo.oersted", full_name="Bo Ørsted", passphrase=weak)


def test_the_users_own_names_count_as_guessable(tmp_path) -> None:
    assert passphrase.strength("oerstedbo99").score >= 2
    assert passphrase.strength("oerstedbo99", ["bo.oersted", "Bo Oersted"]).score < passphrase.MIN_SCORE


def test_adding_a_user_changing_and_resetting_refuse_weak_passphrases(ws, db_path) -> None:
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.user.role = "admin"
    for weak in ("password", "12345678"):
        with pytest.raises(InvalidInput, match="for let at gætte"):
            users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                           passphrase=weak)
        with pytest.raises(InvalidInput, match="for let at gætte"):
            keys.change_passphrase(ws=ws, old=PASSPHRASE, new=weak)
    code = keys.create_recovery_key(ws=ws, passphrase=PASSPHRASE)
    ws.close()
    with pytest.raises(InvalidInput, match="for let at gætte"):
        keys.reset_with_recovery(db_path=db_path, username=USERNAME, recovery_code=code, new_passphrase="password")
    workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME).close()  # nothing changed


def test_cli_init_refuses_password_with_exit_4(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "password")
    assert main(["init", "--db", str(tmp_path / "ny.db")]) == 4
    err = capsys.readouterr().err
    assert err.startswith("fejl: Adgangskoden er for let at gætte") and err.count("\n") == 1


def test_strong_passphrases_pass(tmp_path) -> None:
    for i, good in enumerate(("kvarts lygte pudsig fjeldvej", "Hest-Batteri-Korrekt-7", PASSPHRASE)):
        workspace.create(path=tmp_path / f"ok{i}.db", username="anna", full_name="Anna Åberg", passphrase=good).close()


def test_only_the_explicit_demo_database_may_use_the_published_demo_passphrase(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="for let at gætte"):
        workspace.create(path=tmp_path / "rigtig.db", username=demo.DEMO_USERNAME, full_name="Demo Behandler",
                         passphrase=demo.DEMO_PASSPHRASE)
    workspace.create(path=tmp_path / "demo.db", username=demo.DEMO_USERNAME, full_name="Demo Behandler",
                     passphrase=demo.DEMO_PASSPHRASE, demo=True).close()


def test_a_very_long_passphrase_is_judged_without_error() -> None:
    assert passphrase.strength("kvarts lygte pudsig fjeldvej " * 10).score == 4
    assert passphrase.strength("a" * 500).score < passphrase.MIN_SCORE
