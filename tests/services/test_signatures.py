"""Signatures only the author can make: each attack below succeeded on the code before schema 0008."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from behandlerklient.core import canonical
from behandlerklient.security import keyfile as kf
from behandlerklient.services.accounts import keys, users
from behandlerklient.services.demo import demo
from behandlerklient.services.pathway import records
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import seal
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.database import Database
from behandlerklient.storage.migrate import load_migrations, migrate
from behandlerklient.storage.signatures import SignatureRepository
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE, USERNAME

OTHER = "bos-egen-kode-1"


def _check(ws, name: str):
    return next(c for c in integrity.verify(ws=ws) if c.name == name)


def _admin(ws) -> None:
    ws.db.execute("UPDATE users SET role = 'admin' WHERE id = ?", (ws.user.id,))
    ws.user.role = "admin"


def _raw(ws) -> Database:
    """Another user holding the data key (every user does) with a SQLite shell of their own."""
    return Database.open(ws.path, ws.data_key)


def _annas_signed_entry(ws) -> int:
    demo.generate(ws=ws, children_count=3, seed=4, today=date(2026, 11, 23))
    entry = ws.db.scalar("SELECT id FROM journal_entries WHERE author_id = ? AND signed_at IS NOT NULL "
                         "ORDER BY id LIMIT 1", (ws.user.id,))
    assert entry is not None
    return entry


def test_each_user_gets_a_key_wrapped_with_their_passphrase_and_recorded_with_who_registered_it(ws) -> None:
    _admin(ws)
    wrap = ws.keys.find(kf.user_wrap_id(USERNAME))
    on_record = SignatureRepository(ws.db).keys_of(ws.user.id)
    assert wrap.signing is not None and [k["public_key"] for k in on_record] == [wrap.signing.public_key]
    assert on_record[0]["registered_by"] == ws.user.id and on_record[0]["registered_at"]

    bo, _ = users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                           passphrase=OTHER)
    bo_key = SignatureRepository(ws.db).keys_of(bo.id)[0]
    assert bo_key["registered_by"] == ws.user.id and bo_key["registration_key_id"] == on_record[0]["id"]
    assert bo_key["public_key"] == ws.keys.find(kf.user_wrap_id("bo")).signing.public_key
    with pytest.raises(Exception, match="append-only"):
        ws.db.execute("UPDATE signing_keys SET user_id = ?", (ws.user.id,))

    # A passphrase change rewraps the same key; the key file never holds it in the clear.
    keys.change_passphrase(ws=ws, old=PASSPHRASE, new="en-helt-ny-kode")
    reloaded = kf.KeyFile.load(kf.keyfile_path(ws.path))
    assert reloaded.find(kf.user_wrap_id(USERNAME)).signing.public_key == wrap.signing.public_key
    private = ws.keys.signing_key(USERNAME)
    assert private not in kf.keyfile_path(ws.path).read_bytes()
    assert base64.b64encode(private) not in kf.keyfile_path(ws.path).read_bytes()
    ws.close()
    again = workspace.unlock(path=ws.path, passphrase="en-helt-ny-kode", username=USERNAME)
    try:
        assert again.signers[again.user.id].key_id == on_record[0]["id"]
        assert all(c.ok for c in integrity.verify(ws=again))
    finally:
        again.close()


def test_signed_records_and_corrections_carry_their_authors_signature(ws) -> None:
    _annas_signed_entry(ws)
    assert ws.db.scalar("SELECT count(*) FROM signatures_pending") == 0
    corrections = ws.db.scalar("SELECT count(*) FROM journal_entries WHERE supersedes_id IS NOT NULL")
    signed_corrections = ws.db.scalar(
        "SELECT count(*) FROM journal_entries j JOIN record_signatures s ON s.kind = 'journal_entries' "
        "AND s.record_id = j.id WHERE j.supersedes_id IS NOT NULL")
    assert corrections and signed_corrections == corrections
    checks = {c.name: c for c in integrity.verify(ws=ws)}
    assert checks["signatures"].ok and checks["audit_signatures"].ok and checks["signing_keys"].ok


def test_a_data_key_holder_who_rewrites_a_signed_entry_behind_dropped_triggers_is_caught(ws) -> None:
    entry = _annas_signed_entry(ws)
    day = ws.db.scalar("SELECT substr(event_time, 1, 10) FROM journal_entries WHERE id = ?", (entry,))
    raw = _raw(ws)
    raw.execute("DROP TRIGGER journal_signed_no_update")
    raw.execute("UPDATE journal_entries SET body = 'Omskrevet af en anden' WHERE id = ?", (entry,))
    raw.close()
    check = _check(ws, "signatures")
    assert not check.ok
    assert f"Journalnotat fra {day} (id {entry})" in check.detail and "passer ikke" in check.detail
    assert "Omskrevet" not in check.detail


def test_re_signing_someone_elses_entry_with_ones_own_key_is_caught(ws) -> None:
    entry = _annas_signed_entry(ws)
    mallory = UserRepository(ws.db).by_username("tbo")  # a demo therapist with a key of her own
    signer = ws.signers[mallory.id]
    raw = _raw(ws)
    for trigger in ("journal_signed_no_update", "record_signatures_no_delete"):
        raw.execute(f"DROP TRIGGER {trigger}")
    raw.execute("UPDATE journal_entries SET body = 'Omskrevet' WHERE id = ?", (entry,))
    raw.execute("DELETE FROM record_signatures WHERE kind = 'journal_entries' AND record_id = ?", (entry,))
    raw.close()
    repo = SignatureRepository(ws.db)
    row, cols, at = repo.row("journal_entries", entry), seal.columns_of(ws.db, "journal_entries"), "2026-11-24T10:00:00+00:00"
    item = ("journal_entries", entry, canonical.digest(seal.record_payload("journal_entries", seal.SIGNED["journal_entries"],
                                                                     row, cols, at)))
    prev = repo.last_seal_digest(signer.key_id)
    payload = canonical.seal(key_id=signer.key_id, signed_at=at, records=[item], audit=[], prev=prev)
    with ws.db.transaction():
        repo.add_seal(key_id=signer.key_id, version=canonical.VERSION, signed_at=at, prev=prev,
                      digest=canonical.digest(payload), signature=base64.b64encode(signer.private.sign(payload)).decode(),
                      records=[("journal_entries", entry, ",".join(cols))], audit_ids=[])
    check = _check(ws, "signatures")
    assert not check.ok and f"(id {entry}): signeret med en anden brugers nøgle" in check.detail


def test_a_wrap_added_under_another_users_name_gains_nothing_that_verifies_as_that_user(ws) -> None:
    _admin(ws)
    users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="lhv", full_name="Lis", role="therapist",
                   passphrase="lis-egen-kode")
    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    assert all(c.ok for c in integrity.verify(ws=ws))
    # Anna holds the data key: she wraps it for the name 'lhv' with her own passphrase.
    forged = kf.KeyFile.load(kf.keyfile_path(ws.path))
    forged.add_wrap(kf.user_wrap_id("lhv"), PASSPHRASE, ws.data_key)
    forged.save(kf.keyfile_path(ws.path))
    ws.close()
    as_lhv = workspace.unlock(path=ws.path, passphrase=PASSPHRASE, username="lhv")
    try:
        assert as_lhv.user.username == "lhv" and as_lhv.user.id not in as_lhv.signers
        children.overview(ws=as_lhv, child_id=child.id)
        rid, _ = records.save(ws=as_lhv, kind="contact", values={
            "child_id": child.id, "contact_date": "2026-11-20", "made_by": "parent", "way": "self",
            "concern": "Bekymring"})
        records.sign(ws=as_lhv, kind="contact", record_id=rid, passphrase=PASSPHRASE)
        checks = {c.name: c for c in integrity.verify(ws=as_lhv)}
        assert not checks["audit_signatures"].ok and "ikke signeret af brugerens nøgle" in checks["audit_signatures"].detail
        assert not checks["signatures"].ok and "Henvendelse fra 2026-11-20" in checks["signatures"].detail
        assert "mangler forfatterens signatur" in checks["signatures"].detail
    finally:
        as_lhv.close()


def test_rows_signed_before_signatures_count_apart_and_old_users_get_a_key_at_their_next_unlock(tmp_path) -> None:
    path = tmp_path / "gammel.db"
    data_key = kf.new_data_key()
    old_keys = kf.KeyFile.new()
    old_keys.add_wrap(kf.user_wrap_id("gerda"), PASSPHRASE, data_key)
    old_keys.find(kf.user_wrap_id("gerda")).signing = None  # a key file written before signatures
    old_keys.save(kf.keyfile_path(path))
    db = Database.open(path, data_key, create=True)
    mine = next(m for m in load_migrations() if m.name == "signatures")
    migrate(db, [m for m in load_migrations() if m.version < mine.version])
    from behandlerklient.storage.clock import now_utc
    with db.transaction():
        # the users row as the schema before signatures had it (today's repository writes later columns too)
        uid = db.insert("users", {"username": "gerda", "full_name": "Gerda", "role": "admin", "title": "",
                                  "phone": "", "created_at": now_utc().isoformat()})
        cid = db.insert("children", {"first_name": "A", "last_name": "B", "sort_key": "b a", "cpr": "0103164002",
                                     "birth_date": "2016-03-01", "sex": "F", "created_at": "2020-01-01T00:00:00+00:00"})
        db.insert("journal_entries", {"child_id": cid, "kind": "note", "title": "T", "body": "B", "author_id": uid,
                                      "author_role": "admin", "event_time": "2020-01-02T12:00:00+00:00",
                                      "written_at": "2020-01-02T12:00:00+00:00",
                                      "signed_at": "2020-01-02T12:00:00+00:00"})
    db.close()
    ws = workspace.unlock(path=path, passphrase=PASSPHRASE, username="gerda")
    try:
        assert ws.user.id in ws.signers
        assert kf.KeyFile.load(kf.keyfile_path(path)).find(kf.user_wrap_id("gerda")).signing is not None
        checks = {c.name: c for c in integrity.verify(ws=ws)}
        assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
        assert "1 underskrevet før signaturer blev indført" in checks["signatures"].detail
    finally:
        ws.close()


def _rewrite_chain_from(db: Database, first_id: int, *, drop_from: int | None = None) -> None:
    """Someone with the data key rewrites the audit log and recomputes every hash after it (no key needed)."""
    from behandlerklient.services.signatures import audit

    for trigger in ("audit_no_update", "audit_no_delete", "audit_signatures_no_delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    if drop_from is not None:
        db.execute("DELETE FROM audit_log WHERE id >= ?", (drop_from,))
    else:
        db.execute("UPDATE audit_log SET detail = 'intet at se' WHERE id = ?", (first_id,))
    prev = db.scalar("SELECT hash FROM audit_log WHERE id = ?", (first_id - 1,)) or ""
    last = (0, "")
    v2_from = db.scalar("SELECT audit_v2_from FROM device")
    for r in db.query("SELECT a.id, a.at, a.user_id, a.action, a.child_id, a.object, a.detail, a.uid, "
                      "a.origin_device, u.username, c.uid FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
                      "LEFT JOIN children c ON c.id = a.child_id WHERE a.id >= ? ORDER BY a.id", (first_id,)):
        digest = audit._hash(prev, *r[:7]) if r[0] < v2_from else audit._hash_v2(
            r[8], r[7], prev, r[1], r[9], r[3], r[10], r[5], r[6])  # each device's chain (schema 13)
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r[0]))
        prev, last = digest, (r[0], digest)
    if drop_from is not None:
        last = (drop_from - 1, db.scalar("SELECT hash FROM audit_log WHERE id = ?", (drop_from - 1,)))
    db.execute("UPDATE audit_head SET last_id = ?, last_hash = ?", last)


@pytest.mark.parametrize("attack", ["rewrite", "remove"])
def test_a_backup_and_an_export_keep_the_chain_head_that_verify_against_checks(ws, tmp_path, attack) -> None:
    from behandlerklient.services.exchange import transfer
    from behandlerklient.services.signatures import anchor
    from behandlerklient.services.workspace import backup

    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    children.overview(ws=ws, child_id=child.id)
    last = ws.db.scalar("SELECT max(id) FROM audit_log")
    made = backup.backup(ws=ws, out=tmp_path / "kopi.bkbackup")
    exported = tmp_path / "eksport.json"
    exported.write_text(transfer.export_json(ws=ws), encoding="utf-8")
    head = anchor.read(made)
    assert head == {"id": last, "hash": ws.db.scalar("SELECT hash FROM audit_log WHERE id = ?", (last,))}
    # The backup's own audit row, then the export's (written before its header), come before the export's head.
    assert anchor.read(exported)["id"] == last + 2
    for path in (made, exported):
        assert anchor.check(ws.db, anchor.read(path), path.name)[1]

    raw = _raw(ws)
    if attack == "rewrite":
        _rewrite_chain_from(raw, 1)
    else:
        _rewrite_chain_from(raw, last, drop_from=last)
    raw.close()
    assert _check(ws, "audit_chain").ok  # the chain alone cannot tell
    name, ok, detail = anchor.check(ws.db, anchor.read(made), made.name)
    assert not ok and ("ændret" if attack == "rewrite" else "fjernet") in detail


def test_imported_signed_rows_are_vouched_for_by_the_importing_admin_and_counted_apart(ws, tmp_path) -> None:
    from behandlerklient.services.exchange import transfer

    demo.generate(ws=ws, children_count=2, seed=3, today=date(2026, 11, 23))
    text = transfer.export_json(ws=ws)
    target = workspace.create(path=tmp_path / "ny.db", username="chef", full_name="Chef", passphrase=PASSPHRASE)
    try:
        transfer.import_json(ws=target, text=text)
        checks = {c.name: c for c in integrity.verify(ws=target)}
        assert checks["signatures"].ok and "importeret" in checks["signatures"].detail
        # An importer who is not an administrator vouches for nothing.
        target.db.execute("UPDATE users SET role = 'therapist' WHERE username = 'chef'")
        assert not _check(target, "signatures").ok
    finally:
        target.close()


def test_after_a_recovery_reset_the_users_new_key_counts_only_once_an_administrator_registers_it(ws) -> None:
    _admin(ws)
    users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="lhv", full_name="Lis", role="therapist",
                   passphrase="lis-egen-kode")
    code = keys.create_recovery_key(ws=ws, passphrase=PASSPHRASE)
    keys.reset_with_recovery(db_path=ws.path, username="lhv", recovery_code=code, new_passphrase="lis-nye-kode")
    ws.keys = kf.KeyFile.load(kf.keyfile_path(ws.path))
    as_lhv = workspace.unlock(path=ws.path, passphrase="lis-nye-kode", username="lhv")
    try:
        assert as_lhv.user.id not in as_lhv.signers  # a reset key is not the one on record
    finally:
        as_lhv.close()
    ws.keys.unwrap(kf.user_wrap_id(USERNAME), PASSPHRASE)
    seal.register_wrap_key(ws=ws, username="lhv")
    ws.close()
    as_lhv = workspace.unlock(path=ws.path, passphrase="lis-nye-kode", username="lhv")
    try:
        assert as_lhv.user.id in as_lhv.signers
        assert all(c.ok for c in integrity.verify(ws=as_lhv)), [c for c in integrity.verify(ws=as_lhv) if not c.ok]
    finally:
        as_lhv.close()
