"""Where two laptops disagree: found from the events and the signed records, described in Danish for a person to
resolve. Pure functions over plain values (no SQL): the server runs the same checks after a push.

The cases are sync.md's conflict table: two corrections of one journal entry, two closings of one course, two
decisions on one review, one group session written by both co-therapists, and two edits of one field after the
same base. A supervisor's decision and the therapist's "seen" are different fields, hence never a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from behandlerklient.core.events import Event, hlc_parts

FIELD_LABELS = {
    ("course", "status"): "forløbets status og slutdato",
    ("course", "track_id"): "forløbets spor",
    ("course", "contact_id"): "forløbets henvendelse",
    ("course", "closing_reason"): "begrundelsen for at afslutte forløbet",
    ("review", "decision"): "supervisionens afgørelse",
    ("review", "seen"): "behandlerens markering af afgørelsen som set",
    ("fidelity", "rating"): "en fidelitetsvurdering",
    ("fidelity", "checklist"): "en fidelitetsvurdering",
    ("setting", "value"): "en indstilling",
    ("follow_up", "done"): "opfølgningens status",
}
AGGREGATE_LABELS = {"child": "barnets stamdata", "guardian": "en forælders stamdata"}


@dataclass(frozen=True)
class Option:
    """One of the disagreeing versions: `ref` names it (an event uid or a record id), `label` says where and
    when it was made (never what it says: the list is shown outside the child's record)."""

    ref: str  # global: an event's or a record's uid
    label: str
    value: Any = None
    record_id: int | None = None  # a record's id here (to show it)


@dataclass(frozen=True)
class Conflict:
    key: str  # stable while the same versions disagree; a resolution names it
    kind: str  # 'field', 'closing', 'correction', 'review', 'group_session'
    child_id: int | None
    description: str
    options: tuple[Option, ...]
    authors: frozenset[int] = frozenset()  # the users who made the versions: each is told
    target: tuple[str, str, str] | None = None  # (aggregate, subject, field) of a field conflict


@dataclass(frozen=True)
class SignedRecord:
    """A signed record as the checks need it: `group` says which records must be unique together."""

    id: int  # this installation's id (to open it)
    uid: str  # its global id: what a resolution names
    group: str  # what it must be unique within, by global name
    child_id: int | None
    author: str
    signed_at: str
    author_id: int | None = None
    device: str = ""
    decision: str = ""


def field_label(aggregate: str, field: str) -> str:
    return FIELD_LABELS.get((aggregate, field)) or AGGREGATE_LABELS.get(aggregate, "en delt værdi")


def _when(hlc: str) -> str:
    wall, _ = hlc_parts(hlc)
    return datetime.fromtimestamp(wall / 1000, tz=UTC).strftime("%d.%m.%Y %H:%M")


def field_conflicts(events: Iterable[Event], survivors: Mapping[str, str] | None = None) -> list[Conflict]:
    """Events of one field made on different devices after the same base: neither saw the other. `survivors`: a
    merged twin's uid -> the kept child's uid, so that a child's conflict has the same key on the laptop holding
    either row (a resolution names it by its key)."""
    survivors = survivors or {}
    groups: dict[tuple, list[Event]] = {}
    for e in events:
        if e.aggregate != "resolution":
            groups.setdefault((e.aggregate, e.subject, e.field, e.base_uid or ""), []).append(e)
    found = []
    for (aggregate, subject, field, base), members in sorted(groups.items()):
        if len({e.device for e in members}) < 2:
            continue
        members.sort(key=lambda e: e.order)
        uids = "+".join(sorted(e.uid for e in members))
        what = field_label(aggregate, field)
        if (aggregate, field) == ("review", "decision"):
            text = "Supervisionen har fået to afgørelser på hver sin enhed. Vælg den afgørelse, der gælder."
        else:
            text = f"To ændringer af {what} er lavet på hver sin enhed uden at kende hinanden. Vælg den, der gælder."
        found.append(Conflict(
            f"field:{aggregate}:{survivors.get(subject, subject)}:{field}:{base or 'start'}:{uids}", "field",
            next((e.child_id for e in members if e.child_id is not None), None), text,
            tuple(Option(e.uid, f"Enhed {e.device}, {_when(e.hlc)}", e.value) for e in members),
            frozenset(e.author_id for e in members if e.author_id is not None), (aggregate, subject, field)))
    return found


_RECORD_TEXTS = {
    "closing": "Forløbet er afsluttet to gange, på hver sin enhed. Vælg den afslutning, der gælder.",
    "correction": "Journalnotatet er rettet to gange uafhængigt af hinanden. Vælg den rettelse, der gælder.",
    "review": "Sessionen har fået to supervisionsafgørelser. Vælg den afgørelse, der gælder.",
    "group_session": "Gruppesessionen er skrevet af begge gruppeledere. Vælg den udgave, der gælder.",
}


def record_conflicts(kind: str, records: Iterable[SignedRecord]) -> list[Conflict]:
    """Signed records of `kind` that should be one per group (one closing per course, one correction per entry,
    one decided review per session, one group session per date) but are several: all kept, the choice flagged."""
    groups: dict[str, list[SignedRecord]] = {}
    for r in records:
        groups.setdefault(r.group, []).append(r)
    found = []
    for group, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (r.signed_at, r.uid))
        uids = "+".join(sorted(r.uid for r in members))
        found.append(Conflict(
            f"{kind}:{group}:{uids}", kind, next((r.child_id for r in members if r.child_id is not None), None),
            _RECORD_TEXTS[kind],
            tuple(Option(r.uid, f"{r.author}, {r.signed_at[:16].replace('T', ' ')}"
                                    + (f", enhed {r.device}" if r.device else ""), r.decision or None, r.id)
                  for r in members),
            frozenset(r.author_id for r in members if r.author_id is not None)))
    return found


def open_only(conflicts: Iterable[Conflict], resolved: Mapping[str, set[int | None]]) -> list[Conflict]:
    """The conflicts nobody has resolved yet (a new disagreeing version makes a new key, so it reopens). `resolved`:
    each resolution's key with its children. A conflict about a child counts as resolved only by a resolution in
    that child's record: a resolution signed about another child (whose author may write about that one only)
    cannot close it. A doubled group session has no one child: its key alone counts."""
    return [c for c in conflicts
            if c.key not in resolved or (c.child_id is not None and c.child_id not in resolved[c.key])]
