"""The signatures an export carries (read a seal at a time) and the proofs an import keeps (schema: 0016).

While an import runs, the file's seals are staged in its scratch database (storage/import_scratch.py), keyed by
(table, id in the file), so each row of the file finds its seal with one look-up and memory does not grow with the
number of seals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from behandlerklient.storage import transfer_rows
from behandlerklient.storage.database import Database
from behandlerklient.storage.import_scratch import SCHEMA


class ImportProofRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- export: the exporting database's own keys and author seals ----------------------------------------------
    def signing_keys(self) -> list[Any]:
        return self.db.query("SELECT k.*, u.username FROM signing_keys k JOIN users u ON u.id = k.user_id "
                             "ORDER BY k.id")

    def author_seals(self) -> Iterator[Any]:
        """Every author seal that covers at least one record, in id order, a page at a time."""
        cursor = self.db.execute("SELECT * FROM seals s WHERE role = 'author' AND EXISTS "
                                 "(SELECT 1 FROM record_signatures r WHERE r.seal_id = s.id) ORDER BY id")
        while page := cursor.fetchmany(transfer_rows.PAGE_ROWS):  # as the tables are read
            yield from page

    def imported_records(self) -> Iterator[Any]:
        """Signed records this database imported (sealed by the importing administrator), a page at a time."""
        cursor = self.db.execute("SELECT r.kind, r.record_id FROM record_signatures r JOIN seals s ON s.id = r.seal_id "
                                 "WHERE s.role = 'import' ORDER BY r.kind, r.record_id")
        while page := cursor.fetchmany(transfer_rows.PAGE_ROWS):
            yield from page

    def sealed_records(self, seal_id: int) -> list[Any]:
        return self.db.query("SELECT kind, record_id, columns FROM record_signatures WHERE seal_id = ? "
                             "ORDER BY kind, record_id", (seal_id,))

    def sealed_audit(self, seal_id: int) -> list[Any]:
        return self.db.query("SELECT a.id, a.user_id, a.hash FROM audit_signatures s JOIN audit_log a "
                             "ON a.id = s.audit_id WHERE s.seal_id = ? ORDER BY a.id", (seal_id,))

    def row(self, table: str, record_id: int) -> Any:
        return self.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))

    def epoch(self) -> dict[str, int]:
        return {r["kind"]: r["first_id"] for r in self.db.query("SELECT kind, first_id FROM signature_epoch")}

    # -- import: staging ---------------------------------------------------------------------------------------
    def stage_begin(self) -> None:
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.import_staged_seals (no INTEGER PRIMARY KEY, "
                        "payload TEXT NOT NULL, signature TEXT NOT NULL, ok INTEGER NOT NULL, "
                        "file_key INTEGER NOT NULL, signed_at TEXT NOT NULL, local INTEGER)")
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.import_staged (kind TEXT NOT NULL, file_id INTEGER NOT "
                        "NULL, digest TEXT NOT NULL, columns TEXT NOT NULL, seal_no INTEGER NOT NULL, "
                        "PRIMARY KEY (kind, file_id))")
        self.db.execute(f"DELETE FROM {SCHEMA}.import_staged")
        self.db.execute(f"DELETE FROM {SCHEMA}.import_staged_seals")

    def stage(self, *, payload: str, signature: str, ok: bool, file_key: int, signed_at: str,
              records: list[tuple[str, int, str, str]]) -> bool:
        """One seal of the file and its records (kind, id in the file, digest, covered columns). False if a
        record already has a seal in the file."""
        no = self.db.execute(f"INSERT INTO {SCHEMA}.import_staged_seals (payload, signature, ok, file_key, signed_at) "
                             "VALUES (?, ?, ?, ?, ?)", (payload, signature, int(ok), file_key, signed_at)).lastrowid
        for kind, file_id, digest, columns in records:
            if self.db.scalar(f"SELECT 1 FROM {SCHEMA}.import_staged WHERE kind = ? AND file_id = ?", (kind, file_id)):
                return False
            self.db.execute(f"INSERT INTO {SCHEMA}.import_staged VALUES (?, ?, ?, ?, ?)",
                            (kind, file_id, digest, columns, no))
        return True

    def stage_unproven(self, kind: str, file_id: int) -> bool:
        """A record the file declares as carrying no author's proof (seal_no 0)."""
        if self.db.scalar(f"SELECT 1 FROM {SCHEMA}.import_staged WHERE kind = ? AND file_id = ?", (kind, file_id)):
            return False
        self.db.execute(f"INSERT INTO {SCHEMA}.import_staged VALUES (?, ?, '', '', 0)", (kind, file_id))
        return True

    def staged(self, kind: str, file_id: int) -> Any:
        return self.db.query_one(
            f"SELECT r.digest, r.columns, r.seal_no, s.ok, s.file_key, s.signed_at FROM {SCHEMA}.import_staged r "
            f"LEFT JOIN {SCHEMA}.import_staged_seals s ON s.no = r.seal_no WHERE r.kind = ? AND r.file_id = ?",
            (kind, file_id))

    def keep_seal(self, seal_no: int, key_id: int) -> int:
        """The staged seal as an imported_seals row, written the first time one of its records is imported."""
        s = self.db.query_one(f"SELECT payload, signature, local FROM {SCHEMA}.import_staged_seals WHERE no = ?",
                              (seal_no,))
        if s["local"] is not None:
            return int(s["local"])
        local = self.add_seal(key_id=key_id, payload=s["payload"], signature=s["signature"])
        self.db.execute(f"UPDATE {SCHEMA}.import_staged_seals SET local = ? WHERE no = ?", (local, seal_no))
        return local

    def stage_end(self) -> None:
        self.db.execute(f"DROP TABLE IF EXISTS {SCHEMA}.import_staged")
        self.db.execute(f"DROP TABLE IF EXISTS {SCHEMA}.import_staged_seals")

    # -- import: what is kept ----------------------------------------------------------------------------------
    def registered(self, user_id: int, public_key: str) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM signing_keys WHERE user_id = ? AND public_key = ?",
                                   (user_id, public_key)))

    def has_own_keys(self, user_id: int) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM signing_keys WHERE user_id = ?", (user_id,)))

    def imported_key(self, user_id: int, public_key: str) -> int | None:
        """The key an earlier import trusted for this user (on the registration in its file)."""
        return self.db.scalar("SELECT min(id) FROM imported_keys WHERE user_id = ? AND public_key = ? "
                              "AND registration != ''", (user_id, public_key))

    def add_key(self, *, user_id: int, public_key: str, registration: str, registrar_key: str,
                registration_signature: str) -> int:
        return int(self.db.execute(
            "INSERT INTO imported_keys (user_id, public_key, registration, registrar_key, registration_signature) "
            "VALUES (?, ?, ?, ?, ?)", (user_id, public_key, registration, registrar_key, registration_signature)
        ).lastrowid)

    def add_seal(self, *, key_id: int, payload: str, signature: str) -> int:
        # Not Database.insert: a seal's payload is the program's own text (hashes and ids), not typed input,
        # and may be longer than a typed field may be.
        return int(self.db.execute("INSERT INTO imported_seals (key_id, payload, signature) VALUES (?, ?, ?)",
                                   (key_id, payload, signature)).lastrowid)

    def add_proof(self, *, kind: str, record_id: int, seal_id: int | None, ids: str, columns: str) -> None:
        self.db.execute("INSERT INTO imported_signatures (kind, record_id, seal_id, ids, columns) "
                        "VALUES (?, ?, ?, ?, ?)", (kind, record_id, seal_id, ids, columns))

    # -- verify ------------------------------------------------------------------------------------------------
    def proofs(self, kind: str) -> list[Any]:
        """Each imported record of `kind` with its proof (if any) and the row as it is now (t_*)."""
        return self.db.query(
            f"SELECT p.record_id AS proof_record_id, p.seal_id AS proof_seal_id, p.ids AS proof_ids, "
            f"p.columns AS proof_columns, t.* FROM imported_signatures p "
            f"LEFT JOIN {kind} t ON t.id = p.record_id WHERE p.kind = ? ORDER BY p.record_id", (kind,))

    def seal(self, seal_id: int) -> Any:
        return self.db.query_one("SELECT s.payload, s.signature, k.* FROM imported_seals s "
                                 "JOIN imported_keys k ON k.id = s.key_id WHERE s.id = ?", (seal_id,))

    def username(self, user_id: Any) -> str | None:
        return self.db.scalar("SELECT username FROM users WHERE id = ?", (user_id,))

    def import_sealed_without_proof(self, first_seal: int) -> list[Any]:
        """Records an import seal from `first_seal` on covers that have no imported_signatures row."""
        return self.db.query(
            "SELECT r.kind, r.record_id FROM record_signatures r JOIN seals s ON s.id = r.seal_id "
            "WHERE s.role = 'import' AND s.id >= ? AND NOT EXISTS (SELECT 1 FROM imported_signatures p "
            "WHERE p.kind = r.kind AND p.record_id = r.record_id) ORDER BY r.kind, r.record_id", (first_seal,))

    def unproven(self, kind: str, record_ids: list[int]) -> set[int]:
        """Which of these records were imported without their author's proof."""
        found: set[int] = set()
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start:start + 500]
            found |= {r[0] for r in self.db.query(
                f"SELECT record_id FROM imported_signatures WHERE kind = ? AND seal_id IS NULL AND record_id IN "
                f"({', '.join('?' for _ in chunk)})", (kind, *chunk))}
        return found
