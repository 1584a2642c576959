"""Signing keys, record and audit signatures, and the list of rows waiting to be signed (schema: 0008)."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

AUDIT_READ_AHEAD = 5000  # audit rows whose hashes one read brings (a pull page audits each record it applies)


class SignatureRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Audit hashes read ahead: (first id, last id) of the range read, and the hash of each row in it. Only for
        # a repository that lives within one transaction's end (the seal at commit asks for each row in turn).
        self._hashes: tuple[int, int, dict[int, str]] | None = None
        self._asked = 0

    # -- keys ---------------------------------------------------------------------------------
    def keys_of(self, user_id: int) -> list[Any]:
        return self.db.query("SELECT * FROM signing_keys WHERE user_id = ? ORDER BY id", (user_id,))

    def all_keys(self) -> list[Any]:
        return self.db.query("SELECT k.*, u.username, u.role FROM signing_keys k "
                             "LEFT JOIN users u ON u.id = k.user_id ORDER BY k.id")

    def add_key(self, *, user_id: int, public_key: str, registered_by: int, registered_at: str,
                registration_key_id: int | None, registration_signature: str) -> int:
        return self.db.insert("signing_keys", {
            "user_id": user_id, "public_key": public_key, "registered_by": registered_by,
            "registered_at": registered_at, "registration_key_id": registration_key_id,
            "registration_signature": registration_signature})

    # -- records and seals ---------------------------------------------------------------------
    def pending(self) -> list[Any]:
        return self.db.query("SELECT kind, record_id FROM signatures_pending ORDER BY kind, record_id")

    def pending_after(self, kind: str, record_id: int, limit: int) -> list[Any]:
        """The next page of the work list after (kind, record_id), in its order."""
        return self.db.query("SELECT kind, record_id FROM signatures_pending WHERE (kind, record_id) > (?, ?) "
                             "ORDER BY kind, record_id LIMIT ?", (kind, record_id, limit))

    def columns(self, table: str) -> list[str]:
        """A signed table's columns in schema order: what a record signature covers."""
        return [r["name"] for r in self.db.query(f"PRAGMA table_info({table})")]

    def row(self, table: str, record_id: int) -> Any:
        return self.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))

    def last_seal_digest(self, key_id: int) -> str:
        return self.db.scalar("SELECT digest FROM seals WHERE key_id = ? ORDER BY id DESC LIMIT 1", (key_id,)) or ""

    def add_seal(self, *, key_id: int, version: int, signed_at: str, signature: str, prev: str, digest: str,
                 records: list[tuple[str, int, str]], audit_ids: list[int], role: str = "author") -> int:
        """records: (kind, record id, covered columns)."""
        seal_id = self.db.insert("seals", {"key_id": key_id, "role": role, "alg": "ed25519", "version": version,
                                           "signed_at": signed_at, "prev": prev, "digest": digest,
                                           "signature": signature})
        self.db.executemany("INSERT INTO record_signatures (kind, record_id, seal_id, columns) VALUES (?, ?, ?, ?)",
                            [(k, rid, seal_id, cols) for k, rid, cols in records])
        self.db.executemany("DELETE FROM signatures_pending WHERE kind = ? AND record_id = ?",
                            [(k, rid) for k, rid, _ in records])
        self.db.executemany("INSERT INTO audit_signatures (audit_id, seal_id) VALUES (?, ?)",
                            [(a, seal_id) for a in audit_ids])
        return seal_id

    def seals(self) -> list[Any]:
        return self.db.query("SELECT * FROM seals ORDER BY id")

    def signed_rows(self, table: str, signed_flag: str) -> Any:
        """Every signed row of `table` with what its signature covers (if it has one)."""
        return self.db.query(
            f"SELECT t.*, s.seal_id AS sig_seal_id, s.columns AS sig_columns FROM {table} t "
            f"LEFT JOIN record_signatures s ON s.kind = ? AND s.record_id = t.id WHERE {signed_flag}", (table,))

    def orphan_signatures(self, tables: list[str]) -> int:
        """Signatures whose row is gone (deleted behind dropped triggers)."""
        count = 0
        for t in tables:
            count += self.db.scalar(f"SELECT count(*) FROM record_signatures s WHERE s.kind = ? AND NOT EXISTS "
                                    f"(SELECT 1 FROM {t} WHERE id = s.record_id)", (t,)) or 0
        return count

    def epoch(self) -> dict[str, int]:
        return {r["kind"]: r["first_id"] for r in self.db.query("SELECT kind, first_id FROM signature_epoch")}

    # -- audit --------------------------------------------------------------------------------
    def audit_rows(self, first_id: int) -> Any:
        """(id, user_id, hash, at, seal_id) of each audit row a user wrote: verify unpacks them by position."""
        return self.db.query(
            "SELECT a.id, a.user_id, a.hash, a.at, s.seal_id FROM audit_log a "
            "LEFT JOIN audit_signatures s ON s.audit_id = a.id WHERE a.id >= ? AND a.user_id IS NOT NULL "
            "ORDER BY a.id", (first_id,))

    def audit_hash(self, audit_id: int) -> str | None:
        """The hash of audit row `audit_id`, None if there is none. Asked again (the seal of many rows), it reads the
        next rows' hashes with it, in one statement instead of one a row."""
        self._asked += 1
        if self._hashes is not None and self._hashes[0] <= audit_id <= self._hashes[1]:
            return self._hashes[2].get(audit_id)
        if self._asked == 1:
            return self.db.scalar("SELECT hash FROM audit_log WHERE id = ?", (audit_id,))
        last = audit_id + AUDIT_READ_AHEAD - 1
        rows = self.db.query("SELECT id, hash FROM audit_log WHERE id BETWEEN ? AND ?", (audit_id, last))
        self._hashes = (audit_id, last, {r[0]: r[1] for r in rows})
        return self._hashes[2].get(audit_id)

    def audit_head(self) -> tuple[int, str]:
        r = self.db.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
        return int(r[0]), str(r[1])
