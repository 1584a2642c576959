"""`verify`: SQLCipher page HMACs, SQLite integrity, schema version, the guard triggers, foreign keys, the audit
chain and the search index."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.services import audit, signature_check
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage import schema_triggers
from behandlerklient.storage.integrity import IntegrityChecks
from behandlerklient.storage.migrate import latest_version

# Trigger names are the schema's, never patient data; an added trigger's name is the attacker's choice, so cut it.
_NAME_MAX = 64


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def verify(*, ws: Workspace) -> list[Check]:
    db = ws.db
    store = IntegrityChecks(db)
    checks = []
    cipher = store.cipher_problems()
    checks.append(Check("sqlcipher", not cipher, "alle sider har gyldig HMAC" if not cipher
                        else f"{len(cipher)} side(r) med ugyldig HMAC"))
    integrity = store.integrity()
    ok = integrity == ["ok"]
    checks.append(Check("integrity", ok, "ok" if ok else "; ".join(integrity[:5])))
    version, latest = db.user_version, latest_version()
    checks.append(Check("schema", version == latest, f"skema {version} (forventet {latest})"))
    checks.append(_triggers(db))
    fk = store.foreign_key_violations()
    checks.append(Check("foreign_keys", not fk, "ok" if not fk else f"{len(fk)} brudte fremmednøgler"
                        f" (første i tabellen {fk[0][0]})"))
    chain = audit.verify_chain(db)
    checks.append(Check("audit_chain", chain.ok, chain.detail))
    stale = store.stale_search_terms()
    checks.append(Check("search_index", not stale, "ok" if not stale
                        else f"søgeindekset passer ikke til registret ({stale} forskel{'' if stale == 1 else 'le'})"))
    checks += [Check(*c) for c in signature_check.checks(db)]
    return checks


def _triggers(db) -> Check:  # noqa: ANN001 - a Database
    """The triggers that freeze signed records are there, each with the text the migrations gave it."""
    diff = schema_triggers.compare(db)
    if diff.ok:
        return Check("triggers", True, f"{len(schema_triggers.expected())} triggere som migrationerne skabte dem")
    parts = [f"{label} {', '.join(n[:_NAME_MAX] for n in names)}" for label, names in
             (("mangler:", diff.missing), ("ændret:", diff.altered), ("ukendt:", diff.unexpected)) if names]
    return Check("triggers", False, "triggerne afviger fra migrationerne; " + "; ".join(parts))
