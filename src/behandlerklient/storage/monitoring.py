"""The reads the national monitoring export (reports/monitoring.py) and the status-memo figures need, and the
installation's pseudonym key. Signed records only: a draft is not yet part of the record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name
_CHUNK = 500


def _by_ids(db: Database, sql: str, ids: Iterable[int]) -> list[Row]:
    """`sql` has one `{ids}` where the id list goes; ids are sent in chunks SQLite's variable limit allows."""
    found: list[Row] = []
    unique = sorted(set(ids))
    for i in range(0, len(unique), _CHUNK):
        chunk = unique[i:i + _CHUNK]
        found += db.query(sql.format(ids=",".join("?" for _ in chunk)), tuple(chunk))
    return found


def user_professions(db: Database) -> dict[int, str]:
    """Each user's profession. The column comes with the MedCom work (users.profession); where this database
    does not have it yet every profession is reported empty, never an error."""
    columns = {r["name"] for r in db.query("PRAGMA table_info(users)")}
    if "profession" not in columns:
        return {}
    return {r["id"]: r["profession"] or "" for r in db.query("SELECT id, profession FROM users")}


def pseudonym_key(db: Database) -> bytes:
    return bytes(db.scalar("SELECT secret FROM monitoring_key WHERE id = 1"))


class MonitoringReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    _CHILD = ("ch.cpr, ch.birth_date, ch.sex, ch.home_municipality, ch.treating_municipality, "
              "ch.uid AS child_uid")

    def contacts(self, start: date, end: date) -> list[Row]:
        return self.db.query(
            f"SELECT c.*, {self._CHILD} FROM contacts c JOIN children ch ON ch.id = c.child_id "
            "WHERE c.contact_date BETWEEN ? AND ? AND c.signed_at IS NOT NULL ORDER BY c.contact_date, c.id",
            (start.isoformat(), end.isoformat()))

    def contacts_by_id(self, ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, f"SELECT c.*, {self._CHILD} FROM contacts c JOIN children ch ON ch.id = c.child_id "
                                "WHERE c.id IN ({ids})", ids)

    def courses_of_contacts(self, contact_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT * FROM courses WHERE contact_id IN ({ids}) ORDER BY start_date, id",
                       contact_ids)

    def courses_without_contact(self, start: date, end: date) -> list[Row]:
        return self.db.query(
            f"SELECT co.*, {self._CHILD} FROM courses co JOIN children ch ON ch.id = co.child_id "
            "WHERE co.contact_id IS NULL AND co.start_date BETWEEN ? AND ? ORDER BY co.start_date, co.id",
            (start.isoformat(), end.isoformat()))

    def intakes(self, contact_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT * FROM intakes WHERE contact_id IN ({ids}) AND signed_at IS NOT NULL "
                                "ORDER BY talk_number, id", contact_ids)

    def screenings(self, contact_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT * FROM screenings WHERE contact_id IN ({ids}) AND signed_at IS NOT NULL "
                                "ORDER BY screening_date, id", contact_ids)

    def closings(self, course_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT * FROM closings WHERE course_id IN ({ids}) AND signed_at IS NOT NULL",
                       course_ids)

    def follow_ups(self, course_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT * FROM follow_ups WHERE course_id IN ({ids}) ORDER BY due_date, id",
                       course_ids)

    def bup_referrals(self, course_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT course_id, entry_date FROM coordination_entries WHERE course_id IN ({ids}) "
                                "AND bup_referral = 1 AND signed_at IS NOT NULL ORDER BY entry_date", course_ids)

    def session_counts(self, course_ids: Iterable[int]) -> list[Row]:
        """Per course and author: held-and-signed, cancelled and missed sessions."""
        return _by_ids(self.db, "SELECT course_id, author_id, "
                                "sum(attendance = 'held' AND state = 'signed') AS delivered, "
                                "sum(attendance = 'cancelled') AS cancelled, sum(attendance = 'missed') AS missed "
                                "FROM sessions WHERE course_id IN ({ids}) GROUP BY course_id, author_id", course_ids)

    def sdq(self, child_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT id, child_id, course_id, phase, informant, answered_on, answers, impact "
                                "FROM sdq_responses WHERE child_id IN ({ids}) AND signed_at IS NOT NULL "
                                "ORDER BY answered_on, id", child_ids)


class MemoReads:
    """What the status-memo figures add to the activity report's cohort (reports/status_memo.py)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def contact_fields(self, contact_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT id, reasons, delivering_unit FROM contacts WHERE id IN ({ids})", contact_ids)

    def guided_kinds(self, contact_ids: Iterable[int]) -> list[Row]:
        """The signed group-2 decisions' categories, in talk order (the last talk's decision counts)."""
        return _by_ids(self.db, "SELECT contact_id, guided_kind FROM intakes WHERE contact_id IN ({ids}) "
                                "AND signed_at IS NOT NULL AND decision_group = 2 ORDER BY talk_number", contact_ids)

    def course_creators(self, course_ids: Iterable[int]) -> list[Row]:
        return _by_ids(self.db, "SELECT id, created_by FROM courses WHERE id IN ({ids})", course_ids)
