"""The streaming export and import through the real commands: a file that breaks off midway is exit 4, one Danish
line, and nothing changed."""

import json

import pytest

from behandlerklient.cli import main
from tests.conftest import PASSPHRASE


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_an_export_cut_off_midway_is_exit_4_and_imports_nothing(db_path, tmp_path, capsys, env, cut) -> None:
    run(capsys, "demo", "--db", str(db_path), "--children", "6")
    code, exported, _ = run(capsys, "export-json", "--db", str(db_path))
    assert code == 0 and exported.endswith("}\n}\n")
    target = tmp_path / "b.db"
    run(capsys, "init", "--db", str(target), "--user", "chef")
    audit_before = run(capsys, "verify", "--db", str(target))[1]
    dump = tmp_path / "afbrudt.json"
    dump.write_bytes(exported.encode("utf-8")[:int(len(exported) * cut)])  # may cut a character in two
    code, out, err = run(capsys, "import", "--db", str(target), str(dump))
    assert code == 4 and out == "" and err.count("\n") == 1 and "Intet er importeret" in err
    assert json.loads(run(capsys, "list", "children", "--db", str(target), "--json")[1]) == []
    assert json.loads(run(capsys, "list", "courses", "--db", str(target), "--json")[1]) == []
    assert run(capsys, "verify", "--db", str(target))[1] == audit_before  # not even an audit row was written
    dump.write_text(exported, encoding="utf-8")
    code, out, _ = run(capsys, "import", "--db", str(target), str(dump))
    assert code == 0 and "6 children" in out
