"""A pull page's received events and their fidelity folds, written a statement per kind when the page's records are
through (services/sync/apply.Applier.flush) instead of one statement each (docs/sync.md "Speed, measured"): the
events with the ids SQLite would give them one by one (nothing else writes the events table in the page's
transaction), the fidelity ratings' upserts in the order the folds made them. An IntegrityError goes to the caller,
which applies the page again record by record."""

from __future__ import annotations

from typing import Any

from behandlerklient.core import limits
from behandlerklient.storage.database import Database

EVENT_COLUMNS = ("id", "uid", "aggregate", "subject", "subject_uid", "field", "child_id", "child_uid", "value",
                 "base_uid", "hlc", "device", "author_id", "reason", "created_at")
# An item's row is written by a later event only (event_order, schema 27): the rows come out the same whatever
# order the events arrive in.
FIDELITY_UPSERT = (
    "INSERT INTO fidelity_ratings (session_id, rater_id, rater_kind, item_key, item_label, adherence, "
    "competence, comment, rated_at, event_order, uid, origin_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, uuid7(), ?) "
    "ON CONFLICT(session_id, rater_kind, item_key) DO UPDATE SET rater_id = excluded.rater_id, "
    "item_label = excluded.item_label, adherence = excluded.adherence, competence = excluded.competence, "
    "comment = excluded.comment, rated_at = excluded.rated_at, event_order = excluded.event_order "
    "WHERE fidelity_ratings.event_order IS NULL OR excluded.event_order > fidelity_ratings.event_order")


class EventBatch:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.events: list[tuple[Any, ...]] = []
        self.ratings: list[tuple[Any, ...]] = []
        self.next_id: int | None = None

    def __bool__(self) -> bool:
        return bool(self.events or self.ratings)

    def add_event(self, values: dict[str, Any]) -> int:
        """An event row (EVENT_COLUMNS but the id) kept for `flush`; its id."""
        limits.check_row("events", values)  # Database.insert's own check, at the same point
        if self.next_id is None:
            self.next_id = int(self.db.scalar("SELECT coalesce(max(id), 0) FROM events")) + 1
        row_id, self.next_id = self.next_id, self.next_id + 1
        self.events.append((row_id, *(values[c] for c in EVENT_COLUMNS[1:])))
        return row_id

    def add_ratings(self, rows: list[tuple[Any, ...]]) -> None:
        """A fidelity fold's upserts (FIDELITY_UPSERT's parameters) kept for `flush`."""
        self.ratings.extend(rows)

    def flush(self) -> None:
        events, ratings, self.events, self.ratings, self.next_id = self.events, self.ratings, [], [], None
        if events:
            marks = ", ".join("?" for _ in EVENT_COLUMNS)
            self.db.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})", events)
        if ratings:
            self.db.executemany(FIDELITY_UPSERT, ratings)
