"""Caseloads, children shared with a colleague, and supervision pairs (schema 13); the child list in the order
"own caseload first". Grants are append-only: revoking sets revoked_at once (a trigger refuses anything else)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from behandlerklient.storage.children import ChildRow
from behandlerklient.storage.clock import from_text, to_text
from behandlerklient.storage.database import Database

_COLUMNS = "c.id, c.first_name, c.last_name, c.cpr, c.birth_date"
_ACTIVE = "k.revoked_at IS NULL AND k.user_id = ?"
# The user's own children (caseload or shared), as a condition on a child id column.
# Up to this many children a caseload is read whole for the own-first list (see _own_select).
CASELOAD_READ_WHOLE = 300
_OWN = "EXISTS (SELECT 1 FROM caseloads k WHERE k.child_id = {col} AND " + _ACTIVE + ")"


def _list_row(r) -> ChildRow:  # noqa: ANN001 - a row
    return ChildRow(r["id"], r["first_name"], r["last_name"], r["cpr"], date.fromisoformat(r["birth_date"]))


@dataclass(frozen=True)
class Grant:
    id: int
    child_id: int
    user_id: int
    username: str
    full_name: str
    kind: str  # caseload | shared
    granted_by: int | None
    granted_at: datetime | None
    note: str


@dataclass(frozen=True)
class Pair:
    id: int
    supervisor_id: int
    supervisor: str
    therapist_id: int
    therapist: str
    granted_at: datetime | None


class AccessRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def setting(self, key: str) -> str | None:
        """An installation setting the rules read (supervisor_sees_clinical_text); None when never set."""
        return self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))

    # -- caseloads and shared children ----------------------------------------------------
    def grant(self, *, child_id: int, user_id: int, kind: str, granted_by: int | None, now: datetime,
              note: str = "") -> int:
        return self.db.insert("caseloads", {"child_id": child_id, "user_id": user_id, "kind": kind,
                                            "granted_by": granted_by, "granted_at": to_text(now), "note": note})

    def revoke(self, *, child_id: int, user_id: int, kind: str, revoked_by: int, now: datetime) -> int:
        cur = self.db.execute("UPDATE caseloads SET revoked_at = ?, revoked_by = ? WHERE child_id = ? AND user_id = ? "
                              "AND kind = ? AND revoked_at IS NULL",
                              (to_text(now), revoked_by, child_id, user_id, kind))
        return cur.rowcount

    def active(self, *, child_id: int) -> list[Grant]:
        rows = self.db.query(
            "SELECT k.id, k.child_id, k.user_id, u.username, u.full_name, k.kind, k.granted_by, k.granted_at, k.note "
            "FROM caseloads k JOIN users u ON u.id = k.user_id WHERE k.child_id = ? AND k.revoked_at IS NULL "
            "ORDER BY k.kind, u.full_name, k.id", (child_id,))
        return [Grant(r["id"], r["child_id"], r["user_id"], r["username"], r["full_name"], r["kind"], r["granted_by"],
                      from_text(r["granted_at"]), r["note"]) for r in rows]

    def kinds_held(self, *, child_id: int, user_id: int) -> set[str]:
        """'caseload' and/or 'shared': how the user holds the child now."""
        return {r[0] for r in self.db.query("SELECT DISTINCT kind FROM caseloads k WHERE k.child_id = ? AND "
                                            + _ACTIVE, (child_id, user_id))}

    def supervises_holder(self, *, child_id: int, supervisor_id: int) -> bool:
        """Whether the child is on the caseload (or shared list) of a therapist this user supervises now."""
        return self.db.scalar(
            "SELECT 1 FROM caseloads k JOIN supervision_pairs p ON p.therapist_id = k.user_id "
            "WHERE k.child_id = ? AND k.revoked_at IS NULL AND p.supervisor_id = ? AND p.revoked_at IS NULL LIMIT 1",
            (child_id, supervisor_id)) is not None

    def own_child_ids(self, *, user_id: int, among: set[int]) -> set[int]:
        """Of the given children, those the user holds or shares (the work queue's 'own first')."""
        if not among:
            return set()
        marks = ",".join("?" for _ in among)
        return {r[0] for r in self.db.query(
            f"SELECT DISTINCT child_id FROM caseloads k WHERE k.child_id IN ({marks}) AND " + _ACTIVE,
            (*sorted(among), user_id))}

    # -- supervision pairs -----------------------------------------------------------------
    def add_pair(self, *, supervisor_id: int, therapist_id: int, granted_by: int | None, now: datetime) -> int:
        return self.db.insert("supervision_pairs", {"supervisor_id": supervisor_id, "therapist_id": therapist_id,
                                                    "granted_by": granted_by, "granted_at": to_text(now)})

    def revoke_pair(self, *, supervisor_id: int, therapist_id: int, revoked_by: int, now: datetime) -> int:
        cur = self.db.execute("UPDATE supervision_pairs SET revoked_at = ?, revoked_by = ? WHERE supervisor_id = ? "
                              "AND therapist_id = ? AND revoked_at IS NULL",
                              (to_text(now), revoked_by, supervisor_id, therapist_id))
        return cur.rowcount

    def pairs(self) -> list[Pair]:
        rows = self.db.query(
            "SELECT p.id, p.supervisor_id, s.full_name AS supervisor, p.therapist_id, t.full_name AS therapist, "
            "p.granted_at FROM supervision_pairs p JOIN users s ON s.id = p.supervisor_id JOIN users t "
            "ON t.id = p.therapist_id WHERE p.revoked_at IS NULL ORDER BY s.full_name, t.full_name")
        return [Pair(r["id"], r["supervisor_id"], r["supervisor"], r["therapist_id"], r["therapist"],
                     from_text(r["granted_at"])) for r in rows]

    def supervisee_ids(self, *, supervisor_id: int) -> set[int]:
        return {r[0] for r in self.db.query("SELECT therapist_id FROM supervision_pairs WHERE supervisor_id = ? "
                                            "AND revoked_at IS NULL", (supervisor_id,))}

    def has_pairs(self) -> bool:
        return self.db.scalar("SELECT 1 FROM supervision_pairs WHERE revoked_at IS NULL LIMIT 1") is not None

    # -- the child list, own children first ---------------------------------------------------
    def own_page(self, *, user_id: int, words: list[str], offset: int, limit: int) -> list[ChildRow]:
        """The user's own children matching every word (all of them without words), in list order."""
        sql, params = self._own_select(user_id, words)
        return [_list_row(r) for r in self.db.query(f"{sql} LIMIT ? OFFSET ?", (*params, limit, offset))]

    def own_count(self, *, user_id: int, words: list[str], upto: int) -> int:
        """How many own children match, counting no further than `upto`: a page needs to know where the own
        children end, never how many there are past it."""
        sql, params = self._own_select(user_id, words)
        return int(self.db.scalar(f"SELECT count(*) FROM ({sql} LIMIT ?)", (*params, upto)))

    def _own_select(self, user_id: int, words: list[str]) -> tuple[str, tuple]:
        """The own children in list order, read from whichever side is small. A caseload of a few hundred is read
        whole and sorted; a large one (a coordinator's, or a therapist holding a fifth of the municipality) is
        met in the register's own order, the search index's range for the first word, skipping children that
        are not the user's, so a page costs its length over the user's share, not the size of the caseload."""
        if self.db.scalar("SELECT 1 FROM caseloads k WHERE " + _ACTIVE + " LIMIT 1 OFFSET ?",
                          (user_id, CASELOAD_READ_WHOLE)) is None:
            terms = " ".join("AND EXISTS (SELECT 1 FROM child_search_terms u WHERE u.child_id = c.id AND u.term = ?)"
                             for _ in words)
            return (f"SELECT DISTINCT {_COLUMNS}, c.sort_key FROM caseloads k CROSS JOIN children c "
                    f"ON c.id = k.child_id WHERE {_ACTIVE} {terms} ORDER BY c.sort_key, c.id", (user_id, *words))
        if not words:
            return (f"SELECT {_COLUMNS} FROM children c WHERE {_OWN.format(col='c.id')} ORDER BY c.sort_key, c.id",
                    (user_id,))
        others = " ".join("AND EXISTS (SELECT 1 FROM child_search_terms u WHERE u.child_id = t.child_id "
                          "AND u.term = ?)" for _ in words[1:])
        return (f"SELECT {_COLUMNS} FROM child_search_terms t JOIN children c ON c.id = t.child_id "
                f"WHERE t.term = ? {others} AND {_OWN.format(col='t.child_id')} ORDER BY t.sort_key, t.child_id",
                (*words, user_id))

    def others_page(self, *, user_id: int, words: list[str], offset: int, limit: int) -> list[ChildRow]:
        """Everyone else, in list order: the register's index range, skipping the user's own children."""
        if not words:
            rows = self.db.query(f"SELECT {_COLUMNS} FROM children c WHERE NOT {_OWN.format(col='c.id')} "
                                 f"ORDER BY c.sort_key, c.id LIMIT ? OFFSET ?", (user_id, limit, offset))
            return [_list_row(r) for r in rows]
        others = " ".join("AND EXISTS (SELECT 1 FROM child_search_terms u WHERE u.child_id = t.child_id "
                          "AND u.term = ?)" for _ in words[1:])
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM child_search_terms t JOIN children c ON c.id = t.child_id "
            f"WHERE t.term = ? {others} AND NOT {_OWN.format(col='t.child_id')} "
            f"ORDER BY t.sort_key, t.child_id LIMIT ? OFFSET ?", (*words, user_id, limit, offset))
        return [_list_row(r) for r in rows]
