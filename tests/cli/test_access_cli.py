"""`behandlerklient caseload grant|revoke|list` and `supervision add|remove|list`: administrators only."""

from behandlerklient.cli import main
from behandlerklient.core.models import User
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_administrator_grants_revokes_and_pairs_from_the_command_line(ws, db_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    for username, role in (("bo", "therapist"), ("lhv", "supervisor"), ("kko", "coordinator")):
        UserRepository(ws.db).add(User(None, username, username.upper(), role), now=ws.clock())
    ws.close()
    db = str(db_path)
    code, _, err = run(capsys, "caseload", "grant", "--db", db, "--child", str(child.id), "--therapist", "bo")
    assert code == 5 and "administrator" in err  # the template user (anna) is a therapist
    w = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    w.db.execute("UPDATE users SET role = 'admin' WHERE username = 'anna'")
    w.close()
    code, out, _ = run(capsys, "caseload", "grant", "--db", db, "--child", str(child.id), "--therapist", "bo",
                       "--shared")
    assert code == 0 and out.splitlines() == ["anna\tcaseload\tAnna Åberg", "bo\tshared\tBO"]
    code, _, err = run(capsys, "caseload", "grant", "--db", db, "--child", str(child.id), "--therapist", "kko")
    assert code == 5 and "koordinator" in err
    code, out, _ = run(capsys, "caseload", "revoke", "--db", db, "--child", str(child.id), "--therapist", "bo",
                       "--shared")
    assert code == 0 and out.splitlines() == ["anna\tcaseload\tAnna Åberg"]
    code, _, err = run(capsys, "caseload", "revoke", "--db", db, "--child", str(child.id), "--therapist", "bo")
    assert code == 4 and "BO" in err
    code, out, _ = run(capsys, "supervision", "add", "--db", db, "--supervisor", "lhv", "--therapist", "bo")
    assert code == 0 and out.splitlines() == ["LHV\tBO"]
    code, _, err = run(capsys, "supervision", "add", "--db", db, "--supervisor", "bo", "--therapist", "lhv")
    assert code == 5 and "ikke supervisor" in err
    code, out, _ = run(capsys, "supervision", "remove", "--db", db, "--supervisor", "lhv", "--therapist", "bo")
    assert code == 0 and out == ""
    code, out, _ = run(capsys, "verify", "--db", db)
    assert code == 0
