"""`behandlerklient verify` names a guard trigger that was dropped behind the app's back."""

import sqlcipher3

from behandlerklient.cli import main
from tests.conftest import PASSPHRASE


def test_verify_fails_and_names_a_dropped_guard(ws, db_path, capsys, monkeypatch) -> None:
    key = ws.data_key
    ws.close()
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("DROP TRIGGER journal_signed_no_replace")
    conn.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    code = main(["verify", "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 4 and "FEJL triggers" in out and "mangler: journal_signed_no_replace" in out and err.strip()
