"""Global identity (schema 13): which tables hold shared records, and this installation's device id.

Every row of a shared table carries `uid` (a UUIDv7, core/uid.py) and `origin_device` (the device it was created
on). Database.insert fills both; a trigger refuses a row without them, whatever path inserts it.
"""

from __future__ import annotations

from typing import Any

# Tables in the order they can be inserted, with the foreign-key columns of each (column -> table).
TABLES: tuple[tuple[str, dict[str, str]], ...] = (
    ("users", {}),
    ("gps", {}),
    ("children", {"gp_id": "gps", "created_by": "users"}),
    ("guardians", {"child_id": "children"}),
    ("child_changes", {"child_id": "children", "guardian_id": "guardians", "changed_by": "users"}),
    ("contacts", {"child_id": "children", "created_by": "users"}),
    ("intakes", {"contact_id": "contacts", "child_id": "children", "author_id": "users"}),
    ("screenings", {"contact_id": "contacts", "child_id": "children", "author_id": "users"}),
    ("consents", {"child_id": "children", "guardian_id": "guardians", "withdraws_id": "consents",
                  "author_id": "users"}),
    ("courses", {"child_id": "children", "created_by": "users", "contact_id": "contacts"}),
    ("course_changes", {"course_id": "courses", "author_id": "users"}),
    ("sdq_responses", {"child_id": "children", "screening_id": "screenings", "course_id": "courses",
                       "author_id": "users"}),
    ("questionnaire_responses", {"child_id": "children", "screening_id": "screenings", "author_id": "users"}),
    ("group_sessions", {"author_id": "users"}),
    ("sessions", {"course_id": "courses", "author_id": "users", "group_session_id": "group_sessions"}),
    ("coordination_entries", {"child_id": "children", "course_id": "courses", "author_id": "users"}),
    ("notifications", {"child_id": "children", "course_id": "courses", "author_id": "users"}),
    ("closings", {"course_id": "courses", "child_id": "children", "author_id": "users"}),
    ("follow_ups", {"course_id": "courses", "child_id": "children", "author_id": "users"}),
    ("journal_entries", {"child_id": "children", "course_id": "courses", "session_id": "sessions",
                         "author_id": "users", "supersedes_id": "journal_entries"}),
    ("fidelity_ratings", {"session_id": "sessions", "rater_id": "users"}),
    ("reviews", {"session_id": "sessions", "requested_by": "users", "supervisor_id": "users"}),
    ("supervision_meetings", {"supervisor_id": "users"}),
    ("supervision_meeting_courses", {"meeting_id": "supervision_meetings", "course_id": "courses"}),
)
# A journal entry's source_id points into the table its source names (one column, several tables).
SOURCE_TABLES = {"contact": "contacts", "intake": "intakes", "screening": "screenings", "consent": "consents",
                 "coordination": "coordination_entries", "notification": "notifications", "closing": "closings",
                 "follow_up": "follow_ups", "session": "sessions", "group_session": "group_sessions"}

# Records that will be shared between laptops (sync.md). Users are global by user name; settings, drafts,
# signatures and derived tables stay local.
SHARED_TABLES = frozenset({
    "gps", "children", "guardians", "child_changes", "contacts", "intakes", "screenings", "consents", "courses",
    "course_changes", "sdq_responses", "questionnaire_responses", "group_sessions", "sessions",
    "coordination_entries", "notifications", "closings", "follow_ups", "journal_entries", "fidelity_ratings",
    "reviews", "supervision_meetings", "supervision_meeting_courses", "audit_log"})


def device_uid(db: Any) -> str | None:
    """This installation's device id, or None before schema 13."""
    if not db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device'"):
        return None
    return db.scalar("SELECT device_uid FROM device WHERE singleton = 1")


def audit_v2_from(db: Any) -> int:
    """The first audit row chained per device; earlier rows keep the schema-2 hash."""
    return int(db.scalar("SELECT audit_v2_from FROM device WHERE singleton = 1"))


def uid_of(db: Any, table: str, row_id: int | None) -> str | None:
    return None if row_id is None else db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,))


def id_of(db: Any, table: str, uid: str) -> int | None:
    return db.scalar(f"SELECT id FROM {table} WHERE uid = ?", (uid,))
