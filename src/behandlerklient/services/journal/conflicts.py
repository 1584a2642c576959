"""Conflicts between laptops: listing the open ones (for a child, or for the user who made one of the versions)
and resolving one by a signed resolution that picks the version that applies.

A resolution is signed like every record (the passphrase, then the author's seal): it is a signed journal entry
in the child's journal naming the version that applies and the ones set aside, by their global ids, plus a
`resolution` event carrying the same choice (which the fold and the listings read). Both versions stay.
"""

from __future__ import annotations

from datetime import datetime

from behandlerklient.core.conflicts import Conflict, Option, field_conflicts, field_label, open_only, record_conflicts
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import JournalEntry
from behandlerklient.services.accounts.signing import Proof, confirm_identity
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.child_alias import ChildAliasRepository
from behandlerklient.storage.conflict_records import ConflictRecordRepository
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.sessions import JournalRepository

JOURNAL_KIND = "conflict_resolution"
_WHAT = {"closing": "To afslutninger af samme forløb", "correction": "To rettelser af samme journalnotat",
         "review": "To supervisionsafgørelser af samme session", "group_session": "To udgaver af samme gruppesession"}


def _all(ws: Workspace, child_id: int | None) -> list[Conflict]:
    repo = ConflictRecordRepository(ws.db)
    contested = repo.contested_events(child_id)
    # a child's own fields name it in their key: by the uid a merge kept (read only then; the start screen asks)
    merged = ChildAliasRepository(ws.db).survivors() if any(e.aggregate == "child" for e in contested) else {}
    found = field_conflicts(contested, merged)
    found += record_conflicts("correction", repo.double_corrections(child_id))
    found += record_conflicts("closing", repo.double_closings(child_id))
    found += record_conflicts("review", repo.double_review_decisions(child_id))
    found += record_conflicts("group_session", repo.double_group_sessions(child_id))
    return open_only(found, EventRepository(ws.db).resolved_keys())


def for_child(*, ws: Workspace, child_id: int) -> list[Conflict]:
    """The child's open conflicts, for the child view."""
    return _all(ws, child_id)


def for_user(*, ws: Workspace) -> list[Conflict]:
    """Open conflicts in which the logged-in user made one of the versions (each author is told)."""
    return [c for c in _all(ws, None) if ws.user.id in c.authors]


def find(*, ws: Workspace, key: str) -> Conflict:
    conflict = next((c for c in _all(ws, None) if c.key == key), None)
    if conflict is None:
        raise NotFound("Konflikten findes ikke eller er allerede løst.")
    return conflict


def _children(ws: Workspace, conflict: Conflict) -> list[int]:
    """Whose journal records the resolution: the conflict's child, or every child of a doubled group session."""
    if conflict.child_id is not None:
        return [conflict.child_id]
    repo = ConflictRecordRepository(ws.db)
    return sorted({c for o in conflict.options if o.record_id is not None
                   for c in repo.group_session_children(o.record_id)})


def check_resolution(*, ws: Workspace, key: str, keep: str) -> tuple[Conflict, Option]:
    """Raises what `resolve` would raise, before the passphrase is asked; returns the conflict and the choice."""
    conflict = find(ws=ws, key=key)
    chosen = next((o for o in conflict.options if o.ref == keep), None)
    if chosen is None:
        raise InvalidInput("Vælg en af konfliktens udgaver.")
    if not _children(ws, conflict):
        raise RuleRefused("Konflikten hører ikke til et barns journal; den kan ikke løses med en underskrift her.")
    return conflict, chosen


def resolve(*, ws: Workspace, key: str, keep: str, passphrase: Proof, reason: str = "") -> Changes:
    """Records, signed by the person resolving, which version applies. A field's chosen value is appended again
    as the field's newest event, so the fold (and every reader) takes it; for two closings the chosen closing's
    status and reason are; for two corrections the journal shows the chosen one as current and the other as set
    aside. Nothing is deleted: the other version stays readable."""
    check_resolution(ws=ws, key=key, keep=keep)
    confirm_identity(ws=ws, passphrase=passphrase)
    return resolve_confirmed(ws=ws, key=key, keep=keep, reason=reason)


def resolve_confirmed(*, ws: Workspace, key: str, keep: str, reason: str = "") -> Changes:
    reason = reason.strip()
    with ws.db.transaction():
        conflict, chosen = check_resolution(ws=ws, key=key, keep=keep)
        now, events = ws.clock(), EventRepository(ws.db)
        others = [o for o in conflict.options if o.ref != keep]
        entries = [JournalRepository(ws.db).add(_journal_entry(ws, conflict, chosen, others, child, reason, now))
                   for child in _children(ws, conflict)]
        if conflict.kind == "field" and conflict.target is not None:
            aggregate, subject, field = conflict.target
            events.append(aggregate=aggregate, subject_uid=subject, field=field, value=chosen.value, now=now,
                          author_id=ws.user.id, child_id=conflict.child_id, base_uid=chosen.ref, reason=reason,
                          global_value=True)
        elif conflict.kind == "closing" and chosen.record_id is not None:
            _keep_closing(ws, events, chosen.record_id, now)
        record_uids = [JournalRepository(ws.db).uid_of(e.id) for e in entries if e.id is not None]
        events.append(aggregate="resolution", subject_uid=key, field="choice", now=now, author_id=ws.user.id,
                      child_id=conflict.child_id if conflict.child_id is not None else entries[0].child_id,
                      base_uid=None, reason=reason, value={
                          "keep": keep, "kind": conflict.kind, "versions": sorted(o.ref for o in conflict.options),
                          "records": record_uids})
        for entry in entries:
            audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=entry.child_id,
                         obj=f"journal:{entry.id}", detail=f"conflict:{conflict.kind}")
        seal.seal_pending(ws)  # the resolution's journal entries, signed with the resolver's key
    return Changes(courses=True, journal=True, sessions=True, child_id=entries[0].child_id)


def _journal_entry(ws: Workspace, conflict: Conflict, chosen: Option, others: list[Option], child_id: int,
                   reason: str, now: datetime) -> JournalEntry:
    what = _WHAT.get(conflict.kind) or (
        f"To ændringer af {field_label(*conflict.target[::2])}" if conflict.target else "To udgaver")
    body = (f"{what} var lavet på hver sin enhed. Den udgave, der gælder: {chosen.label}. "
            f"Fravalgt, men bevaret: {'; '.join(o.label for o in others)}."
            + (f"\n\nBegrundelse:\n{reason}" if reason else "")
            + f"\n\nGælder: {chosen.ref}\nFravalgt: {', '.join(o.ref for o in others)}")
    if ws.user.id is None:
        raise RuleRefused("Kun en bruger, der er logget ind, kan løse en konflikt.")
    return JournalEntry(None, child_id, JOURNAL_KIND, "Konflikt mellem enheder løst", body, ws.user.id, ws.user.role,
                        now, now, signed_at=now)


def _keep_closing(ws: Workspace, events: EventRepository, closing_id: int, now: datetime) -> None:
    from behandlerklient.storage.pathway import PathwayRepository

    row = PathwayRepository(ws.db).closing(closing_id)
    events.append(aggregate="course", subject=row["course_id"], field="status", child_id=row["child_id"],
                  value={"status": row["status"], "end_date": row["closing_date"]}, now=now, author_id=ws.user.id)
    events.append(aggregate="course", subject=row["course_id"], field="closing_reason", child_id=row["child_id"],
                  value=row["criteria_reason"], now=now, author_id=ws.user.id)


def rejected(*, ws: Workspace, kind: str, child_id: int) -> set[int]:
    """This installation's ids of the versions a resolution set aside (kept, no longer current)."""
    return ConflictRecordRepository(ws.db).rejected(kind, child_id)
