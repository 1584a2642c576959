import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from behandlerklient.cli import main
from tests.conftest import PASSPHRASE
from tests.helpers import users_by_name

PARENT_ANSWERS = "0,1,2,,1,0,2,1,1,0,2,1,0,2,1,0,1,2,0,1,2,0,1,0,1"


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_an_encrypted_database(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "ny-lang-kode")
    db = tmp_path / "ny.db"
    code, out, err = run(capsys, "init", "--db", str(db), "--user", "bo", "--name", "Bo Ørsted")
    assert code == 0 and err == "" and "bo" in out
    assert db.exists() and not db.read_bytes().startswith(b"SQLite format 3")
    code, out, _ = run(capsys, "verify", "--db", str(db))
    assert code == 0 and "OK" in out


def test_init_refuses_existing_and_short_passphrase(tmp_path, db_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "kort")
    code, _, err = run(capsys, "init", "--db", str(tmp_path / "x.db"))
    assert code == 4 and "mindst 8" in err and err.count("\n") == 1
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    code, _, err = run(capsys, "init", "--db", str(db_path))
    assert code == 1 and "findes allerede" in err


def test_demo_list_and_verify(db_path, capsys, env) -> None:
    code, out, _ = run(capsys, "demo", "--db", str(db_path), "--children", "12", "--seed", "5")
    assert code == 0 and "12 børn" in out
    code, out, _ = run(capsys, "list", "children", "--db", str(db_path), "--json")
    kids = json.loads(out)
    assert code == 0 and len(kids) == 12 and {"id", "name", "cpr"} <= set(kids[0])
    code, out, _ = run(capsys, "list", "courses", "--db", str(db_path), "--json")
    courses = json.loads(out)
    assert courses and {"id", "child_id", "track", "status", "sessions_delivered"} <= set(courses[0])
    assert all(isinstance(c["sessions_delivered"], int) for c in courses)
    code, out, _ = run(capsys, "verify", "--db", str(db_path))
    assert code == 0 and "FEJL" not in out and "OK  audit_chain" in out and "OK  triggers" in out
    assert "signatures" in out


def test_verify_fails_on_a_damaged_database(ws, db_path, capsys, env) -> None:
    ws.db.execute("PRAGMA foreign_keys = OFF")
    ws.db.insert("contacts", {"child_id": 777, "contact_date": "2026-01-01", "made_by": "parent", "way": "self",
                              "created_at": "x"})
    ws.close()
    code, out, err = run(capsys, "verify", "--db", str(db_path))
    assert code == 4 and "FEJL foreign_keys" in out and err.strip()


def test_wrong_passphrase_exit_3(db_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "helt-forkert")
    code, out, err = run(capsys, "list", "children", "--db", str(db_path), "--json")
    assert code == 3 and out == "" and err == "fejl: Forkert adgangskode. Databasen er ikke ændret.\n"


def test_export_and_import_round_trip(db_path, tmp_path, capsys, env) -> None:
    run(capsys, "demo", "--db", str(db_path), "--children", "8")
    code, exported, _ = run(capsys, "export-json", "--db", str(db_path))
    assert code == 0 and json.loads(exported)["format"] == "behandlerklient-export"
    # The new installation's administrator is not one of the file's authors (an author who exists in the target
    # must have signed with a key on record there: tests/services/test_import_signatures.py).
    run(capsys, "init", "--db", str(tmp_path / "b.db"), "--user", "chef")
    dump = tmp_path / "eksport.json"
    dump.write_text(exported, encoding="utf-8")
    code, out, _ = run(capsys, "import", "--db", str(tmp_path / "b.db"), str(dump))
    assert code == 0 and "8 children" in out
    code, again, _ = run(capsys, "export-json", "--db", str(tmp_path / "b.db"))
    a, b = json.loads(exported), json.loads(again)
    for d in (a, b):
        d.pop("exported_at")
        d.pop("audit_head")  # each database's own history
        d.pop("signatures"), d["tables"].pop("seals")  # each database's own keys and seals
        users_by_name(d)["tables"]["users"].pop("chef", None)  # b's own admin user was created by init
    assert a == b


@pytest.mark.parametrize(("content", "fragment"), [
    (b"{not json", "ikke gyldig JSON"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    (b'{"format": "behandlerklient-export", "format_version": 7}', "formatversion 7"),
])
def test_import_of_a_bad_file_exit_4(db_path, tmp_path, capsys, env, content, fragment) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = run(capsys, "import", "--db", str(db_path), str(bad))
    assert code == 4 and fragment in err and err.count("\n") == 1


def test_import_missing_file(db_path, tmp_path, capsys, env) -> None:
    code, _, err = run(capsys, "import", "--db", str(db_path), str(tmp_path / "findes-ikke.json"))
    assert code == 4 and "findes ikke" in err


def test_sdq_score_json(capsys) -> None:
    code, out, _ = run(capsys, "sdq", "score", "--informant", "parent", "--answers", PARENT_ANSWERS,
                       "--impact", "1,2,3,0,1,2", "--json")
    data = json.loads(out)
    assert code == 0
    # Hand-scored: E items 3,8,13,16,24 = 2,1,0,0,0 -> 3; C 5,7R,12,18,22 = 1,0,1,2,0 -> 4;
    # H 2,10,15,21R,25R = 1,0,1,0,1 -> 3; Pe 6,11R,14R,19,23 = 0,0,0,0,1 -> 1; P 1,4(missing),9,17,20 -> 4.
    assert (data["emotional"], data["conduct"], data["hyperactivity"], data["peer"], data["prosocial"]) == (3, 4, 3, 1, 4)
    assert data["total_difficulties"] == 11 and data["externalising"] == 7 and data["internalising"] == 4
    assert data["impact"] == 4  # overall 1 (minor); items 2,3,0,1,2 recode to 1,2,0,0,1
    assert data["bands"]["total_difficulties"]["band"] == "close_to_average"
    assert data["bands"]["total_difficulties"]["confirmed"] is True
    assert data["bands"]["emotional"]["confirmed"] is False


def test_sdq_missing_scale_is_null(capsys) -> None:
    answers = ",".join([""] * 25)
    code, out, _ = run(capsys, "sdq", "score", "--informant", "self", "--answers", answers, "--json")
    data = json.loads(out)
    assert code == 0 and data["total_difficulties"] is None and data["impact"] is None
    assert data["bands"]["total_difficulties"] is None


@pytest.mark.parametrize(("answers", "fragment"), [("0,1", "25 svar"), (",".join(["3"] * 25), "0, 1 eller 2"),
                                                   (",".join(["x"] * 25), "ikke et tal")])
def test_sdq_bad_answers_exit_4(capsys, answers, fragment) -> None:
    code, _, err = run(capsys, "sdq", "score", "--informant", "parent", "--answers", answers)
    assert code == 4 and fragment in err


@pytest.mark.parametrize("args", [["frobnicate"], ["list", "children"], ["sdq", "score", "--informant", "nabo",
                                                                          "--answers", "1"], ["demo"]])
def test_usage_errors_exit_2(capsys, args) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith("fejl:") and err.count("\n") == 1


def test_missing_passphrase_without_terminal_is_a_usage_error(db_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("BEHANDLERKLIENT_PASSPHRASE", raising=False)
    with open(os.devnull) as empty:
        monkeypatch.setattr(sys, "stdin", empty)
        code, _, err = run(capsys, "verify", "--db", str(db_path))
    assert code == 2 and "BEHANDLERKLIENT_PASSPHRASE" in err


def _subprocess(args: list[str], env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra, "BEHANDLERKLIENT_LOG_DIR": str(tmp_path / "log")}
    return subprocess.run([sys.executable, "-m", "behandlerklient", *args], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.slow
def test_real_process_exit_codes_and_no_tracebacks(db_path, tmp_path) -> None:
    ok = _subprocess(["verify", "--db", str(db_path)], {"BEHANDLERKLIENT_PASSPHRASE": PASSPHRASE}, tmp_path)
    assert ok.returncode == 0, ok.stderr
    wrong = _subprocess(["verify", "--db", str(db_path)], {"BEHANDLERKLIENT_PASSPHRASE": "forkert!!"}, tmp_path)
    assert wrong.returncode == 3 and wrong.stderr.count("\n") == 1 and "Traceback" not in wrong.stderr
    garbage = tmp_path / "fremmed.db"
    garbage.write_bytes(os.urandom(4096))
    (tmp_path / "fremmed.db.keys.json").write_bytes((db_path.parent / "journal.db.keys.json").read_bytes())
    foreign = _subprocess(["verify", "--db", str(garbage)], {"BEHANDLERKLIENT_PASSPHRASE": PASSPHRASE}, tmp_path)
    assert foreign.returncode == 4 and "ikke en Behandlerklient-database" in foreign.stderr
    assert "Traceback" not in foreign.stderr and "ERROR CORE" not in foreign.stderr
    usage = _subprocess(["bogus"], {}, tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


@pytest.mark.slow
def test_self_check(tmp_path) -> None:
    res = _subprocess(["--self-check"], {}, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "SQLCipher 4." in res.stdout and "Qt 6." in res.stdout and res.stdout.strip().endswith("OK")
    assert res.stderr == ""


def test_user_add_and_exit_5_for_a_non_admin(db_path, capsys, env, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_NEW_PASSPHRASE", "ny-brugers-kode")
    code, _, err = run(capsys, "user", "add", "--db", str(db_path), "--username", "bo", "--role", "therapist")
    assert code == 5 and "administrator" in err  # the template user is a therapist
    from behandlerklient.services.workspace import workspace

    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.close()
    code, out, _ = run(capsys, "user", "add", "--db", str(db_path), "--username", "bo", "--role", "therapist",
                       "--name", "Bo Ørsted")
    assert code == 0 and "bo" in out
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "ny-brugers-kode")
    code, out, _ = run(capsys, "verify", "--db", str(db_path), "--user", "bo")
    assert code == 0


def test_audit_export_and_tampering_fails_verify(ws, db_path, capsys, env) -> None:
    from behandlerklient.services.registration import children

    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    children.overview(ws=ws, child_id=child.id)
    ws.close()
    code, out, _ = run(capsys, "audit", "export", "--db", str(db_path), "--child", str(child.id))
    assert code == 0 and [r["action"] for r in json.loads(out)] == ["create", "view"]
    code, _, err = run(capsys, "audit", "export", "--db", str(db_path), "--child", "999")
    assert code == 4 and "999" in err
    from behandlerklient.services.workspace import workspace

    w = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    w.db.execute("DROP TRIGGER audit_no_update")
    w.db.execute("UPDATE audit_log SET user_id = NULL WHERE id = 1")
    w.close()
    code, out, _ = run(capsys, "verify", "--db", str(db_path))
    assert code == 4 and "FEJL audit_chain" in out


def test_list_courses_has_gp_consent(db_path, capsys, env) -> None:
    run(capsys, "demo", "--db", str(db_path), "--children", "40", "--seed", "3")
    code, out, _ = run(capsys, "list", "courses", "--db", str(db_path), "--json")
    courses = json.loads(out)
    assert code == 0 and courses and {True, False} >= {c["gp_consent"] for c in courses}
    assert any(c["gp_consent"] for c in courses)


def test_settings_are_admin_only_and_validated(ws, db_path, capsys, env) -> None:
    ws.close()
    code, _, err = run(capsys, "settings", "set", "--db", str(db_path), "review_sample", "percent:20")
    assert code == 5 and "administrator" in err
    from behandlerklient.services.workspace import workspace

    w = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    w.db.execute("UPDATE users SET role = 'admin'")
    w.close()
    code, _, err = run(capsys, "settings", "set", "--db", str(db_path), "review_sample", "hver:4")
    assert code == 4 and "stikprøveregel" in err
    code, out, _ = run(capsys, "settings", "set", "--db", str(db_path), "review_sample", "percent:20")
    assert code == 0 and "review_sample=percent:20" in out
    for bad in ("0", "121", "¹", "fem"):  # "¹".isdigit() is True, int("¹") is not a number
        code, _, err = run(capsys, "settings", "set", "--db", str(db_path), "lock_after_minutes", bad)
        assert code == 4 and "1-120 minutter" in err


def _admin_with_export(db_path, tmp_path, capsys, children: int = 3) -> str:
    run(capsys, "demo", "--db", str(db_path), "--children", str(children))
    code, exported, _ = run(capsys, "export-json", "--db", str(db_path))
    assert code == 0
    run(capsys, "init", "--db", str(tmp_path / "b.db"), "--user", "chef")
    return exported


def test_import_with_a_lone_surrogate_is_exit_4_and_changes_nothing(db_path, tmp_path, capsys, env) -> None:
    exported = _admin_with_export(db_path, tmp_path, capsys)
    # Valid JSON and valid UTF-8: the escape decodes to a lone surrogate that no database can store.
    bad = tmp_path / "surrogat.json"
    data = json.loads(exported)
    data["tables"]["children"][0]["first_name"] = "Ella\ud800"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "import", "--db", str(tmp_path / "b.db"), str(bad))
    assert code == 4 and "surrogat" in err and err.count("\n") == 1 and "intern fejl" not in err
    code, out, _ = run(capsys, "list", "children", "--db", str(tmp_path / "b.db"), "--json")
    assert json.loads(out) == []


def test_import_by_a_therapist_is_refused_exit_5(db_path, tmp_path, capsys, env) -> None:
    exported = _admin_with_export(db_path, tmp_path, capsys)
    dump = tmp_path / "eksport.json"
    dump.write_text(exported, encoding="utf-8")
    code, _, err = run(capsys, "import", "--db", str(db_path), str(dump))  # the template user is a therapist
    assert code == 5 and "administrator" in err
    code, out, _ = run(capsys, "import", "--db", str(tmp_path / "b.db"), str(dump))
    assert code == 0


def test_a_lone_surrogate_on_the_command_line_is_exit_4(tmp_path, capsys, monkeypatch) -> None:
    # What Python makes of an undecodable byte in argv (surrogateescape): never an internal error.
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "ny-lang-kode")
    code, _, err = run(capsys, "init", "--db", str(tmp_path / "ny.db"), "--user", "bo", "--name", "Bo \udcff")
    assert code == 4 and "intern fejl" not in err and err.count("\n") == 1
    assert not (tmp_path / "ny.db").exists()


def test_verify_against_a_backup_reports_a_chain_that_lost_its_head(db_path, tmp_path, capsys, env) -> None:
    from behandlerklient.services.workspace import workspace
    from behandlerklient.storage.database import Database

    assert run(capsys, "demo", "--db", str(db_path), "--children", "2")[0] == 0
    copy = tmp_path / "kopi.bkbackup"
    assert run(capsys, "backup", "--db", str(db_path), "--out", str(copy))[0] == 0
    code, out, _ = run(capsys, "verify", "--db", str(db_path), "--against", str(copy))
    assert code == 0 and "OK  audit_anchor" in out
    ws = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    head = ws.db.scalar("SELECT last_id FROM audit_head")
    raw = Database.open(db_path, ws.data_key)
    ws.close()
    raw.execute("DROP TRIGGER audit_no_delete")
    raw.execute("DELETE FROM audit_log WHERE id >= ?", (head - 1,))
    raw.execute("UPDATE audit_head SET last_id = ?, last_hash = (SELECT hash FROM audit_log WHERE id = ?)",
                (head - 2, head - 2))
    raw.close()
    code, out, err = run(capsys, "verify", "--db", str(db_path), "--against", str(copy))
    assert code == 4 and "FEJL audit_anchor" in out and "fjernet" in out
