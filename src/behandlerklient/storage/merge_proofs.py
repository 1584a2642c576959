"""Proofs of the coordinators' merge decisions received in the pull (schema 0025_outbox14)."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class MergeProofRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def has_table(self) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_merge_proofs'"))

    def add(self, *, uid: str, seq: int, alias_uid: str, child_uid: str, author: str, envelope: str,
            content_hash: str, signature: str, public_key: str, at: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO sync_merge_proofs (uid, seq, alias_uid, child_uid, author, envelope, content_hash, "
            "signature, public_key, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, seq, alias_uid, child_uid, author, envelope, content_hash, signature, public_key, at))

    def has(self, uid: str) -> bool:
        return bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM sync_merge_proofs WHERE uid = ?)", (uid,)))

    def all(self) -> list[Any]:
        return self.db.query("SELECT * FROM sync_merge_proofs ORDER BY seq")

    def merged_pairs(self) -> list[Any]:
        """Pairs merged here: alias, child, who decided."""
        return self.db.query("SELECT alias_uid, child_uid, merged_by FROM child_alias WHERE merged_at IS NOT NULL")

    def local_usernames(self) -> set[str]:
        return {r[0] for r in self.db.query("SELECT username FROM users")}
