import pytest
import sqlcipher3

from behandlerklient.services.demo import demo
from behandlerklient.services.verify import integrity
from behandlerklient.storage import schema_triggers


def test_verify_passes_on_a_healthy_database(ws) -> None:
    demo.generate(ws=ws, children_count=5, seed=1)
    checks = integrity.verify(ws=ws)
    names = [c.name for c in checks]
    assert names[:7] == ["sqlcipher", "integrity", "schema", "triggers", "foreign_keys", "audit_chain",
                         "search_index"]
    assert {"signing_keys", "signatures", "audit_signatures"} <= set(names)
    assert all(c.ok for c in checks)


def test_verify_finds_broken_foreign_keys(ws) -> None:
    ws.db.execute("PRAGMA foreign_keys = OFF")
    ws.db.execute("INSERT INTO guardians (child_id, name, uid, origin_device) "
                  "VALUES (4242, 'Forældreløs', uuid7(), (SELECT device_uid FROM device))")
    ws.db.execute("PRAGMA foreign_keys = ON")
    fk = next(c for c in integrity.verify(ws=ws) if c.name == "foreign_keys")
    assert not fk.ok and "guardians" in fk.detail


def test_verify_finds_a_wrong_schema_version(ws) -> None:
    ws.db.execute("PRAGMA user_version = 0")
    schema = next(c for c in integrity.verify(ws=ws) if c.name == "schema")
    assert not schema.ok


def test_verify_finds_a_search_index_out_of_step_with_the_register(ws) -> None:
    demo.generate(ws=ws, children_count=3, seed=2)
    ws.db.execute("DELETE FROM child_search_terms WHERE child_id = (SELECT min(id) FROM children) AND term = "
                  "(SELECT min(term) FROM child_search_terms WHERE child_id = (SELECT min(id) FROM children))")
    ws.db.execute("INSERT INTO child_search_terms VALUES ('zz', 'x', 1)")
    check = next(c for c in integrity.verify(ws=ws) if c.name == "search_index")
    assert not check.ok and "2 forskelle" in check.detail


def _raw(ws, *statements: str) -> None:
    """What a user holding the data key can do with any SQLite tool: a connection of its own, no app code."""
    conn = sqlcipher3.connect(str(ws.path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{ws.data_key.hex()}'\"")
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def _trigger_check(ws):
    return next(c for c in integrity.verify(ws=ws) if c.name == "triggers")


def test_verify_finds_every_trigger_as_the_migrations_made_it(ws) -> None:
    demo.generate(ws=ws, children_count=3, seed=4)
    check = _trigger_check(ws)
    assert check.ok and str(len(schema_triggers.expected())) in check.detail
    # Every freeze guard of the signed tables is among the triggers checked.
    assert {"journal_signed_no_update", "journal_signed_no_delete", "journal_signed_no_replace", "audit_no_update",
            "audit_no_replace", "closings_not_replaced", "follow_ups_kept"} <= set(schema_triggers.expected())


@pytest.mark.parametrize("trigger", ["journal_signed_no_delete", "audit_no_update", "session_signed_no_replace",
                                     "group_sessions_kept", "audit_head_follows_log"])
def test_verify_names_a_dropped_trigger(ws, trigger) -> None:
    _raw(ws, f"DROP TRIGGER {trigger}")
    check = _trigger_check(ws)
    assert not check.ok and check.detail.endswith(f"mangler: {trigger}")


def test_verify_names_a_trigger_given_a_harmless_body(ws) -> None:
    """Same name, same table and event: only the text tells that the guard no longer refuses anything."""
    _raw(ws, "DROP TRIGGER journal_signed_no_update",
         "CREATE TRIGGER journal_signed_no_update BEFORE UPDATE ON journal_entries "
         "WHEN OLD.signed_at IS NOT NULL BEGIN SELECT 1; END")
    check = _trigger_check(ws)
    assert not check.ok and check.detail.endswith("ændret: journal_signed_no_update")


def test_verify_names_an_added_trigger(ws) -> None:
    _raw(ws, "CREATE TRIGGER quietly_rewrite AFTER INSERT ON journal_entries BEGIN SELECT 1; END")
    check = _trigger_check(ws)
    assert not check.ok and check.detail.endswith("ukendt: quietly_rewrite")


def test_a_trigger_rewritten_in_place_through_writable_schema_is_found(ws) -> None:
    _raw(ws, "PRAGMA writable_schema = ON",
         "UPDATE sqlite_master SET sql = replace(sql, 'IS NOT NULL', 'IS NULL') WHERE name = 'consents_kept'")
    ws.close()
    from behandlerklient.services.workspace import workspace
    from tests.conftest import PASSPHRASE, USERNAME

    again = workspace.unlock(path=ws.path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        check = _trigger_check(again)
    finally:
        again.close()
    assert not check.ok and "ændret: consents_kept" in check.detail
