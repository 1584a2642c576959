"""Access grants in the export (format 2, docs/export-format.md "Access grants"): who holds or shares which child and
who supervises whom, written after the events with global names only (child uid, user names), and read back by the
import as untrusted rows.

An import never widens anyone's rights beyond what the file's own rows state about the file's own users and
children: a grant must name a child the file brought (never a child this database held before), users among the
file's users whose role here allows the grant, and it is stored as stated (a revoked grant arrives revoked). The
importer gets nothing for importing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from behandlerklient.core import access as rules
from behandlerklient.core import uid as uidmod
from behandlerklient.core.vocab import ROLES
from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.database import Database, IntegrityError
from behandlerklient.storage.users import UserRepository

CASELOADS = "caseloads"
PAIRS = "supervision_pairs"
TABLES = (CASELOADS, PAIRS)  # in the file's order, after `events`
FIELDS = {CASELOADS: transfer_rows.GRANT_FIELDS, PAIRS: transfer_rows.PAIR_FIELDS}
KINDS = ("caseload", "shared")
NOTE_MAX = 2000
_EARLIEST, _LATEST = 1900, 2100


class GrantProblem(Exception):
    """A file's grant that cannot be stored: `message` (Danish) names the table, row and field, never a value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def export_rows(db: Database, table: str) -> Iterator[dict[str, Any]]:
    return transfer_rows.grant_rows(db) if table == CASELOADS else transfer_rows.pair_rows(db)


def _time(where: str, row: dict[str, Any], name: str) -> datetime:
    value = row[name]
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not _EARLIEST <= moment.year <= _LATEST:
        raise GrantProblem(f"{where}: feltet {name!r} er ikke et tidspunkt (ISO 8601 med tidszone).")
    return moment


class _Users:
    """The file's users (user name -> id here) and their roles here (an existing user's role is never the file's)."""

    def __init__(self, db: Database, usernames: dict[str, int]) -> None:
        self.repo, self.ids = UserRepository(db), usernames
        self.roles: dict[int, str] = {}

    def id(self, where: str, row: dict[str, Any], name: str, *, required: bool = True) -> int | None:
        value = row[name]
        if value is None and not required:
            return None
        if not isinstance(value, str) or value not in self.ids:
            raise GrantProblem(f"{where}: feltet {name!r} henviser til en bruger, som ikke findes i filen.")
        return self.ids[value]

    def role(self, user_id: int) -> str:
        if user_id not in self.roles:
            user = self.repo.get(user_id)
            self.roles[user_id] = user.role if user is not None else ""
        return self.roles[user_id]


def _common(where: str, row: Any, table: str, users: _Users) -> tuple[int | None, str, int | None, str | None]:
    """Fields and the grant's own dates: (granted_by, granted_at, revoked_by, revoked_at), checked."""
    fields = FIELDS[table]
    if not isinstance(row, dict) or set(row) != set(fields):
        missing = sorted(set(fields) - set(row)) if isinstance(row, dict) else []
        raise GrantProblem(f"{where} har ikke de rigtige felter"
                           f"{' (mangler ' + ', '.join(missing) + ')' if missing else ''}.")
    granted_by = users.id(where, row, "granted_by", required=False)
    granted = _time(where, row, "granted_at")
    if (row["revoked_at"] is None) != (row["revoked_by"] is None):
        raise GrantProblem(f"{where}: felterne 'revoked_at' og 'revoked_by' skal begge være udfyldt eller begge "
                           "tomme.")
    revoked_by = users.id(where, row, "revoked_by", required=False)
    if row["revoked_at"] is not None and _time(where, row, "revoked_at") < granted:
        raise GrantProblem(f"{where}: adgangen er frataget ('revoked_at'), før den blev givet ('granted_at').")
    return granted_by, row["granted_at"], revoked_by, row["revoked_at"]


def _caseload(db: Database, where: str, row: Any, users: _Users, floor: int) -> tuple[int, int]:
    granted_by, granted_at, revoked_by, revoked_at = _common(where, row, CASELOADS, users)
    if row["kind"] not in KINDS:
        raise GrantProblem(f"{where}: feltet 'kind' skal være caseload eller shared.")
    note = row["note"]
    if not isinstance(note, str) or len(note) > NOTE_MAX or "\x00" in note:
        raise GrantProblem(f"{where}: feltet 'note' skal være en tekst på højst {NOTE_MAX} tegn.")
    uid = row["child_uid"]
    child_id = identity.id_of(db, "children", uid) if isinstance(uid, str) and uidmod.is_uuid7(uid) else None
    if child_id is None or child_id <= floor:  # a child this database held before is not the file's to give
        raise GrantProblem(f"{where}: feltet 'child_uid' henviser til et barn, som ikke findes i filen.")
    user_id = users.id(where, row, "username")
    assert user_id is not None
    if users.role(user_id) not in rules.CLINICAL_ROLES:
        role = ROLES.get(users.role(user_id), users.role(user_id)).lower()
        raise GrantProblem(f"{where}: brugeren i feltet 'username' er {role} her og kan ikke have børn i sin "
                           "sagsstamme.")
    return transfer_rows.insert_grant(db, child_id=child_id, user_id=user_id, kind=row["kind"],
                                      granted_by=granted_by, granted_at=granted_at, note=note.strip(),
                                      revoked_by=revoked_by, revoked_at=revoked_at), child_id


def _pair(db: Database, where: str, row: Any, users: _Users) -> int:
    granted_by, granted_at, revoked_by, revoked_at = _common(where, row, PAIRS, users)
    supervisor, therapist = users.id(where, row, "supervisor"), users.id(where, row, "therapist")
    assert supervisor is not None and therapist is not None
    if users.role(supervisor) not in rules.SUPERVISING_ROLES:
        raise GrantProblem(f"{where}: brugeren i feltet 'supervisor' er ikke supervisor her.")
    if users.role(therapist) not in rules.CLINICAL_ROLES or supervisor == therapist:
        raise GrantProblem(f"{where}: brugeren i feltet 'therapist' er ikke en anden behandler her.")
    return transfer_rows.insert_pair(db, supervisor_id=supervisor, therapist_id=therapist, granted_by=granted_by,
                                     granted_at=granted_at, revoked_by=revoked_by, revoked_at=revoked_at)


def import_rows(db: Database, table: str, rows: Iterable[Any], *, usernames: dict[str, int],
                child_floor: int) -> Iterator[tuple[int, int | None]]:
    """Checks and stores the file's grants (or pairs) one at a time; yields (the row's id here, its child's id)
    for the audit. `usernames` are the file's users, `child_floor` the largest child id before the import."""
    users = _Users(db, usernames)
    for i, row in enumerate(rows, start=1):
        where = f"{table} række {i}"
        try:
            if table == CASELOADS:
                yield _caseload(db, where, row, users, child_floor)
            else:
                yield _pair(db, where, row, users), None
        except IntegrityError:
            raise GrantProblem(f"{where} strider mod databasens regler (en værdi er uden for det tilladte).") from None
