"""The append-only, hash-chained audit log: who viewed, created, signed, corrected, exported or imported what."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from behandlerklient.core import canonical, uid
from behandlerklient.storage import identity, users
from behandlerklient.storage.audit_log import AuditLogRepository, NewRow
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database

ACTIONS = {"view": "Visning", "create": "Oprettelse", "update": "Ændring af kladde", "sign": "Underskrift",
           "correct": "Rettelse", "export": "Udlevering/eksport", "import": "Import", "user": "Brugeradministration",
           "supervise": "Supervision", "master_data": "Ændring af stamdata", "sync": "Synkronisering"}


# json.dumps(..., ensure_ascii=False) makes a new encoder per call; verify hashes every row of the log.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _encode(values: list) -> str:
    """_ENCODER.encode(values) (default separators: ", "), built from each value's text when all are str, int
    or None, as every audit column is: verify hashes ~220,000 rows at 10,000 children."""
    try:
        return "[" + ", ".join([canonical.scalar(v) for v in values]) + "]"
    except canonical.Unusual:
        return _ENCODER.encode(values)


def _hash(prev: str, row_id: int, at: str, user_id: int | None, action: str, child_id: int | None,
          obj: str, detail: str) -> str:
    """The chain as schema 2 defined it: local ids. Rows before `device.audit_v2_from` keep this hash."""
    payload = _encode([prev, row_id, at, user_id, action, child_id, obj, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_v2(device: str, uid: str, prev: str, at: str, username: str | None, action: str, child_uid: str | None,
             obj: str, detail: str) -> str:
    """One device's chain (schema 13): global references only, so another laptop or the server can check the
    chain without this installation's integer ids. `prev` is the previous row of the same device."""
    payload = _encode(["audit-v2", device, uid, prev, at, username, action, child_uid, obj, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _row(db: Database, prev: str, at: str, user_id: int | None, action: str, child_id: int | None, obj: str,
         detail: str, names: dict[tuple[str, int | None], str | None] | None = None) -> tuple[dict, str]:
    """A new local row's identity and chain hash (linked to `prev`, this device's head). `names` keeps the user
    names and child uids already read (a chain of many rows names the same few again and again)."""
    row_uid, device = uid.uuid7(), db.device_uid
    if names is None:
        username, child_uid = users.username_of(db, user_id), identity.uid_of(db, "children", child_id)
    else:
        if ("user", user_id) not in names:
            names[("user", user_id)] = users.username_of(db, user_id)
        if ("child", child_id) not in names:
            names[("child", child_id)] = identity.uid_of(db, "children", child_id)
        username, child_uid = names[("user", user_id)], names[("child", child_id)]
    digest = _hash_v2(device, row_uid, prev, at, username, action, child_uid, obj, detail)
    return {"uid": row_uid, "origin_device": device}, digest


def record(db: Database, *, user_id: int | None, action: str, now: datetime, child_id: int | None = None,
           obj: str = "", detail: str = "") -> None:
    """Append one row; call inside the transaction of the change it records, so both or neither land."""
    if db.bulk:
        # A bulk build chains its rows in memory and writes them all just before its one COMMIT.
        db.defer("audit", lambda: _Chain(db)).add(user_id, action, to_text(now), child_id, obj, detail)
        return
    with db.transaction():
        log = AuditLogRepository(db)
        _last_id, last_hash = log.head()
        at = to_text(now)
        ident, digest = _row(db, last_hash, at, user_id, action, child_id, obj, detail)
        row_id = log.append({"at": at, "user_id": user_id, "action": action, "child_id": child_id, "object": obj,
                             "detail": detail, "prev_hash": last_hash, "hash": digest, **ident})
        if user_id is not None:  # signed with the user's next seal at commit (services.signatures.seal.flush)
            db.unsealed_audit.append((row_id, user_id, digest))


class _Chain:
    """Rows chained exactly as `record` chains them one by one, kept until the bulk transaction commits."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.log = AuditLogRepository(db)
        self.last_id, self.last_hash = self.log.head()
        self.rows: list[NewRow] = []
        self.names: dict[tuple[str, int | None], str | None] = {}  # neither a user name nor a child uid changes

    def add(self, user_id: int | None, action: str, at: str, child_id: int | None, obj: str, detail: str) -> None:
        if not self.rows:  # ids follow the log's last row of any device (rows of other devices live here too)
            self.last_id = max(self.last_id, self.log.last_id())
        self.last_id += 1
        ident, digest = _row(self.db, self.last_hash, at, user_id, action, child_id, obj, detail, self.names)
        self.rows.append(NewRow(self.last_id, at, user_id, action, child_id, obj, detail, self.last_hash, digest,
                                ident["uid"], ident["origin_device"]))
        self.last_hash = digest
        if user_id is not None:  # signed with the user's next seal at commit, once the row is written
            self.db.unsealed_audit.append((self.last_id, user_id, digest))

    def flush(self) -> None:
        if self.rows:
            self.log.append_many(self.rows, last_id=self.last_id, last_hash=self.last_hash)
            self.rows = []

    def discard(self) -> None:
        self.rows = []


def record_many(db: Database, *, user_id: int | None, action: str, now: datetime,
                entries: list[tuple[int | None, str, str]], whole: bool = False,
                child_uids: Mapping[int, str] | None = None) -> None:
    """Many rows (child_id, object, detail) of one action, chained exactly as `record` chains them one by one
    (an import audits each record it writes: one statement for all instead of three each).

    whole=True: the caller's open transaction is rolled back whole if this raises (a pull page), so the rows need no
    savepoint of their own. Under one, SQLite walks the savepoint's sub-journal at the end of each statement.
    child_uids: the uids of children the caller holds by id already (a pull page's), not read again one by one."""
    if not entries:
        return
    with contextlib.nullcontext() if whole and db.in_transaction else db.transaction():
        chain = db.defer("audit", lambda: _Chain(db)) if db.bulk else _Chain(db)
        for known_id, known_uid in (child_uids or {}).items():
            chain.names[("child", known_id)] = known_uid
        at = to_text(now)
        for child_id, obj, detail in entries:
            chain.add(user_id, action, at, child_id, obj, detail)
        if not db.bulk:
            chain.flush()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows: int
    detail: str


def verify_chain(db: Database) -> ChainCheck:
    """Each device's chain on its own (schema 13): every row links to the previous row of its device and its
    hash recomputes; the local device's chain ends at audit_head. Rows before `audit_v2_from` are the local
    device's schema-2 chain (local ids in the hash, no gaps in the ids)."""
    local, v2_from = db.device_uid, identity.audit_v2_from(db)
    heads: dict[str, tuple[int, str]] = {}  # device -> (last row id, last hash)
    count, expected_id = 0, 1
    log = AuditLogRepository(db)
    for r in log.chain():
        device = r.origin_device
        prev = heads.get(device, (0, ""))[1]
        if r.id < v2_from:
            if r.id != expected_id or device != local:
                return ChainCheck(False, count, f"række {expected_id} mangler i revisionssporet")
            expected_id += 1
            ok = _hash(prev, r.id, r.at, r.user_id, r.action, r.child_id, r.object, r.detail) == r.hash
        else:
            ok = _hash_v2(device, r.uid, prev, r.at, r.username, r.action, r.child_uid, r.object, r.detail) == r.hash
        if r.prev_hash != prev or not ok:
            return ChainCheck(False, count, f"række {r.id} i revisionssporet er ændret")
        heads[device] = (r.id, r.hash)
        count += 1
    if expected_id != v2_from:
        return ChainCheck(False, count, f"række {expected_id} mangler i revisionssporet")
    if log.head() != heads.get(local, (0, "")):
        return ChainCheck(False, count, "de seneste rækker i revisionssporet mangler eller er ændret")
    devices = len(heads)
    return ChainCheck(True, count, f"{count} rækker, kæden er intakt" if devices <= 1 else
                      f"{count} rækker fra {devices} enheder, hver enheds kæde er intakt")


def export_for_child(*, ws, child_id: int) -> list[dict]:  # noqa: ANN001 - a Workspace
    """The child's access log, itself an export that is logged (after the rows it returns)."""
    from behandlerklient.core.errors import NotFound

    if not ChildRepository(ws.db).exists(child_id):
        raise NotFound(f"Intet barn med id {child_id}.")
    rows = for_child(ws.db, child_id)
    with ws.db.transaction():
        record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), child_id=child_id, obj="audit-log")
    return rows


def for_child(db: Database, child_id: int) -> list[dict]:
    return [{"id": r["id"], "at": r["at"], "user": r["username"], "user_name": r["full_name"], "action": r["action"],
             "action_label": ACTIONS.get(r["action"], r["action"]), "object": r["object"], "detail": r["detail"]}
            for r in AuditLogRepository(db).for_child(child_id)]
