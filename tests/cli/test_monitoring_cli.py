"""`behandlerklient report monitoring`: the pseudonymised file on stdout or in a file, and the CPR-keyed variant
only encrypted to the recipient's key given on the command line (docs/monitoring.md)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from behandlerklient.cli import main
from behandlerklient.reports import monitoring as rows_mod
from behandlerklient.security import recipient_box

PERIOD = ("--from", "2026-01-01", "--to", "2026-12-31")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_monitoring_pseudonymised_and_encrypted(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", "lang-nok-kode-1")
    db = str(tmp_path / "m.db")
    assert run(capsys, "init", "--db", db, "--user", "leder", "--name", "Lea Leder")[0] == 0

    code, out, err = run(capsys, "report", "monitoring", "--db", db, *PERIOD, "--format", "csv")
    assert code == 0 and err == ""
    assert out.lstrip("\ufeff").splitlines()[0].split(";") == list(rows_mod.COLUMNS)

    code, out, err = run(capsys, "report", "monitoring", "--db", db, *PERIOD, "--format", "csv", "--cpr")
    assert code == 2 and "krypteret" in err and out == ""

    private = X25519PrivateKey.generate()
    key = tmp_path / "modtager.pem"
    key.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    target = tmp_path / "udtraek.bkmon"
    code, _out, err = run(capsys, "report", "monitoring", "--db", db, *PERIOD, "--format", "json", "--cpr",
                          "--recipient-key", str(key), "--out", str(target))
    assert code == 4 and "modtager" in err and not target.exists()
    code, out, err = run(capsys, "report", "monitoring", "--db", db, *PERIOD, "--format", "json", "--cpr",
                         "--recipient-key", str(key), "--recipient", "Sundhedsdatastyrelsen",
                         "--basis", "Indberetning (test)", "--out", str(target))
    assert code == 0 and err == "" and str(target) in out
    plain = recipient_box.open_sealed(target.read_bytes(), private)
    assert b'"columns": [\n  "row_id",\n  "cpr"' in plain
