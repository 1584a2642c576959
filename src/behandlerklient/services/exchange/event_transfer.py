"""Events in the export (format 2, docs/export-format.md): written after every table, with global names only, and
read back by the import, which stores each through the same path a pull will use (`EventRepository.receive`), so
the fold on the importing installation gives the values the exporting one had.

Settings are this installation's own (storage/identity.py): their events stay home. A file's events may only
concern the file's own records, never a record the importing database held before (the rule of every reference).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from behandlerklient.core import uid as uidmod
from behandlerklient.storage import identity
from behandlerklient.storage.database import BindError, Database, IntegrityError
from behandlerklient.storage.events import SUBJECT_TABLES, EventRepository

TABLE = "events"
FIELDS = ("uid", "aggregate", "subject_uid", "field", "child_uid", "value", "base_uid", "hlc", "device", "author",
          "reason", "created_at")
LOCAL_ONLY = frozenset({"setting"})
AGGREGATES = frozenset({"course", "review", "fidelity", "child", "guardian", "follow_up", "resolution"})
_NAMES = frozenset({"uid", "subject_uid", "base_uid", "device"})  # names, never free text
_HLC = re.compile(r"\d{13}\.\d{4}")
_TEXT_MAX = {"uid": 100, "subject_uid": 400, "field": 100, "base_uid": 100, "device": 100, "reason": 50_000,
             "created_at": 40}


class EventProblem(Exception):
    """A file's event that cannot be stored: `message` (Danish) names the row and what is wrong, never a value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def export_rows(db: Database) -> Iterator[dict[str, Any]]:
    return (row for row in EventRepository(db).global_rows() if row["aggregate"] not in LOCAL_ONLY)


def check_event(row: Any, i: int, usernames: dict[str, int]) -> None:
    where = f"{TABLE} række {i}"
    if not isinstance(row, dict) or set(row) != set(FIELDS):
        missing = sorted(set(FIELDS) - set(row)) if isinstance(row, dict) else []
        raise EventProblem(f"{where} har ikke de rigtige felter"
                           f"{' (mangler ' + ', '.join(missing) + ')' if missing else ''}.")
    if row["aggregate"] not in AGGREGATES:
        raise EventProblem(f"{where}: feltet 'aggregate' er ukendt eller hører kun til denne installation.")
    for name, limit in _TEXT_MAX.items():
        value = row[name]
        if (value is None and name == "base_uid") or (value == "" and name == "reason"):
            continue
        if not isinstance(value, str) or not value or len(value) > limit or "\x00" in value:
            raise EventProblem(f"{where}: feltet {name!r} skal være en tekst på højst {limit} tegn.")
        if name in _NAMES and not value.isprintable():
            # an order is compared as one text joined by a control character (storage/event_folds.event_order_text)
            raise EventProblem(f"{where}: feltet {name!r} må ikke indeholde kontroltegn.")
    if not _HLC.fullmatch(row["hlc"]) if isinstance(row["hlc"], str) else True:
        raise EventProblem(f"{where}: feltet 'hlc' er ikke et tidsstempel (13 cifre, punktum, 4 cifre).")
    if row["child_uid"] is not None and not (isinstance(row["child_uid"], str) and uidmod.is_uuid7(row["child_uid"])):
        raise EventProblem(f"{where}: feltet 'child_uid' er ikke et globalt id (UUIDv7).")
    if row["author"] is not None and row["author"] not in usernames:
        raise EventProblem(f"{where}: feltet 'author' henviser til en bruger, som ikke findes i filen.")


def _of_the_file(db: Database, repo: EventRepository, row: dict[str, Any], floor: dict[str, int]) -> bool:
    """Whether the event's subject and child are records the file brought (above the id each table had before)."""
    aggregate = row["aggregate"]
    if aggregate == "resolution":
        subject_ok = True
    else:
        local = repo.local_subject(aggregate, row["subject_uid"])
        table = SUBJECT_TABLES.get(aggregate, "sessions")
        subject_ok = local is not None and int(local.split(":", 1)[0]) > floor[table]
    if row["child_uid"] is None:
        return subject_ok
    child = identity.id_of(db, "children", row["child_uid"])
    return subject_ok and child is not None and child > floor["children"]


def import_rows(db: Database, rows: Iterable[Any], *, usernames: dict[str, int],
                floor: dict[str, int]) -> Iterator[tuple[int, int | None]]:
    """Stores the file's events one at a time; yields (the event's id here, its child's id) for the audit."""
    repo = EventRepository(db)
    for i, row in enumerate(rows, start=1):
        check_event(row, i, usernames)
        if not _of_the_file(db, repo, row, floor):
            raise EventProblem(f"{TABLE} række {i}: hændelsen henviser til en post, som ikke findes i filen.")
        try:
            event = repo.receive(row)
        except IntegrityError as exc:
            known = "posten findes allerede her (samme globale id)" if "UNIQUE" in str(exc) or "append-only" in str(
                exc) else "en værdi er uden for det tilladte"
            raise EventProblem(f"{TABLE} række {i} strider mod databasens regler ({known}).") from None
        except (BindError, LookupError, KeyError, TypeError, ValueError):
            raise EventProblem(f"{TABLE} række {i}: værdien passer ikke til feltet {row['field']!r}.") from None
        yield repo.event_id(event.uid), event.child_id
