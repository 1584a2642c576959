"""Import is untrusted input (issue 12): a signed record in an export file must be proven by its author's
signature, or it is not imported as the author's. Each attack below imported a record as a therapist's signed
entry on the code before exports carried signatures."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from behandlerklient.core import canonical, uid
from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.accounts import users
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.journal import journal
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import seal
from behandlerklient.services.verify import import_proof_check, integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.database import Database
from tests.conftest import PASSPHRASE
from tests.helpers import export_without_time

BACKDATED = "2024-02-05T09:00:00+00:00"


@pytest.fixture
def source(ws):
    demo.generate(ws=ws, children_count=6, seed=11, today=date(2026, 11, 23))
    return ws


@pytest.fixture
def target(tmp_path):
    t = workspace.create(path=tmp_path / "mål.db", username="chef", full_name="Chef", passphrase=PASSPHRASE)
    yield t
    t.close()


def _check(ws, name: str):
    return next(c for c in integrity.verify(ws=ws) if c.name == name)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _therapist_entry(data: dict) -> dict:
    """A signed journal entry of the file written by a demo therapist (not the exporting user)."""
    return next(j for j in data["tables"]["journal_entries"] if j["signed_at"] and j["author_id"] != "anna")


def _as_signed(data: dict, kind: str, row: dict) -> dict:
    """The row as its author signed it (format 2 keeps each row's local id): its own id and each reference as the
    referenced row's `local_id` in the file, as the attacker can compute them."""
    signed = {"id": row["local_id"], **{c: v for c, v in row.items() if c != "local_id"}}
    refs = dict(transfer.TABLES[transfer.TABLE_NUMBER[kind]][1])
    if kind == "journal_entries" and row.get("source") in transfer.SOURCE_TABLES:
        refs["source_id"] = transfer.SOURCE_TABLES[row["source"]]
    for col, ref in refs.items():
        if signed.get(col) is not None:
            key = "username" if ref == "users" else "uid"
            signed[col] = next(r["local_id"] for r in data["tables"][ref] if r[key] == signed[col])
    return signed


def _backdated_copy(data: dict, entry: dict) -> dict:
    """The attack's record: a new entry under the therapist's name, dated long ago, signed."""
    forged = {**entry, "local_id": max(j["local_id"] for j in data["tables"]["journal_entries"]) + 1,
              "uid": uid.uuid7(),
              "title": "Samtale", "body": "Barnet fortalte intet bekymrende.", "event_time": BACKDATED,
              "written_at": BACKDATED, "signed_at": BACKDATED, "supersedes_id": None, "kind": "note",
              "session_id": None, "source": "", "source_id": None}
    data["tables"]["journal_entries"].append(forged)
    return forged


def _sign(data: dict, private: Ed25519PrivateKey, key_id: int, rows: list[tuple[str, dict]]) -> None:
    """A seal over `rows` made exactly as the program makes one, with `private` as key `key_id` of the file."""
    records, columns = [], {}
    for kind, row in ((kind, _as_signed(data, kind, row)) for kind, row in rows):
        columns[kind] = ",".join(row)
        digest = canonical.digest(seal.record_payload(kind, seal.SIGNED[kind], row, list(row), row["signed_at"]))
        records.append([kind, row["id"], digest])
    payload = canonical.seal(key_id=key_id, signed_at=rows[0][1]["signed_at"], records=records, audit=[], prev="")
    data["tables"]["seals"].append({"id": 10**6 + len(data["tables"]["seals"]), "key": key_id,
                                    "signed_at": rows[0][1]["signed_at"], "prev": "", "records": records, "audit": [],
                                    "columns": columns, "signature": _b64(private.sign(payload))})


def _nothing_changed(target, before: dict) -> None:
    assert export_without_time(target) == before and children.count(ws=target) == 0


def _refused(target, data: dict, *fragments: str) -> str:
    before = export_without_time(target)
    with pytest.raises(InvalidInput) as info:
        transfer.import_json(ws=target, text=json.dumps(data, ensure_ascii=False))
    message = info.value.message
    assert message.startswith("Importfilen kan ikke bruges") and message.endswith("Intet er importeret.")
    assert all(f in message for f in fragments), message
    assert "\n" not in message and "intet bekymrende" not in message
    _nothing_changed(target, before)
    return message


def test_a_genuine_export_imports_with_its_authors_proof_and_verifies_clean(source, target) -> None:
    text = transfer.export_json(ws=source)
    signed = sum(1 for t in seal.SIGNED for r in json.loads(text)["tables"][t]
                 if (r["state"] == "signed" if t == "sessions" else r["signed_at"]))
    transfer.import_json(ws=target, text=text)
    checks = {c.name: c for c in integrity.verify(ws=target)}
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    assert f"{signed} importeret med forfatterens signatur som bevis" in checks["signatures"].detail
    assert "uden signaturbevis" not in checks["signatures"].detail
    assert import_proof_check.check(target.db).proven == signed


def test_a_forged_backdated_entry_under_a_therapists_name_is_refused(source, target) -> None:
    data = json.loads(transfer.export_json(ws=source))
    forged = _backdated_copy(data, _therapist_entry(data))
    _refused(target, data, f"Journalnotat fra 2024-02-05 (id {forged['local_id']} i filen): har ingen signatur i filen",
             "1 signerede poster i alt")


def test_a_signed_row_edited_after_the_export_is_refused(source, target) -> None:
    data = json.loads(transfer.export_json(ws=source))
    entry = _therapist_entry(data)
    entry["body"] = "Omskrevet efter eksporten."
    _refused(target, data, f"(id {entry['local_id']} i filen): indholdet passer ikke til forfatterens signatur")


def test_a_seal_whose_signature_was_changed_is_refused(source, target) -> None:
    data = json.loads(transfer.export_json(ws=source))
    entry = _therapist_entry(data)
    entry["body"] = "Omskrevet efter eksporten."
    s = next(s for s in data["tables"]["seals"]
             if ["journal_entries", entry["local_id"]] in [r[:2] for r in s["records"]])
    signed = _as_signed(data, "journal_entries", entry)
    for r in s["records"]:  # the attacker recomputes the digest in the seal, but cannot sign it as the author
        if r[:2] == ["journal_entries", entry["local_id"]]:
            r[2] = canonical.digest(seal.record_payload("journal_entries", seal.SIGNED["journal_entries"], signed,
                                                        s["columns"]["journal_entries"].split(","), s["signed_at"]))
    _refused(target, data, "seglets signatur passer ikke")


def test_a_key_swapped_in_for_an_existing_therapists_name_is_refused(source, target) -> None:
    """The therapist exists here with her own key; the file gives her name a key the attacker holds, registers it
    as her own and signs the backdated entry with it: every signature in the file verifies, but the key is not
    the one on record here for her."""
    users.add_user(ws=target, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                   passphrase="bos-egen-kode-1")
    data = json.loads(transfer.export_json(ws=source))
    entry = _therapist_entry(data)
    victim = 900
    data["tables"]["users"].append({**data["tables"]["users"][0], "local_id": victim, "username": "bo",
                                    "role": "therapist"})
    forged = _backdated_copy(data, {**entry, "author_id": "bo"})
    private, key = _own_key_for(victim, "bo")
    key["id"] = max(k["id"] for k in data["signatures"]["keys"]) + 1
    data["signatures"]["keys"].append({k: v for k, v in key.items() if k != "registration"})
    _sign(data, private, key["id"], [("journal_entries", forged)])
    _refused(target, data, f"(id {forged['local_id']} i filen): signeret med en nøgle, der ikke er forfatterens")
    # Nor does a key planted beforehand among the keys earlier imports trusted (anyone with the data key can
    # insert one): bo has a key of her own here, and only that one proves what she wrote.
    raw = _raw(target)
    raw.execute("INSERT INTO imported_keys (user_id, public_key, registration, registrar_key, "
                "registration_signature) VALUES (?, ?, ?, ?, ?)",
                (target.db.scalar("SELECT id FROM users WHERE username = 'bo'"), key["public_key"],
                 key["registration"], key["public_key"], key["registration_signature"]))
    raw.close()
    _refused(target, data, "signeret med en nøgle, der ikke er forfatterens")


def _own_key_for(user_id: int, username: str) -> tuple[Ed25519PrivateKey, dict]:
    """A key the attacker holds, registered in the file as the user's own first key (self-signed)."""
    private = Ed25519PrivateKey.generate()
    public = _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    registration = canonical.key_registration(user_id=user_id, username=username, public_key=public,
                                              registered_by=user_id, registered_at=BACKDATED)
    key = {"id": 0, "user_id": user_id, "username": username, "public_key": public, "registered_by": user_id,
           "registered_at": BACKDATED, "registration_key_id": None,
           "registration_signature": _b64(private.sign(registration))}
    return private, {**key, "registration": registration.decode("utf-8")}


def test_a_seal_by_another_users_key_does_not_prove_the_therapists_entry(source, target) -> None:
    """The attacker signs the therapist's forged entry with a key of their own, under their own name."""
    data = json.loads(transfer.export_json(ws=source))
    forged = _backdated_copy(data, _therapist_entry(data))
    private = Ed25519PrivateKey.generate()
    public = _b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    key_id = max(k["id"] for k in data["signatures"]["keys"]) + 1
    data["signatures"]["keys"].append({**data["signatures"]["keys"][0], "id": key_id, "public_key": public})
    _sign(data, private, key_id, [("journal_entries", forged)])
    _refused(target, data, "signeret med en anden brugers nøgle end forfatterens")


def _raw(ws) -> Database:
    """Another user holding the data key, with a SQLite shell of their own."""
    return Database.open(ws.path, ws.data_key)


def test_an_imported_row_rewritten_behind_dropped_triggers_is_caught_by_its_authors_proof(source, target) -> None:
    transfer.import_json(ws=target, text=transfer.export_json(ws=source))
    entry = target.db.query_one("SELECT id, substr(event_time, 1, 10) AS day FROM journal_entries "
                                "WHERE signed_at IS NOT NULL ORDER BY id LIMIT 1")
    other_child = target.db.scalar("SELECT id FROM children WHERE id != (SELECT child_id FROM journal_entries "
                                   "WHERE id = ?) LIMIT 1", (entry["id"],))
    raw = _raw(target)
    raw.execute("DROP TRIGGER journal_signed_no_update")
    raw.execute("UPDATE journal_entries SET body = 'Omskrevet' WHERE id = ?", (entry["id"],))
    second = target.db.scalar("SELECT min(id) FROM journal_entries WHERE signed_at IS NOT NULL AND id > ?",
                              (entry["id"],))
    raw.execute("UPDATE journal_entries SET child_id = ? WHERE id = ?", (other_child, second))
    raw.close()
    bad = import_proof_check.check(target.db).bad
    assert f"Journalnotat fra {entry['day']} (id {entry['id']}): indholdet passer ikke længere til forfatterens " \
           f"signatur" in bad
    assert any(f"(id {second}): peger ikke længere på det, den blev importeret med" in b for b in bad)
    check = _check(target, "signatures")
    assert not check.ok and f"(id {entry['id']})" in check.detail and "Omskrevet" not in check.detail


def test_the_proof_of_an_imported_row_cannot_be_removed_or_replaced(source, target) -> None:
    from behandlerklient.storage.database import IntegrityError

    transfer.import_json(ws=target, text=transfer.export_json(ws=source))
    proof = target.db.query_one("SELECT * FROM imported_signatures LIMIT 1")
    for statement in ("DELETE FROM imported_signatures", "UPDATE imported_signatures SET ids = '{}'",
                      "DELETE FROM imported_seals", "UPDATE imported_keys SET public_key = ''"):
        with pytest.raises(IntegrityError, match="append-only"):
            target.db.execute(statement)
    with pytest.raises(IntegrityError, match="append-only"):
        target.db.execute("INSERT OR REPLACE INTO imported_signatures (id, kind, record_id, seal_id, ids, columns) "
                          "VALUES (?, ?, ?, NULL, '{}', '')", (proof["id"], proof["kind"], proof["record_id"]))
    # Behind dropped triggers: the import seal's record then has no proof, which verify names.
    raw = _raw(target)
    raw.execute("DROP TRIGGER imported_signatures_no_delete")
    raw.execute("DELETE FROM imported_signatures WHERE id = ?", (proof["id"],))
    raw.close()
    assert any("importeret uden importbevis" in b for b in import_proof_check.check(target.db).bad)


def _without_signatures(data: dict) -> dict:
    """A file as a hand-made or older export has it: no keys, no seals."""
    data.pop("signatures")
    data["tables"].pop("seals")
    return data


def test_a_file_without_signatures_is_refused_for_its_signed_records(source, target) -> None:
    data = _without_signatures(json.loads(transfer.export_json(ws=source)))
    _refused(target, data, "har ingen signatur i filen")


def test_records_the_file_declares_signed_before_signatures_import_marked_unproven(source, target) -> None:
    """Rows signed before their database had signatures carry no proof: they import, and verify names each of
    them as imported without proof, never as the author's proven entry (also the backdated forgery that claims
    to be that old)."""
    data = _without_signatures(json.loads(transfer.export_json(ws=source)))
    forged = _backdated_copy(data, _therapist_entry(data))
    tables = data.pop("tables")  # the header's fields stand before the tables
    data.update(signatures={"epoch": {t: 10**6 for t in seal.SIGNED}, "keys": []}, tables={"seals": [], **tables})
    transfer.import_json(ws=target, text=json.dumps(data, ensure_ascii=False))
    report = import_proof_check.check(target.db)
    assert report.proven == 0 and not report.bad
    here = target.db.query_one("SELECT id, child_id FROM journal_entries WHERE uid = ?", (forged["uid"],))
    assert f"Journalnotat fra 2024-02-05 (id {here['id']})" in report.unproven
    check = _check(target, "signatures")
    assert check.ok and "importeret uden signaturbevis: " in check.detail
    assert "importeret med forfatterens signatur" not in check.detail
    # Where the journal shows who signed, the entry is marked.
    lines = {line.entry.id: line for line in journal.entries(ws=target, child_id=here["child_id"])}
    assert lines[here["id"]].unproven and lines[here["id"]].author_name != "?"


def test_records_imported_here_travel_on_declared_unproven(source, target, tmp_path) -> None:
    """This database keeps the author's seal of what it imported under the other database's ids, not as a seal of
    its own: exported again, those records are declared unproven, and the next import marks them so."""
    transfer.import_json(ws=target, text=transfer.export_json(ws=source))
    text = transfer.export_json(ws=target)
    section = json.loads(text)["tables"]["seals"]
    assert section and all(set(s) == {"unproven"} for s in section)  # chef, the importer, authored nothing
    third = workspace.create(path=tmp_path / "tredje.db", username="chef2", full_name="C", passphrase=PASSPHRASE)
    try:
        transfer.import_json(ws=third, text=text)
        report = import_proof_check.check(third.db)
        assert report.proven == 0 and not report.bad and len(report.unproven) == import_proof_check.check(
            target.db).proven
        assert _check(third, "signatures").ok
    finally:
        third.close()
