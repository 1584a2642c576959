"""Sync with the municipal server, laptop side (sync.md; docs/sync.md). No Qt; psycopg only in .connection, loaded
when a sync starts. The public API, for the CLI and a GUI worker thread:

- enroll(ws=, host=, port=, user=, password=, dbname=, ca_pem=, cert_pem=, key_pem=) -> None, or why the
  signing key could not be checked (refuses a laptop whose key the server does not hold: key_check.py)
- sync(ws=) -> SyncResult            push, then grants and pull; raises DriverMissing / ServerUnreachable
- status(ws=) -> SyncStatus          from the local database only (no network): for a status bar
- push.push / pull.Puller            the two halves, for tests and finer control

Everything it stores is inside the encrypted database (sync_state). Offline nothing here is called and nothing waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.services.signatures import audit
from behandlerklient.services.sync import backlog, connection, key_check, merge
from behandlerklient.services.sync.audit_chain import ChainPush, push_chain
from behandlerklient.services.sync.connection import DriverMissing, ServerUnreachable
from behandlerklient.services.sync.pull import Puller, PullResult, staff_of
from behandlerklient.services.sync.push import PushResult, push
from behandlerklient.storage import identity
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

__all__ = ["DriverMissing", "ServerUnreachable", "SyncResult", "SyncStatus", "enroll", "status", "sync"]


@dataclass
class SyncResult:
    push: PushResult
    pull: PullResult
    chain: ChainPush = field(default_factory=ChainPush)
    backlog_waiting: int = 0   # records written before the outbox whose author's key is not unlocked here

    def summary(self) -> str:
        """One Danish line for the CLI and the status bar."""
        p, q = self.push, self.pull
        text = (f"Synkroniseret: {p.sent} sendt, {p.duplicates} dubletter, {q.received} modtaget, "
                f"{q.quarantined} i karantæne, {p.conflicts} konflikter")
        if p.quarantined:
            text += f", {p.quarantined} afvist af serveren (i serverens karantæne)"
        if q.orphans:
            text += f", {q.orphans} venter på en overordnet post"
        if self.backlog_waiting:
            text += f", {self.backlog_waiting} ældre poster {backlog.WAITING_LABEL}"
        if self.chain.diverged:
            text += ("; ADVARSEL: revisionssporet her indeholder ikke længere den række, serveren senest kvitterede "
                     "for (rækker fjernet eller ændret); kør 'behandlerklient verify'")
        if p.cpr_known:
            text += f", {p.cpr_known} barn kendt på serveren under et andet id (afventer koordinator)"
        return text


@dataclass
class SyncStatus:
    enrolled: bool
    server: str = ""
    username: str = ""
    last_push_at: str | None = None
    last_pull_at: str | None = None
    waiting: int = 0        # this user's records not yet sent
    conflicts: int = 0      # refused by the server as uid conflicts
    refused: int = 0        # refused by the server (its quarantine)
    quarantined: int = 0    # received records refused here
    orphans: int = 0
    last_error: str | None = None
    backlog_waiting: int = 0  # records written before the outbox, waiting for their author's key


def enroll(*, ws: Any, host: str, port: int, user: str, password: str, dbname: str = "bk",
           ca_pem: str | None = None, cert_pem: str | None = None, key_pem: str | None = None,
           connect: Callable[[Any], Any] | None = None) -> str | None:
    """Stores the server and this laptop's credentials in the encrypted database. The server user is the unlocked
    user: records are pushed as their author. First it asks the server whether it holds this laptop's signing key
    for her and refuses (KeyMismatch, nothing stored) when it does not. Returns None when the key was checked, else
    why it could not be (the server was not reached: stored anyway, and the first sync checks it)."""
    if user != ws.user.username:
        raise RuleRefused(f"Serverbrugeren {user!r} er ikke den bruger, der er låst op ({ws.user.username!r}); "
                          f"lås op som {user!r} for at tilmelde denne computer.")
    if not host or not (0 < port < 65536):
        raise InvalidInput("Angiv serveren som VÆRT[:PORT].")
    device = identity.device_uid(ws.db)
    values = {"server_host": host, "server_port": port, "dbname": dbname, "username": user, "password": password,
              "ca_pem": ca_pem, "cert_pem": cert_pem, "key_pem": key_pem, "device_uid": device}
    unchecked = _check_key_at_enroll(ws, values, connect)
    with ws.db.transaction():
        SyncRepository(ws.db).enroll(values)
        audit.record(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(), obj="sync_state",
                     detail=f"enrolled with {host}:{port}/{dbname} as {user}"
                            + ("; signing key not checked (server not reached)" if unchecked else ""))
    backlog.queue(ws)  # what this laptop wrote before the outbox existed goes to the server too
    return unchecked


def _check_key_at_enroll(ws: Any, state: dict[str, Any], connect: Callable[[Any], Any] | None) -> str | None:
    """None when the server holds this laptop's key for the user; the reason it could not be asked otherwise."""
    try:
        conn = (connect or connection.connect)(state)
    except (ServerUnreachable, DriverMissing) as exc:
        return exc.message
    try:
        key_check.check(ws, conn, username=state["username"], stored="Intet er gemt; computeren er ikke tilmeldt.")
    except Exception as exc:
        if not connection.is_connection_error(exc):
            raise
        return connection.lost(state, exc).message
    finally:
        conn.close()
    return None


def _check_key_before_push(ws: Any, staff: dict[str, Any], state: Any) -> None:
    """A laptop enrolled offline learns here, before it sends anything, that the server holds another key (from the
    staff list the sync holds: read again whenever the server's staff changed)."""
    try:
        key_check.check_staff(ws, staff, username=state["username"], stored="Intet er sendt.")
    except key_check.KeyMismatch as exc:
        with ws.db.transaction():
            SyncRepository(ws.db).set_state(last_error=exc.message)
        raise


# Per open database: the staff list read last and the server's tags of it and of the duplicates this laptop noted,
# so a sync reads the staff list and the duplicates again only when their tag on the server changed. Kept in memory
# (a new process, or the database opened again, reads both once): the tags stand for server state, not for anything
# this laptop stores.
_known: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()


def _state(ws: Any) -> Any:
    state = SyncRepository(ws.db).state()
    if state is None:
        raise RuleRefused("Denne computer er ikke tilmeldt en synkroniseringsserver: "
                          "kør først 'behandlerklient sync enroll --server VÆRT --user BRUGER'.")
    if state["username"] != ws.user.username:
        raise RuleRefused(f"Synkroniseringen er tilmeldt som {state['username']!r}; lås op som den bruger.")
    return state


def sync(*, ws: Any, connect: Callable[[Any], Any] | None = None,
         after_push_commit: Callable[[], None] | None = None,
         page_hook: Callable[[int], None] | None = None) -> SyncResult:
    """Push, then grants and pull. The hooks are for tests (a lost reply, a kill mid-page)."""
    state = _state(ws)
    repo = SyncRepository(ws.db)
    backlog.queue(ws)  # a laptop enrolled before the backlog existed lists it at its first sync
    waiting_for_keys = backlog.drain(ws)
    try:
        conn = (connect or connection.connect)(state)
    except (ServerUnreachable, DriverMissing) as exc:
        with ws.db.transaction():
            repo.set_state(last_error=str(exc))
        raise
    try:
        server = ServerCalls(conn)
        probe = server.probe(state["device_uid"], int(state["grants_cursor"]))
        known = _known.setdefault(ws.db, {})
        if known.get("staff_tag") != probe["staff_tag"]:
            known.update(staff=staff_of(server), staff_tag=probe["staff_tag"])
        _check_key_before_push(ws, known["staff"], state)
        pushed = push(ws, conn, username=state["username"], after_commit=after_push_commit)
        chain = push_chain(ws, conn, username=state["username"], device=state["device_uid"], now=ws.clock(),
                           head=probe["chain_head"])
        puller = Puller(ws, conn, device=state["device_uid"], page_hook=page_hook, staff=known["staff"])
        if known.get("duplicates_tag") != probe["duplicates_tag"]:
            merge.refresh(ws, server, puller.staff)  # the coordinator's tasks; decisions come in the pull
            known["duplicates_tag"] = probe["duplicates_tag"]
        wrote = pushed.sent + pushed.duplicates + chain.rows > 0
        pulled = puller.run(probe, pushed=wrote)
    except Exception as exc:
        if not connection.is_connection_error(exc):
            raise
        broken = connection.lost(state, exc)
        with ws.db.transaction():
            repo.set_state(last_error=str(broken))
        raise broken from None
    finally:
        conn.close()
    if state["last_error"] is not None:  # a sync with nothing new writes nothing here
        with ws.db.transaction():
            repo.set_state(last_error=None)
    return SyncResult(pushed, pulled, chain, backlog_waiting=waiting_for_keys)


def status(*, ws: Any) -> SyncStatus:
    repo = SyncRepository(ws.db)
    state = repo.state() if repo.has_table() else None
    if state is None:
        return SyncStatus(enrolled=False)
    counts = repo.counts(state["username"])
    return SyncStatus(enrolled=True, server=f"{state['server_host']}:{state['server_port']}",
                      username=state["username"], last_push_at=state["last_push_at"],
                      last_pull_at=state["last_pull_at"], last_error=state["last_error"],
                      waiting=counts["waiting"], conflicts=counts["conflicts"], refused=counts["refused"],
                      quarantined=counts["quarantined"], orphans=counts["orphans"],
                      backlog_waiting=backlog.waiting(ws))
