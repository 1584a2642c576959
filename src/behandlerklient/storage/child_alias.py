"""The children registered twice (same CPR on two laptops) and the coordinator's decisions that merge them
(migration child_alias). A merged pair resolves either uid to the child row this laptop holds."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class ChildAliasRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def note(self, *, alias_uid: str, child_uid: str, registered_by: str | None, at: str) -> None:
        self.db.execute("INSERT INTO child_alias (alias_uid, child_uid, registered_by, found_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (alias_uid) DO UPDATE SET registered_by = coalesce(child_alias.registered_by, "
                        "excluded.registered_by)", (alias_uid, child_uid, registered_by, at))

    def merged(self, *, alias_uid: str, merged_by: str, decision: str, at: str) -> None:
        self.db.execute("UPDATE child_alias SET merged_at = ?, merged_by = ?, decision = ? "
                        "WHERE alias_uid = ? AND merged_at IS NULL", (at, merged_by, decision, alias_uid))

    def any_merged(self) -> bool:
        """Whether any pair is merged here (most laptops have none: a pull page then looks up no alias)."""
        return bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM child_alias WHERE merged_at IS NOT NULL)"))

    def survivors(self) -> dict[str, str]:
        """Each merged twin's uid -> the uid the coordinator's decision kept: one name for the child on every laptop,
        whichever of the two rows it holds."""
        return dict(self.db.query("SELECT alias_uid, child_uid FROM child_alias WHERE merged_at IS NOT NULL"))

    def get(self, alias_uid: str) -> Any:
        return self.db.query_one("SELECT * FROM child_alias WHERE alias_uid = ?", (alias_uid,))

    def pending(self) -> list[Any]:
        return self.db.query("SELECT * FROM child_alias WHERE merged_at IS NULL ORDER BY found_at, alias_uid")

    def all(self) -> list[Any]:
        return self.db.query("SELECT * FROM child_alias ORDER BY found_at, alias_uid")

    def child_id(self, uid: str) -> int | None:
        """The local child for `uid`: its own row, else the row of a child it was merged with."""
        found = self.db.scalar("SELECT id FROM children WHERE uid = ?", (uid,))
        if found is not None:
            return int(found)
        other = self.db.scalar(
            "SELECT c.id FROM child_alias a JOIN children c ON c.uid = CASE WHEN a.alias_uid = ? THEN a.child_uid "
            "ELSE a.alias_uid END WHERE a.merged_at IS NOT NULL AND ? IN (a.alias_uid, a.child_uid)", (uid, uid))
        return int(other) if other is not None else None

    def local_uid_of(self, uid: str) -> str | None:
        found = self.child_id(uid)
        return None if found is None else self.db.scalar("SELECT uid FROM children WHERE id = ?", (found,))
