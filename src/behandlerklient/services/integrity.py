"""`verify`: SQLCipher page HMACs, SQLite integrity, schema version and foreign keys."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.services import audit, signature_check
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.migrate import latest_version


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def verify(*, ws: Workspace) -> list[Check]:
    db = ws.db
    checks = []
    cipher = [r[0] for r in db.query("PRAGMA cipher_integrity_check")]
    checks.append(Check("sqlcipher", not cipher, "alle sider har gyldig HMAC" if not cipher
                        else f"{len(cipher)} side(r) med ugyldig HMAC"))
    integrity = [r[0] for r in db.query("PRAGMA integrity_check")]
    ok = integrity == ["ok"]
    checks.append(Check("integrity", ok, "ok" if ok else "; ".join(integrity[:5])))
    version, latest = db.user_version, latest_version()
    checks.append(Check("schema", version == latest, f"skema {version} (forventet {latest})"))
    fk = db.query("PRAGMA foreign_key_check")
    checks.append(Check("foreign_keys", not fk, "ok" if not fk else f"{len(fk)} brudte fremmednøgler"
                        f" (første i tabellen {fk[0][0]})"))
    chain = audit.verify_chain(db)
    checks.append(Check("audit_chain", chain.ok, chain.detail))
    stale = db.scalar(
        "WITH expected AS (SELECT t.value, c.sort_key, c.id FROM children c, "
        "json_each(search_terms(c.first_name, c.last_name, c.cpr)) t), "
        "stored AS (SELECT term, sort_key, child_id FROM child_search_terms) "
        "SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored)) "
        "+ (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))")
    checks.append(Check("search_index", not stale, "ok" if not stale
                        else f"søgeindekset passer ikke til registret ({stale} forskel{'' if stale == 1 else 'le'})"))
    checks += [Check(*c) for c in signature_check.checks(db)]
    return checks
