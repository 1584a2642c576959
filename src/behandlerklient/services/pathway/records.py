"""Pathway records as drafts that their author signs: one registry, so saving, signing, journalising and
auditing are written once for contacts, intakes, screenings, consents, coordination, notifications,
closings and follow-ups."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any

from behandlerklient.core import limits
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import JournalEntry
from behandlerklient.services.accounts import access  # noqa: F401 (it registers the kinds)
from behandlerklient.services.accounts.authorship import require_author
from behandlerklient.services.changes import Changes
from behandlerklient.services.pathway import pathway_records  # noqa: F401 (it registers the kinds)
from behandlerklient.services.pathway.record_kinds import KINDS, Kind, kind_of, register  # noqa: F401 (re-exported)
from behandlerklient.services.signatures import audit, seal  # noqa: F401 (it registers the kinds)
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.pathway_records import PathwayRecordRepository
from behandlerklient.storage.sessions import JournalRepository

if TYPE_CHECKING:
    from behandlerklient.services.accounts.signing import Proof


def _row(ws: Workspace, kind: Kind, record_id: int) -> dict[str, Any]:
    r = PathwayRecordRepository(ws.db).get(kind.table, record_id)
    if r is None:
        raise NotFound(f"{kind.label} med id {record_id} findes ikke.")
    return r


def get(*, ws: Workspace, kind: str, record_id: int) -> dict[str, Any]:
    k = kind_of(kind)
    row = _row(ws, k, record_id)
    access.require_read(ws=ws, child_id=row["child_id"], kind=k.table)
    return row


def _clean(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(kind.columns)
    if unknown:
        raise InvalidInput(f"{kind.label}: ukendt felt {sorted(unknown)[0]!r}.")
    out = {}
    for key, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, str):
            value = value.strip() if key.endswith(("_date", "_on")) else value
        out[key] = value
    return out


def _integrity_message(kind: Kind, exc: Exception) -> str:
    text = str(exc)
    if "CHECK" in text:
        return f"{kind.label}: en værdi er ikke tilladt ({text.split(':')[-1].strip()})."
    if "FOREIGN KEY" in text:
        return f"{kind.label}: henvisningen til barn, henvendelse eller forløb findes ikke."
    if "NOT NULL" in text:
        return f"{kind.label}: feltet {text.split('.')[-1]} skal udfyldes."
    if "UNIQUE" in text:
        return f"{kind.label} findes allerede."
    return f"{kind.label}: {text}"


def _require(k: Kind, clean: dict[str, Any], columns: Any) -> None:
    missing = [c for c in columns if clean.get(c) in (None, "")]
    if missing:
        own = [k.labels[c] for c in missing if c in k.labels]
        raise InvalidInput(f"{k.label}: " + (" ".join(own) if own else f"{', '.join(missing)} skal udfyldes."))


def save(*, ws: Workspace, kind: str, values: dict[str, Any], record_id: int | None = None) -> tuple[int, Changes]:
    """Create a draft (record_id None) or update one; a signed record refuses any change."""
    k = kind_of(kind)
    clean = _clean(k, values)
    child_id = clean.get("child_id") if record_id is None else _row(ws, k, record_id)["child_id"]
    if child_id is not None:
        access.require_write(ws=ws, child_id=child_id, kind=k.table)
    now = ws.clock()
    repo = PathwayRecordRepository(ws.db)
    with ws.db.transaction():
        if record_id is None:
            _require(k, clean, k.required)
            row = dict(clean)
            if k.on_create:
                row.update(k.on_create(ws))
            if k.author_column:
                row[k.author_column] = ws.user.id
            if "created_at" in repo.columns(k.table):
                row["created_at"] = to_text(now)
            try:
                record_id = repo.add(k.table, row)
            except IntegrityError as exc:
                raise InvalidInput(_integrity_message(k, exc)) from None
            action = "create"
        else:
            current = _row(ws, k, record_id)
            if current.get("signed_at"):
                raise RuleRefused(f"{k.label} er underskrevet og kan ikke ændres; skriv en rettelse i stedet.")
            if k.author_column:
                require_author(ws=ws, author_id=current.get(k.author_column), what=k.label, signing=False)
            _require(k, clean, [c for c in k.required if c in clean])
            if k.author_column and current.get(k.author_column) is None:
                clean[k.author_column] = ws.user.id  # a record the system planned (a follow-up) gets its author
            if clean:
                limits.check_row(k.table, clean)
                try:
                    repo.update(k.table, record_id, clean)
                except IntegrityError as exc:
                    raise InvalidInput(_integrity_message(k, exc)) from None
            action = "update"
        row = _row(ws, k, record_id)
        audit.record(ws.db, user_id=ws.user.id, action=action, now=now, child_id=row.get("child_id"),
                     obj=f"{k.name}:{record_id}")
    return record_id, Changes(journal=True, child_id=row.get("child_id"))


def problems(*, ws: Workspace, kind: str, record_id: int) -> list[str]:
    k = kind_of(kind)
    return k.validate(ws, _row(ws, k, record_id)) if k.validate else []


def _check_signable(ws: Workspace, k: Kind, row: dict[str, Any]) -> None:
    """Every rule signing applies, in one place: asked before the passphrase and again when signing."""
    if row.get("signed_at"):
        raise RuleRefused(f"{k.label} er allerede underskrevet.")
    if k.author_column:
        require_author(ws=ws, author_id=row.get(k.author_column), what=k.label)
    found = k.validate(ws, row) if k.validate else []
    if found:
        raise RuleRefused(f"{k.label} kan ikke underskrives endnu: " + " ".join(found))


def check_signable(*, ws: Workspace, kind: str, record_id: int) -> None:
    """Raises what `sign` would raise for this draft as saved, without needing the passphrase."""
    k = kind_of(kind)
    _check_signable(ws, k, _row(ws, k, record_id))


def sign(*, ws: Workspace, kind: str, record_id: int, passphrase: Proof) -> tuple[JournalEntry, Changes]:
    """Signing asks for the passphrase again: the logged-in user confirms it is them (after the rules, so
    nobody waits for the key derivation to learn what is missing)."""
    from behandlerklient.services.accounts.signing import confirm_identity

    check_signable(ws=ws, kind=kind, record_id=record_id)
    confirm_identity(ws=ws, passphrase=passphrase)
    return sign_confirmed(ws=ws, kind=kind, record_id=record_id)


def event_time(day: str | date) -> datetime:
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(d, time(12, 0), tzinfo=timezone.utc)


def sign_confirmed(*, ws: Workspace, kind: str, record_id: int) -> tuple[JournalEntry, Changes]:
    """Sign after the identity was confirmed (by `sign`, or by a batch that asked once)."""
    k = kind_of(kind)
    now = ws.clock()
    with ws.db.transaction():
        row = _row(ws, k, record_id)
        _check_signable(ws, k, row)
        try:
            PathwayRecordRepository(ws.db).mark_signed(k.table, record_id, signed_at=to_text(now),
                                                       author_column=k.author_column, author_id=ws.user.id)
        except IntegrityError as exc:
            raise RuleRefused(f"Databasen afviste underskriften af {k.label.lower()}: {exc}.") from None
        row = _row(ws, k, record_id)
        title, body = k.render(ws, row) if k.render else (k.label, "")
        course_id = row.get(k.course_column) if k.course_column else None
        entry = JournalEntry(None, row["child_id"], k.name, title, body, ws.user.id, ws.user.role,
                             event_time(row[k.date_column]), now, course_id=course_id, signed_at=now,
                             source=k.name, source_id=record_id)
        JournalRepository(ws.db).add(entry)
        if k.after_sign:
            k.after_sign(ws, row)
        audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=row["child_id"],
                     obj=f"{k.name}:{record_id}")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return entry, Changes(journal=True, courses=True, contacts=True, child_id=row["child_id"])


def drafts(*, ws: Workspace, author_id: int | None = None) -> list[dict[str, Any]]:
    """Unsigned records of every kind (of one author, or all)."""
    out = []
    repo = PathwayRecordRepository(ws.db)
    for k in KINDS.values():
        if not k.author_column:
            continue
        for r in repo.unsigned(k.table, date_column=k.date_column, author_column=k.author_column,
                               author_id=author_id):
            out.append({"kind": k.name, "label": k.label, "id": r["id"], "child_id": r["child_id"], "date": r["day"]})
    return sorted(out, key=lambda d: (d["date"] or "", d["kind"]))
