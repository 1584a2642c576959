"""Signatures only the author can make (docs/signatures.md).

Each user has an Ed25519 key; the private half lives only in the key file, wrapped with that user's
passphrase, and in memory while the user is unlocked (a `Signer` per user id on the open database). Every
row that becomes signed lands on a work list (triggers in schema 0008); `seal_pending`, called once at the
end of each signing path, signs the canonical form of those rows that the unlocked user authored together
with the audit rows the user wrote, in one "seal" (one signature per user per transaction keeps `verify`
fast). Audit rows of other transactions (views) are sealed at commit. `verify` recomputes all of it.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from behandlerklient.core import canonical
from behandlerklient.core.models import User
from behandlerklient.security import keyfile as kf
from behandlerklient.services.signatures import outbox
from behandlerklient.storage.clock import now_utc, to_text
from behandlerklient.storage.database import Database
from behandlerklient.storage.outbox import OutboxRepository
from behandlerklient.storage.signatures import SignatureRepository

if TYPE_CHECKING:
    from behandlerklient.services.workspace.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signed:
    """A table whose rows get signed: how to name one in a report, and whose key must have signed it."""

    label: str
    date_column: str
    author_column: str = "author_id"
    corrects_column: str | None = None
    signed_flag: str = "t.signed_at IS NOT NULL"


SIGNED: dict[str, Signed] = {
    "journal_entries": Signed("Journalnotat", "event_time", corrects_column="supersedes_id"),
    "sessions": Signed("Session", "session_date", signed_flag="t.state = 'signed'"),
    "contacts": Signed("Henvendelse", "contact_date", author_column="created_by"),
    "intakes": Signed("Forsamtale", "talk_date"),
    "screenings": Signed("Screening", "screening_date"),
    "sdq_responses": Signed("SDQ", "answered_on"),
    "questionnaire_responses": Signed("Spørgeskema", "answered_on"),
    "consents": Signed("Samtykke", "given_on", corrects_column="withdraws_id"),
    "coordination_entries": Signed("Koordinering", "entry_date"),
    "notifications": Signed("Underretning", "notified_on"),
    "closings": Signed("Afslutning", "closing_date"),
    "follow_ups": Signed("Opfølgning", "due_date"),
    "group_sessions": Signed("Gruppesession", "session_date"),
}


@dataclass(frozen=True)
class Signer:
    user_id: int
    key_id: int
    private: Ed25519PrivateKey


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signers(db: Database) -> dict[int, Signer]:
    return db.signers


# -- keys -------------------------------------------------------------------------------------------
def register_key(db: Database, *, user: User, private: bytes, registered_by: int, now: datetime,
                 registrar: Signer | None = None) -> int:
    """Record `private`'s public key for `user`. The registration is signed by `registrar` (an
    administrator vouching for it) or, without one, by the new key itself (proof of possession)."""
    public = kf.public_key_of(private)
    at = to_text(now)
    payload = canonical.key_registration(user_id=user.id, username=user.username, public_key=public,
                                         registered_by=registered_by, registered_at=at)
    signing = registrar.private if registrar else Ed25519PrivateKey.from_private_bytes(private)
    with db.transaction():
        key_id = SignatureRepository(db).add_key(
            user_id=user.id, public_key=public, registered_by=registered_by, registered_at=at,
            registration_key_id=registrar.key_id if registrar else None,
            registration_signature=_b64(signing.sign(payload)))
    return key_id


def signer_for(db: Database, *, user: User, keys: kf.KeyFile, now: datetime) -> Signer | None:
    """The unlocked user's signer: their key from the key file if the database has it on record for them.

    A user with no key on record (created before signatures) registers the one their wrap now holds. A
    user who has keys on record but whose wrap holds another one (a wrap someone else added under their
    name, or a recovery reset) gets no signer until an administrator registers it: nothing written in
    such a session verifies as theirs."""
    found = _signers(db).get(user.id)
    if found is not None:
        return found
    private = keys.signing_key(user.username)
    if private is None:
        return None
    public = kf.public_key_of(private)
    on_record = SignatureRepository(db).keys_of(user.id)
    match = next((k for k in on_record if k["public_key"] == public), None)
    if match is None and on_record:
        log.warning("the key file's signing key is not registered for the unlocked user")
        return None
    if match is None:
        from behandlerklient.services.signatures import audit

        with db.transaction():
            key_id = register_key(db, user=user, private=private, registered_by=user.id, now=now)
            _signers(db)[user.id] = Signer(user.id, key_id, Ed25519PrivateKey.from_private_bytes(private))
            audit.record(db, user_id=user.id, action="user", now=now, obj=f"user:{user.id}",
                         detail="signing key registered")
            flush(db, at=to_text(now))  # the workspace (and its commit hook) may not exist yet
    else:
        _signers(db)[user.id] = Signer(user.id, match["id"], Ed25519PrivateKey.from_private_bytes(private))
    return _signers(db)[user.id]


def register_wrap_key(*, ws: Workspace, username: str) -> int:
    """An administrator vouches for the signing key in `username`'s wrap (after a recovery reset)."""
    from behandlerklient.core.errors import InvalidInput, RuleRefused
    from behandlerklient.services.signatures import audit
    from behandlerklient.storage.users import UserRepository

    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan registrere en brugers signeringsnøgle.")
    wrap = ws.keys.find(kf.user_wrap_id(username))
    user = UserRepository(ws.db).by_username(username)
    if wrap is None or wrap.signing is None or user is None:
        raise InvalidInput(f"Brugeren {username} har ingen signeringsnøgle i nøglefilen.")
    registrar = signer_for(ws.db, user=ws.user, keys=ws.keys, now=ws.clock())
    if registrar is None:
        raise RuleRefused("Din egen signeringsnøgle er ikke tilgængelig; lås op med din adgangskode.")
    at = to_text(ws.clock())
    payload = canonical.key_registration(user_id=user.id, username=username, public_key=wrap.signing.public_key,
                                         registered_by=ws.user.id, registered_at=at)
    with ws.db.transaction():
        key_id = SignatureRepository(ws.db).add_key(
            user_id=user.id, public_key=wrap.signing.public_key, registered_by=ws.user.id, registered_at=at,
            registration_key_id=registrar.key_id, registration_signature=_b64(registrar.private.sign(payload)))
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"user:{user.id}",
                     detail="signing key registered")
    return key_id


def give_keys(*, ws: Workspace, users: list[User]) -> None:
    """Users created without a passphrase of their own (the demo's therapists) get a first key, registered
    as their own; the private halves stay in memory for this session only."""
    for user in users:
        if user.id in _signers(ws.db) or SignatureRepository(ws.db).keys_of(user.id):
            continue
        private = kf.new_signing_key()
        key_id = register_key(ws.db, user=user, private=private, registered_by=user.id, now=ws.clock())
        _signers(ws.db)[user.id] = Signer(user.id, key_id, Ed25519PrivateKey.from_private_bytes(private))


def private_bytes(db: Database, user_id: int) -> bytes | None:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    s = _signers(db).get(user_id)
    return s.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) if s else None


# -- signing ----------------------------------------------------------------------------------------
_COLUMNS: dict[str, list[str]] = {}


def columns_of(db: Database, table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = SignatureRepository(db).columns(table)
    return _COLUMNS[table]


def record_payload(kind: str, spec: Signed, row: Any, columns: list[str], signed_at: str) -> bytes:
    return canonical.record(kind=kind, record_id=row["id"], author=row[spec.author_column], signed_at=signed_at,
                            corrects=row[spec.corrects_column] if spec.corrects_column else None,
                            content={c: row[c] for c in columns})


def seal_pending(ws: Workspace) -> None:
    """Sign now what became signed in this transaction: one call at the end of each signing path, inside
    its transaction, so the record and its signature land together. (Whatever is left, audit rows of a
    view for instance, is signed when the transaction commits: `flush`.)"""
    signer_for(ws.db, user=ws.user, keys=ws.keys, now=ws.clock())
    flush(ws.db, at=to_text(ws.clock()))


def attach(db: Database) -> None:
    """Sign at every commit of this connection what its unlocked users wrote in the transaction."""
    db.before_commit = _before_commit


def _before_commit(db: Database) -> None:
    # Shared rows written without an audit row of their own (a course's status change) still leave with this commit.
    if db.unsealed_audit or (db.signers and OutboxRepository(db).has_pending_shared()):
        flush(db, at=to_text(now_utc()), records=False)


def flush(db: Database, *, at: str, records: bool = True) -> None:
    """One seal per unlocked user over the records they authored that became signed (unless `records` is
    False: the commit hook leaves the work list to the signing paths), and the audit rows written by them,
    since the last seal. Rows of a user without their key here (someone else's record, a
    wrap someone added under that user's name) stay unsigned: `verify` reports them."""
    signers = _signers(db)
    if not signers:
        db.unsealed_audit.clear()
        return
    outbox.flush_shared(db, at=at, signers=signers)  # before the audit rows (they name who acted) are sealed
    repo = SignatureRepository(db)
    to_sign = records
    by_author: dict[int, list[tuple[str, Any, list[str]]]] = {}
    for pending in repo.pending() if to_sign else []:
        kind = pending["kind"]
        spec, row = SIGNED.get(kind), repo.row(kind, pending["record_id"])
        if spec is not None and row is not None and row[spec.author_column] in signers:
            by_author.setdefault(row[spec.author_column], []).append((kind, row, columns_of(db, kind)))
    audit: dict[int, list[tuple[int, int, str]]] = {}
    later: list[tuple[int, int, str]] = []
    for audit_id, user_id, chain_hash in db.unsealed_audit:
        written = repo.audit_hash(audit_id)
        if written is None and db.bulk:
            later.append((audit_id, user_id, chain_hash))  # a bulk build writes its audit rows just before COMMIT
        elif user_id in signers and written == chain_hash:  # not rolled back meanwhile
            audit.setdefault(user_id, []).append((audit_id, user_id, chain_hash))
    db.unsealed_audit[:] = later
    for user_id in sorted(set(by_author) | set(audit)):
        signer = signers[user_id]
        items = [(kind, row["id"], canonical.digest(record_payload(kind, SIGNED[kind], row, cols, at)))
                 for kind, row, cols in by_author.get(user_id, [])]
        prev = repo.last_seal_digest(signer.key_id)
        payload = canonical.seal(key_id=signer.key_id, signed_at=at, records=items, audit=audit.get(user_id, []),
                                 prev=prev)
        repo.add_seal(key_id=signer.key_id, version=canonical.VERSION, signed_at=at, prev=prev,
                      digest=canonical.digest(payload), signature=_b64(signer.private.sign(payload)),
                      records=[(kind, row["id"], ",".join(cols)) for kind, row, cols in by_author.get(user_id, [])],
                      audit_ids=[a[0] for a in audit.get(user_id, [])])
        for kind, row, _cols in by_author.get(user_id, []):
            _to_outbox(db, signer, kind, row, at)


def _to_outbox(db: Database, signer: Signer, kind: str, row: Any, at: str) -> None:
    """The record's envelope, signed by its author, in the signing transaction (sync.md, outbox)."""
    outbox.write(db, signer, kind, row, at)


IMPORT_SEAL_ROWS = 1000  # records per import seal: an import of any size holds one page of rows at a time


def seal_imported(ws: Workspace) -> None:
    """After an import: the importing administrator seals the imported signed rows as *imported* (their
    authors' keys are not here). `verify` counts them apart, naming no author's signature for them.
    One seal per page of records, each chained to the one before, so memory does not grow with the import."""
    signer = signer_for(ws.db, user=ws.user, keys=ws.keys, now=ws.clock())
    if signer is None:
        return
    repo = SignatureRepository(ws.db)
    at = to_text(ws.clock())
    after: tuple[str, int] = ("", -1)
    with ws.db.transaction():
        while page := repo.pending_after(*after, IMPORT_SEAL_ROWS):
            after = (page[-1]["kind"], page[-1]["record_id"])
            found = [(p["kind"], repo.row(p["kind"], p["record_id"])) for p in page if p["kind"] in SIGNED]
            rows = [(kind, row, columns_of(ws.db, kind)) for kind, row in found if row is not None]
            if not rows:
                continue
            items = [(kind, row["id"], canonical.digest(record_payload(kind, SIGNED[kind], row, cols, at)))
                     for kind, row, cols in rows]
            prev = repo.last_seal_digest(signer.key_id)
            payload = canonical.seal(key_id=signer.key_id, signed_at=at, records=items, audit=[], role="import",
                                     prev=prev)
            repo.add_seal(key_id=signer.key_id, version=canonical.VERSION, signed_at=at, role="import", prev=prev,
                          digest=canonical.digest(payload), signature=_b64(signer.private.sign(payload)),
                          records=[(kind, row["id"], ",".join(cols)) for kind, row, cols in rows], audit_ids=[])
