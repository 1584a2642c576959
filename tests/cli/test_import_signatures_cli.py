"""The forged-record attack through the real commands (issue 12): an administrator adds a backdated signed entry
under a therapist's name to an export and imports it. Exit 4, one Danish line, nothing changed."""

import json

import pytest

from behandlerklient.cli import main
from behandlerklient.core import uid
from tests.conftest import PASSPHRASE


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_backdated_entry_added_under_a_therapists_name_is_exit_4_and_imports_nothing(db_path, tmp_path, capsys,
                                                                                       env) -> None:
    run(capsys, "demo", "--db", str(db_path), "--children", "4")
    code, exported, _ = run(capsys, "export-json", "--db", str(db_path))
    assert code == 0
    data = json.loads(exported)
    entries = data["tables"]["journal_entries"]
    real = next(j for j in entries if j["signed_at"] and j["author_id"] != "anna")
    forged_id = max(j["local_id"] for j in entries) + 1
    entries.append({**real, "local_id": forged_id, "uid": uid.uuid7(), "kind": "note", "session_id": None,
                    "source": "", "source_id": None,
                    "supersedes_id": None, "body": "Intet bekymrende.", "event_time": "2024-02-05T09:00:00+00:00",
                    "written_at": "2024-02-05T09:00:00+00:00", "signed_at": "2024-02-05T09:00:00+00:00"})
    target = tmp_path / "b.db"
    run(capsys, "init", "--db", str(target), "--user", "chef")
    verify_before = run(capsys, "verify", "--db", str(target))[1]
    dump = tmp_path / "forfalsket.json"
    dump.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "import", "--db", str(target), str(dump))
    assert code == 4 and out == "" and err.count("\n") == 1 and "Intet er importeret" in err
    assert f"Journalnotat fra 2024-02-05 (id {forged_id} i filen): har ingen signatur i filen" in err
    assert "Intet bekymrende" not in err
    assert json.loads(run(capsys, "list", "children", "--db", str(target), "--json")[1]) == []
    assert run(capsys, "verify", "--db", str(target))[1] == verify_before
    # The same file without the forged entry is the genuine export: it imports, and verify says it is proven.
    entries.pop()
    dump.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "import", "--db", str(target), str(dump))
    assert code == 0 and "4 children" in out
    code, out, _ = run(capsys, "verify", "--db", str(target))
    assert code == 0 and "importeret med forfatterens signatur som bevis" in out
