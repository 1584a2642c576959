"""A signed record stays byte-identical whatever statement is tried and whatever the connection's settings.

Every table that holds signed records is attacked with every statement that can change or remove a row:
UPDATE, DELETE, the replacing INSERTs (INSERT OR REPLACE, REPLACE, the rowid alias), UPSERT ... DO UPDATE,
and UPDATE OR REPLACE that moves a draft onto the signed row's key. The REPLACE family deletes the old row
without firing delete triggers unless recursive_triggers is on, so each attack runs under several settings.
The rows are made by the real services (demo data plus a questionnaire and a course change).
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from behandlerklient.security import keyfile as kf
from behandlerklient.storage.database import IntegrityError
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import child_with_consent

# Table -> (the column an attack rewrites, its new value). Every table with a signed_at column is here
# (test_every_signed_table_is_attacked keeps this list complete), plus the append-only ones.
SIGNED = {
    "journal_entries": ("body", "Omskrevet efter underskrift"),
    "sessions": ("agenda", "Omskrevet efter underskrift"),
    "contacts": ("concern", "Omskrevet efter underskrift"),
    "intakes": ("notes", "Omskrevet efter underskrift"),
    "screenings": ("symptoms", "Omskrevet efter underskrift"),
    "sdq_responses": ("answers", "2" * 25),
    "questionnaire_responses": ("answers", "3,3,3,3,3,3,3,3"),
    "consents": ("note", "Omskrevet efter underskrift"),
    "coordination_entries": ("summary", "Omskrevet efter underskrift"),
    "notifications": ("grounds", "Omskrevet efter underskrift"),
    "closings": ("content_summary", "Omskrevet efter underskrift"),
    "follow_ups": ("notes", "Omskrevet efter underskrift"),
    "group_sessions": ("agenda", "Omskrevet efter underskrift"),
}
APPEND_ONLY = {
    "course_changes": ("reason", "Omskrevet"),
    "audit_log": ("detail", "Omskrevet"),
    "events": ("reason", "Omskrevet"),
}
TABLES = {**SIGNED, **APPEND_ONLY}
# UNIQUE keys other than the rowid: a REPLACE that collides on one of them deletes the signed row too.
# closings.course_id was one until schema 13: two laptops may each close a course, and both closings are kept
# (the second is shown as a conflict). An event's global uid is one.
UNIQUE = {"events": "uid"}

STATEMENTS = ["update", "delete", "insert_or_replace", "replace", "replace_by_rowid_alias", "upsert_do_update",
              "update_or_replace_onto_id", "update_or_replace_onto_rowid"]
UNIQUE_STATEMENTS = ["insert_or_replace_on_unique", "upsert_do_update_on_unique", "update_or_replace_onto_unique"]
# The app's own settings, recursive triggers on, and everything a hostile connection could relax (pragmas are
# all it has: SQLite's C-level switch that turns triggers off is not reachable from SQL, see README).
_LAX = {"foreign_keys": "OFF", "defer_foreign_keys": "ON", "ignore_check_constraints": "ON", "trusted_schema": "OFF"}
SETTINGS = {
    "app": {"recursive_triggers": "OFF", "foreign_keys": "ON"},
    "recursive_triggers": {"recursive_triggers": "ON", "foreign_keys": "ON"},
    "lax": {"recursive_triggers": "OFF", **_LAX},
    "lax_recursive": {"recursive_triggers": "ON", **_LAX},
}
APP_SETTINGS = {"recursive_triggers": "OFF", "foreign_keys": "ON", "defer_foreign_keys": "OFF",
                "ignore_check_constraints": "OFF", "trusted_schema": "ON"}
REFUSED = r"cannot be|append-only|never change"

CASES = [(t, s) for t in TABLES for s in STATEMENTS] + [(t, s) for t in UNIQUE for s in UNIQUE_STATEMENTS]


@pytest.fixture(scope="module")
def signed_ws(template_db, tmp_path_factory):
    """One database full of signed records, shared by the module; each attack is rolled back after its check."""
    from dataclasses import replace

    from behandlerklient.services.demo import demo
    from behandlerklient.services.measures import questionnaires
    from behandlerklient.services.pathway import pathway
    from behandlerklient.services.registration import master_data
    from behandlerklient.services.workspace import workspace

    path = tmp_path_factory.mktemp("immutable") / "journal.db"
    shutil.copy2(template_db, path)
    shutil.copy2(kf.keyfile_path(template_db), kf.keyfile_path(path))
    ws = workspace.unlock(path=path, passphrase=PASSPHRASE, username=USERNAME)
    # 150 children with this seed give every kind of signed record the demo makes (group sessions and
    # notifications included); questionnaires and course changes are made here through their services.
    demo.generate(ws=ws, children_count=150, seed=3, today=date(2026, 6, 1))
    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 2, 2),
                        planned_sessions=15, reason="Tæt på den psykiatriske tærskel")
    questionnaires.record(ws=ws, child_id=child.id, questionnaire_id="eksempel-bekymring",
                          answered_on=date(2026, 5, 1), answers=[1, 2, 0, 3, 1, 2, 0, 1])
    master_data.save(ws=ws, child_id=child.id, edited=replace(master_data.current(ws=ws, child_id=child.id),
                                                              school="Marstal Skole"))
    yield ws
    ws.close()


def _columns(db, table: str) -> list[str]:
    return [r[1] for r in db.query(f"PRAGMA table_info({table})")]


def _signed_id(db, table: str) -> int:
    where = "state = 'signed'" if table == "sessions" else "signed_at IS NOT NULL" if table in SIGNED else "1"
    rid = db.scalar(f"SELECT min(id) FROM {table} WHERE {where}")
    assert rid is not None, f"the services made no signed row in {table}"
    return rid


def _exact(db, table: str, rid: int) -> tuple | None:
    """The stored row as SQL literals: type and bytes, not only Python equality."""
    cols = ", ".join(f"quote({c})" for c in _columns(db, table))
    row = db.query_one(f"SELECT {cols} FROM {table} WHERE id = ?", (rid,))
    return None if row is None else tuple(row)


def _draft_copy(db, table: str, row: dict) -> int:
    """A new, unsigned row like the signed one (where a table has drafts), to be moved onto the signed key."""
    values = dict(row, id=None)
    if "uid" in values:  # a new record: Database.insert gives it its own global id
        values["uid"] = None
    if table in SIGNED:
        values["signed_at"] = None
    if table == "sessions":
        values["state"] = "draft"
    if table == "audit_log":
        values["id"] = db.scalar("SELECT max(id) + 1 FROM audit_log")
    if table in UNIQUE:
        column = UNIQUE[table]
        values[column] = f"{values[column]}-copy"  # a free value of the key, to be moved onto the kept row's
    return db.insert(table, values)


def _insert(verb: str, table: str, values: dict, tail: str = "") -> tuple[str, tuple]:
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return f"{verb} INTO {table} ({cols}) VALUES ({marks}){tail}", tuple(values.values())


def _attack(db, table: str, statement: str, rid: int) -> tuple[str, tuple]:
    column, new = TABLES[table]
    row = dict(zip(_columns(db, table), db.query_one(f"SELECT * FROM {table} WHERE id = ?", (rid,))))
    changed = dict(row, **{column: new})
    unique = UNIQUE.get(table)
    if statement == "update":
        return f"UPDATE {table} SET {column} = ? WHERE id = ?", (new, rid)
    if statement == "delete":
        return f"DELETE FROM {table} WHERE id = ?", (rid,)
    if statement == "insert_or_replace":
        return _insert("INSERT OR REPLACE", table, changed)
    if statement == "replace":
        return _insert("REPLACE", table, changed)
    if statement == "replace_by_rowid_alias":
        changed = {"rowid": rid, **{k: v for k, v in changed.items() if k != "id"}}
        return _insert("REPLACE", table, changed)
    if statement == "upsert_do_update":
        return _insert("INSERT", table, changed, f" ON CONFLICT(id) DO UPDATE SET {column} = excluded.{column}")
    if statement == "update_or_replace_onto_id":
        return f"UPDATE OR REPLACE {table} SET id = ? WHERE id = ?", (rid, _draft_copy(db, table, row))
    if statement == "update_or_replace_onto_rowid":
        return f"UPDATE OR REPLACE {table} SET rowid = ? WHERE id = ?", (rid, _draft_copy(db, table, row))
    if statement == "insert_or_replace_on_unique":
        return _insert("INSERT OR REPLACE", table, dict(changed, id=None))
    if statement == "upsert_do_update_on_unique":
        return _insert("INSERT", table, dict(changed, id=None),
                       f" ON CONFLICT({unique}) DO UPDATE SET {column} = excluded.{column}")
    if statement == "update_or_replace_onto_unique":
        return f"UPDATE OR REPLACE {table} SET {unique} = ? WHERE id = ?", (row[unique], _draft_copy(db, table, row))
    raise AssertionError(statement)


def _set(db, settings: dict[str, str]) -> None:
    for name, value in settings.items():
        db.execute(f"PRAGMA {name} = {value}")


@pytest.mark.parametrize("settings", list(SETTINGS))
@pytest.mark.parametrize(("table", "statement"), CASES)
def test_a_signed_row_survives_every_statement(signed_ws, table, statement, settings) -> None:
    db = signed_ws.db
    rid = _signed_id(db, table)
    before = _exact(db, table, rid)
    _set(db, SETTINGS[settings])  # outside the transaction: foreign_keys is a no-op inside one
    try:
        with db.transaction():
            sql, params = _attack(db, table, statement, rid)
            with pytest.raises(IntegrityError, match=REFUSED):
                db.execute(sql, params)
            assert _exact(db, table, rid) == before
            raise _RollBack
    except _RollBack:
        pass
    finally:
        _set(db, APP_SETTINGS)
    assert _exact(db, table, rid) == before


class _RollBack(Exception):
    """Raised inside the transaction so that a test's draft copies never reach the next test."""


def test_every_signed_table_is_attacked(signed_ws) -> None:
    db = signed_ws.db
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    with_signed_at = {t for t in tables if "signed_at" in _columns(db, t)}
    assert with_signed_at - set(LEDGERS) == set(SIGNED)
    unique = {t: sorted(i[1] for i in db.query(f"PRAGMA index_list({t})") if i[2] and i[3] == "u")
              for t in TABLES}
    assert {t: len(names) for t, names in unique.items() if names} == {t: 1 for t in UNIQUE}


def test_a_text_key_of_the_same_number_is_the_same_row(signed_ws) -> None:
    """'7' and 7.0 name the same INTEGER PRIMARY KEY as 7: the guard compares numbers, not spellings."""
    db = signed_ws.db
    rid = _signed_id(db, "journal_entries")
    before = _exact(db, "journal_entries", rid)
    row = dict(zip(_columns(db, "journal_entries"), db.query_one("SELECT * FROM journal_entries WHERE id = ?", (rid,))))
    for key in (str(rid), float(rid), f" {rid}"):
        sql, params = _insert("REPLACE", "journal_entries", dict(row, id=key, body="Omskrevet"))
        with pytest.raises(IntegrityError, match=REFUSED):
            db.execute(sql, params)
    assert _exact(db, "journal_entries", rid) == before


HEAD_ATTACKS = {
    "wind_back": "UPDATE audit_head SET last_id = last_id - 1, last_hash = "
                 "(SELECT hash FROM audit_log WHERE id = (SELECT last_id - 1 FROM audit_head))",
    "delete": "DELETE FROM audit_head",
    "insert_or_replace": "INSERT OR REPLACE INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, '')",
    "replace": "REPLACE INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, '')",
    "upsert_do_update": "INSERT INTO audit_head VALUES (1, 0, '') ON CONFLICT(singleton) DO UPDATE SET last_id = 0",
}


@pytest.mark.parametrize("settings", list(SETTINGS))
@pytest.mark.parametrize("attack", list(HEAD_ATTACKS))
def test_the_audit_head_only_follows_the_log(signed_ws, attack, settings) -> None:
    """Winding the head back would hide the log's last rows from a chain check that trusts the head."""
    db = signed_ws.db
    before = tuple(db.query_one("SELECT * FROM audit_head"))
    _set(db, SETTINGS[settings])
    try:
        with pytest.raises(IntegrityError, match="audit head"):
            db.execute(HEAD_ATTACKS[attack])
    finally:
        _set(db, APP_SETTINGS)
    assert tuple(db.query_one("SELECT * FROM audit_head")) == before


# Append-only ledgers of later schemas (signatures, master data changes), each with every key it has.
LEDGERS = {
    "seals": ("id",),
    "signing_keys": ("id", "public_key"),
    "record_signatures": ("id", "kind, record_id"),
    "audit_signatures": ("audit_id",),
    "signature_epoch": ("kind",),
    "child_changes": ("id",),
}


def _ledger_row(db, table: str) -> dict:
    cols = _columns(db, table)
    found = db.query_one(f"SELECT * FROM {table} ORDER BY rowid LIMIT 1")
    assert found is not None, f"{table} has no row to attack"
    return dict(zip(cols, found))


def _ledger_where(row: dict, key: str) -> tuple[str, tuple]:
    names = [k.strip() for k in key.split(",")]
    return " AND ".join(f"{n} = ?" for n in names), tuple(row[n] for n in names)


@pytest.mark.parametrize("settings", list(SETTINGS))
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE", "UPDATE", "DELETE"])
@pytest.mark.parametrize("table", list(LEDGERS))
def test_a_ledger_row_survives_every_statement(signed_ws, table, verb, settings) -> None:
    db = signed_ws.db
    row = _ledger_row(db, table)
    for key in LEDGERS[table]:
        where, params = _ledger_where(row, key)
        before = db.query(f"SELECT quote({'), quote('.join(row)}) FROM {table} WHERE {where}", params)
        _set(db, SETTINGS[settings])
        try:
            with pytest.raises(IntegrityError, match=REFUSED):
                if verb == "UPDATE":
                    db.execute(f"UPDATE {table} SET {next(iter(row))} = {next(iter(row))} WHERE {where}", params)
                elif verb == "DELETE":
                    db.execute(f"DELETE FROM {table} WHERE {where}", params)
                else:
                    # The same key, every other column rewritten where the type allows: a forged replacement.
                    keys = {n.strip() for n in key.split(",")}
                    forged = {c: (v if c in keys or not isinstance(v, str) else v + "x") for c, v in row.items()}
                    if key != "id" and "id" in forged:
                        forged["id"] = None  # collide on the other key alone
                    db.execute(*_insert(verb, table, forged))
        finally:
            _set(db, APP_SETTINGS)
        assert db.query(f"SELECT quote({'), quote('.join(row)}) FROM {table} WHERE {where}", params) == before
