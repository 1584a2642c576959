"""Reading the journal, and correcting it: a correction is a new signed entry; the original stays readable."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import JournalEntry
from behandlerklient.services.accounts import access
from behandlerklient.services.accounts.signing import Proof, confirm_identity
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.conflict_records import ConflictRecordRepository
from behandlerklient.storage.import_proofs import ImportProofRepository
from behandlerklient.storage.sessions import JournalRepository
from behandlerklient.storage.users import UserRepository


@dataclass
class JournalLine:
    entry: JournalEntry
    author_name: str
    corrected_by: JournalEntry | None = None  # the correction that supersedes this entry
    corrector_name: str = ""
    unproven: bool = False  # imported, declared signed before signatures existed: no author's proof
    set_aside: bool = False  # a correction made on another laptop at the same time, not chosen when resolved

    @property
    def superseded(self) -> bool:
        return self.corrected_by is not None


def entries(*, ws: Workspace, child_id: int) -> list[JournalLine]:
    access.require_read(ws=ws, child_id=child_id, kind="journal_entries")
    return _lines(ws, JournalRepository(ws.db).for_child(child_id),
                  ConflictRecordRepository(ws.db).rejected("correction", child_id))


def for_session(*, ws: Workspace, session_id: int) -> list[JournalLine]:
    """A signed session's entry and any corrections of it, with who signed each and when."""
    found = JournalRepository(ws.db).for_session(session_id)
    for child_id in {e.child_id for e in found}:
        access.require_read(ws=ws, child_id=child_id, kind="journal_entries")
    rejected: set[int] = set()
    for child_id in {e.child_id for e in found}:
        rejected |= ConflictRecordRepository(ws.db).rejected("correction", child_id)
    return _lines(ws, found, rejected)


def _lines(ws: Workspace, found: list[JournalEntry], rejected: set[int]) -> list[JournalLine]:
    """The entries, each original with the correction that is current; a correction a resolution set aside is
    kept and marked as such, never current (sync.md: two corrections of one entry)."""
    users = {u.id: u.full_name for u in UserRepository(ws.db).all()}
    signed = [e.id for e in found if e.id is not None and e.signed_at]
    unproven = ImportProofRepository(ws.db).unproven("journal_entries", signed)
    by_id = {e.id: JournalLine(e, users.get(e.author_id, "?"), unproven=e.id in unproven, set_aside=e.id in rejected)
             for e in found}
    for e in found:
        if e.supersedes_id in by_id and e.signed_at and e.id not in rejected:
            original = by_id[e.supersedes_id]
            original.corrected_by, original.corrector_name = e, users.get(e.author_id, "?")
    return list(by_id.values())


def check_correctable(*, ws: Workspace, entry_id: int, text: str | None = None) -> JournalEntry:
    """Raises what `correct` would raise, without needing the passphrase (asked before the text too, with
    text None); returns the entry to correct."""
    original = JournalRepository(ws.db).get(entry_id)
    if original is None:
        raise NotFound(f"Intet journalnotat med id {entry_id}.")
    if not original.signed_at:
        raise RuleRefused("Notatet er ikke underskrevet endnu; ret kladden direkte.")
    if JournalRepository(ws.db).is_corrected(entry_id):
        raise RuleRefused("Notatet er allerede rettet; ret den nyeste rettelse i stedet.")
    if text is not None and not text.strip():
        raise InvalidInput("Skriv rettelsen.")
    return original


def correct(*, ws: Workspace, entry_id: int, text: str, passphrase: Proof) -> tuple[JournalEntry, Changes]:
    """Adds a signed correction that references and supersedes the entry; nothing is changed or deleted."""
    original = check_correctable(ws=ws, entry_id=entry_id, text=text)
    confirm_identity(ws=ws, passphrase=passphrase)
    return correct_confirmed(ws=ws, original=original, text=text)


def correct_confirmed(*, ws: Workspace, original: JournalEntry, text: str) -> tuple[JournalEntry, Changes]:
    repo = JournalRepository(ws.db)
    now = ws.clock()
    with ws.db.transaction():
        check_correctable(ws=ws, entry_id=original.id, text=text)
        entry = repo.add(JournalEntry(
            None, original.child_id, "correction", f"Rettelse: {original.title}", text.strip(), ws.user.id,
            ws.user.role, original.event_time, now, course_id=original.course_id, session_id=original.session_id,
            signed_at=now, supersedes_id=original.id, source=original.source, source_id=original.source_id))
        audit.record(ws.db, user_id=ws.user.id, action="correct", now=now, child_id=original.child_id,
                     obj=f"journal:{original.id}")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return entry, Changes(journal=True, child_id=original.child_id)
