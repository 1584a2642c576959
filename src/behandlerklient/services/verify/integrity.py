"""`verify`: SQLCipher page HMACs, SQLite integrity, schema version, the guard triggers, foreign keys, the audit
chain and the search index."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from behandlerklient.services.signatures import anchor, audit
from behandlerklient.services.verify import signature_check
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage import schema_triggers
from behandlerklient.storage.database import Database
from behandlerklient.storage.integrity import IntegrityChecks
from behandlerklient.storage.migrate import latest_version

# Trigger names are the schema's, never patient data; an added trigger's name is the attacker's choice, so cut it.
_NAME_MAX = 64


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _page_checks(db: Database) -> list[Check]:
    """What SQLCipher and SQLite check page by page (C code that reads the whole file), and foreign keys."""
    store = IntegrityChecks(db)
    checks = []
    cipher = store.cipher_problems()
    checks.append(Check("sqlcipher", not cipher, "alle sider har gyldig HMAC" if not cipher
                        else f"{len(cipher)} side(r) med ugyldig HMAC"))
    integrity = store.integrity()
    ok = integrity == ["ok"]
    checks.append(Check("integrity", ok, "ok" if ok else "; ".join(integrity[:5])))
    fk = store.foreign_key_violations()
    checks.append(Check("foreign_keys", not fk, "ok" if not fk else f"{len(fk)} brudte fremmednøgler"
                        f" (første i tabellen {fk[0][0]})"))
    return checks


def _on_second_connection(ws: Workspace) -> Future[list[Check] | None] | None:
    """The page checks run on their own connection in a thread while this one recomputes hashes and
    signatures in Python: SQLite releases the GIL, so a 10,000-child verify uses both cores."""
    if ws.data_key is None or str(ws.path) == ":memory:":
        return None
    key, path = ws.data_key, ws.path

    def run() -> list[Check] | None:
        try:
            db = Database.open(path, key)
        except Exception:  # noqa: BLE001 - the checks then run on the caller's connection, which says what is wrong
            return None
        try:
            return _page_checks(db)
        finally:
            db.close(checkpoint=False)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify")
    try:
        return pool.submit(run)
    finally:
        pool.shutdown(wait=False)


def verify(*, ws: Workspace) -> list[Check]:
    db = ws.db
    pages = _on_second_connection(ws)
    version, latest = db.user_version, latest_version()
    rest = [Check("schema", version == latest, f"skema {version} (forventet {latest})"), _triggers(db)]
    chain = audit.verify_chain(db)
    rest.append(Check("audit_chain", chain.ok, chain.detail))
    anchored = anchor.server_check(db)  # a synced laptop: the head the server acknowledged is still here
    if anchored is not None:
        rest.append(Check(*anchored))
    stale = IntegrityChecks(db).stale_search_terms()
    rest.append(Check("search_index", not stale, "ok" if not stale
                      else f"søgeindekset passer ikke til registret ({stale} forskel{'' if stale == 1 else 'le'})"))
    rest += [Check(*c) for c in signature_check.checks(db)]
    page_checks = (pages.result() if pages is not None else None) or _page_checks(db)
    # The report's order stays: pages, schema, triggers, foreign keys, chain, index, signatures.
    return page_checks[:2] + rest[:2] + page_checks[2:] + rest[2:]


def _triggers(db) -> Check:  # noqa: ANN001 - a Database
    """The triggers that freeze signed records are there, each with the text the migrations gave it."""
    diff = schema_triggers.compare(db)
    if diff.ok:
        return Check("triggers", True, f"{len(schema_triggers.expected())} triggere som migrationerne skabte dem")
    parts = [f"{label} {', '.join(n[:_NAME_MAX] for n in names)}" for label, names in
             (("mangler:", diff.missing), ("ændret:", diff.altered), ("ukendt:", diff.unexpected)) if names]
    return Check("triggers", False, "triggerne afviger fra migrationerne; " + "; ".join(parts))
