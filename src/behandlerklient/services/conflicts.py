"""Conflicts between laptops: listing the open ones (for a child, or for the user who made one of the versions)
and resolving one by a recorded resolution event that picks the version that applies."""

from __future__ import annotations

from behandlerklient.core.conflicts import Conflict, field_conflicts, open_only, record_conflicts
from behandlerklient.core.errors import InvalidInput, NotFound
from behandlerklient.services import audit
from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.conflict_records import ConflictRecordRepository
from behandlerklient.storage.events import EventRepository


def _all(ws: Workspace, child_id: int | None) -> list[Conflict]:
    repo = ConflictRecordRepository(ws.db)
    found = field_conflicts(repo.contested_events(child_id))
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


def resolve(*, ws: Workspace, key: str, keep: str, reason: str = "") -> Changes:
    """Records which version applies. A field's chosen value is appended again as the field's newest event, so
    the fold (and every reader) takes it; for two closings the chosen closing's status and reason are.
    Nothing is deleted: the other version stays readable."""
    with ws.db.transaction():
        conflict = next((c for c in _all(ws, None) if c.key == key), None)
        if conflict is None:
            raise NotFound("Konflikten findes ikke eller er allerede løst.")
        chosen = next((o for o in conflict.options if o.ref == keep), None)
        if chosen is None:
            raise InvalidInput("Vælg en af konfliktens udgaver.")
        now, events = ws.clock(), EventRepository(ws.db)
        if conflict.kind == "field" and conflict.target is not None:
            aggregate, subject, field = conflict.target
            events.append(aggregate=aggregate, subject_uid=subject, field=field, value=chosen.value, now=now,
                          author_id=ws.user.id, child_id=conflict.child_id, base_uid=chosen.ref,
                          reason=reason.strip(), global_value=True)
        elif conflict.kind == "closing" and chosen.record_id is not None:
            _keep_closing(ws, events, chosen.record_id, now)
        events.append(aggregate="resolution", subject_uid=key, field="choice", value={"keep": keep, "kind": conflict.kind},
                      now=now, author_id=ws.user.id, child_id=conflict.child_id, base_uid=None, reason=reason.strip())
        audit.record(ws.db, user_id=ws.user.id, action="correct", now=now, child_id=conflict.child_id,
                     obj=f"conflict:{conflict.kind}", detail=f"keep {keep}")
    return Changes(courses=True, journal=True, sessions=True, child_id=conflict.child_id)


def _keep_closing(ws: Workspace, events: EventRepository, closing_id: int, now) -> None:  # noqa: ANN001
    from behandlerklient.storage.pathway import PathwayRepository

    row = PathwayRepository(ws.db).closing(closing_id)
    events.append(aggregate="course", subject=row["course_id"], field="status", child_id=row["child_id"],
                  value={"status": row["status"], "end_date": row["closing_date"]}, now=now, author_id=ws.user.id)
    events.append(aggregate="course", subject=row["course_id"], field="closing_reason", child_id=row["child_id"],
                  value=row["criteria_reason"], now=now, author_id=ws.user.id)
