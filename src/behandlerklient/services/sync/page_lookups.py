"""A pull page's look-ups made once for the page (docs/sync.md "Speed, measured"): which of its records are here
already and which of the parents they name, one query per table, and the events already here of the fields the page's
events change, so that a record costs no look-up of its own unless its parent came in an earlier page."""

from __future__ import annotations

from typing import Protocol

from behandlerklient.services.sync.received import Received
from behandlerklient.storage import identity
from behandlerklient.storage.events import AGGREGATE_OF_KIND, SUBJECT_TABLES, VALUE_REFS, EventRepository
from behandlerklient.storage.sync_state import SyncRepository

REFS = dict(identity.TABLES)


class Page(Protocol):
    """What the look-ups fill in (services/sync/apply.Applier)."""

    repo: SyncRepository
    events: EventRepository
    ids: dict[tuple[str, str], int]
    absent: set[tuple[str, str]]


def prepare(applier: Page, recs: list[Received]) -> None:
    """Which of the page's records are here already, and which of the parents they name (an earlier page's
    child, session, ...): one query per table instead of one per record; and the events already here of the
    fields the page's events change, in one query, so that no event's fold needs one of its own."""
    by_table: dict[str, set[str]] = {}
    fields: set[tuple[str, str, str]] = set()
    for rec in recs:
        table = "events" if rec.kind in AGGREGATE_OF_KIND else rec.kind
        if table != "events" and (table not in REFS or table not in identity.SHARED_TABLES or table == "users"):
            continue  # refused whatever is here
        by_table.setdefault(table, set()).add(rec.uid)
        if isinstance(rec.payload, dict):
            for ref, uid in _parents(rec, fields):
                by_table.setdefault(ref, set()).add(uid)
    for table, uids in by_table.items():
        uids = {u for u in uids if (table, u) not in applier.ids and (table, u) not in applier.absent}
        found = applier.repo.ids_of(table, uids) if uids else {}
        applier.ids.update(((table, u), i) for u, i in found.items())
        applier.absent.update((table, u) for u in uids if u not in found)
    applier.events.preload(fields)


def _parents(rec: Received, fields: set[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(table, uid) of the records a received record names (users aside: they are few and named by user name);
    an event's field (aggregate, subject uid, field) goes to `fields`. Only a guess at what to look up together:
    each reference is still checked where the record is applied."""
    payload = rec.payload
    aggregate = AGGREGATE_OF_KIND.get(rec.kind)
    if aggregate is None:
        refs = dict(REFS[rec.kind])
        source = payload.get("source")
        if rec.kind == "journal_entries" and isinstance(source, str) and source in identity.SOURCE_TABLES:
            refs["source_id"] = identity.SOURCE_TABLES[source]
        return [(ref, payload[col]) for col, ref in refs.items()
                if ref != "users" and isinstance(payload.get(col), str)]
    found: list[tuple[str, str]] = []
    subject, field, child = payload.get("subject_uid"), payload.get("field"), payload.get("child_uid")
    if isinstance(subject, str) and isinstance(field, str):
        if aggregate != "fidelity":  # its fold reads no events (EventRepository._fold_fidelity)
            fields.add((aggregate, subject, field))
        table = SUBJECT_TABLES.get(aggregate) or ("sessions" if aggregate == "fidelity" else None)
        if table is not None:
            found.append((table, subject.split(":", 1)[0]))
        spec = VALUE_REFS.get((aggregate, field))
        value = payload.get("value")
        if spec is not None and spec[1] != "users":
            ref = value if spec[0] is None else value.get(spec[0]) if isinstance(value, dict) else None
            if isinstance(ref, str):
                found.append((spec[1], ref))
    if isinstance(child, str):
        found.append(("children", child))
    return found
