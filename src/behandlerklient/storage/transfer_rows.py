"""Whole tables read a page at a time (the JSON export) and the few look-ups an import makes per row."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from behandlerklient.storage.database import Database
from behandlerklient.storage.import_scratch import SCHEMA as SCRATCH

PAGE_ROWS = 500  # rows held at a time: the export's memory does not grow with the database


def column_types(db: Database, table: str) -> dict[str, str]:
    """The table's columns in schema order, each with its declared type (upper case)."""
    return {r["name"]: str(r["type"]).upper() for r in db.query(f"PRAGMA table_info({table})")}


def rows(db: Database, table: str, columns: list[str]) -> Iterator[dict[str, Any]]:
    """Every row of the table in id order, as {column: value}, fetched PAGE_ROWS rows at a time."""
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
    while batch := cursor.fetchmany(PAGE_ROWS):
        for r in batch:
            yield dict(zip(columns, r))


@contextlib.contextmanager
def snapshot(db: Database) -> Iterator[None]:
    """One read transaction: every table is read as of the same moment, without taking the write lock, so
    the app can go on saving while a long export runs (WAL readers do not block the writer)."""
    if db.in_transaction:  # the caller's transaction is already one consistent view
        yield
        return
    db.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            db.execute("COMMIT")


def is_empty(db: Database, tables: list[str]) -> bool:
    return all(db.scalar(f"SELECT NOT EXISTS (SELECT 1 FROM {t})") for t in tables)


def user_id(db: Database, username: str) -> int | None:
    return db.scalar("SELECT id FROM users WHERE username = ?", (username,))


def id_taken(db: Database, table: str, row_id: int) -> bool:
    return bool(db.scalar(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?)", (row_id,)))


def global_rows(db: Database, table: str, columns: list[str], refs: dict[str, str],
                sources: dict[str, str] | None = None, *, record_id: int | None = None,
                local_id: str = "") -> Iterator[dict[str, Any]]:
    """Every row of the table in id order with global references (export format 2): the local `id` left out, a
    reference to a user as the user name, to any other record as that record's uid. `sources` maps a
    journal entry's `source` to the table its `source_id` points into. `local_id` names a field that keeps the
    local id (the export: what the author's seal was signed over)."""
    picks, joins = (["t.id"] if local_id else []), []
    for n, col in enumerate(c for c in columns if c != "id"):
        ref = refs.get(col)
        if ref is None and not (sources and col == "source_id"):
            picks.append(f"t.{col}")
        elif ref is not None:
            picks.append(f"r{n}.{'username' if ref == 'users' else 'uid'}")
            joins.append(f"LEFT JOIN {ref} r{n} ON r{n}.id = t.{col}")
        else:  # one column, several tables: the source names which
            cases = " ".join(f"WHEN '{kind}' THEN (SELECT uid FROM {ref} WHERE id = t.source_id)"
                             for kind, ref in (sources or {}).items())
            picks.append(f"CASE t.source {cases} END")
    names = ([local_id] if local_id else []) + [c for c in columns if c != "id"]
    where, params = ("WHERE t.id = ?", (record_id,)) if record_id is not None else ("", ())
    cursor = db.execute(f"SELECT {', '.join(picks)} FROM {table} t {' '.join(joins)} {where} ORDER BY t.id", params)
    while batch := cursor.fetchmany(PAGE_ROWS):
        for r in batch:
            yield dict(zip(names, r, strict=True))


def insert(db: Database, table: str, values: dict[str, Any]) -> int:
    """One imported row; its new id (a constraint violation stays an IntegrityError for the import to name)."""
    return db.insert(table, values)


def floor_id(db: Database, table: str) -> int:
    """The largest id before an import: a reference resolved to a row above it points at a row of the file."""
    return int(db.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))


def id_by_uid(db: Database, table: str, uid: str) -> int | None:
    return db.scalar(f"SELECT id FROM {table} WHERE uid = ?", (uid,))


# -- the outbox's work list, set aside while an import seals its audit rows ----------------------------------------
def set_aside_pending(db: Database) -> None:
    """Moves the outbox's work list (sync_pending: shared rows waiting for their author's key) into the import's
    scratch database (storage/import_scratch.py), in the caller's transaction; `restore_pending` puts it back."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {SCRATCH}.set_aside (kind TEXT NOT NULL, record_id INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {SCRATCH}.set_aside SELECT kind, record_id FROM sync_pending")
    db.execute("DELETE FROM sync_pending")


def restore_pending(db: Database) -> None:
    if db.scalar(f"SELECT 1 FROM {SCRATCH}.sqlite_master WHERE type = 'table' AND name = 'set_aside'"):
        db.execute(f"INSERT OR IGNORE INTO sync_pending (kind, record_id) SELECT kind, record_id "
                   f"FROM {SCRATCH}.set_aside")
        db.execute(f"DROP TABLE {SCRATCH}.set_aside")


# -- access grants (docs/export-format.md, "Access grants") ------------------------------------------------------
GRANT_FIELDS = ("child_uid", "username", "kind", "granted_by", "granted_at", "note", "revoked_by", "revoked_at")
PAIR_FIELDS = ("supervisor", "therapist", "granted_by", "granted_at", "revoked_by", "revoked_at")


def grant_rows(db: Database) -> Iterator[dict[str, Any]]:
    """Every caseload and shared-child grant, revoked ones included, in the order they were made; the child by
    its uid, users by user name."""
    cursor = db.execute(
        "SELECT c.uid AS child_uid, u.username AS username, k.kind AS kind, g.username AS granted_by, "
        "k.granted_at AS granted_at, k.note AS note, r.username AS revoked_by, k.revoked_at AS revoked_at "
        "FROM caseloads k JOIN children c ON c.id = k.child_id JOIN users u ON u.id = k.user_id "
        "LEFT JOIN users g ON g.id = k.granted_by LEFT JOIN users r ON r.id = k.revoked_by ORDER BY k.id")
    while batch := cursor.fetchmany(PAGE_ROWS):
        for r in batch:
            yield {f: r[f] for f in GRANT_FIELDS}


def pair_rows(db: Database) -> Iterator[dict[str, Any]]:
    """Every supervision pair, ended ones included, in the order they were made; users by user name."""
    cursor = db.execute(
        "SELECT s.username AS supervisor, t.username AS therapist, g.username AS granted_by, "
        "p.granted_at AS granted_at, r.username AS revoked_by, p.revoked_at AS revoked_at "
        "FROM supervision_pairs p JOIN users s ON s.id = p.supervisor_id JOIN users t ON t.id = p.therapist_id "
        "LEFT JOIN users g ON g.id = p.granted_by LEFT JOIN users r ON r.id = p.revoked_by ORDER BY p.id")
    while batch := cursor.fetchmany(PAGE_ROWS):
        for r in batch:
            yield {f: r[f] for f in PAIR_FIELDS}


def insert_grant(db: Database, *, child_id: int, user_id: int, kind: str, granted_by: int | None, granted_at: str,
                 note: str, revoked_by: int | None, revoked_at: str | None) -> int:
    """An imported grant as the file states it (a revoked one arrives revoked: the triggers allow that insert)."""
    return db.insert("caseloads", {"child_id": child_id, "user_id": user_id, "kind": kind, "granted_by": granted_by,
                                   "granted_at": granted_at, "note": note, "revoked_by": revoked_by,
                                   "revoked_at": revoked_at})


def insert_pair(db: Database, *, supervisor_id: int, therapist_id: int, granted_by: int | None, granted_at: str,
                revoked_by: int | None, revoked_at: str | None) -> int:
    return db.insert("supervision_pairs", {"supervisor_id": supervisor_id, "therapist_id": therapist_id,
                                           "granted_by": granted_by, "granted_at": granted_at,
                                           "revoked_by": revoked_by, "revoked_at": revoked_at})
