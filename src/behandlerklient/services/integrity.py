"""`verify`: SQLCipher page HMACs, SQLite integrity, schema version and foreign keys."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.services import audit
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
    try:
        db.execute("INSERT INTO child_search(child_search, rank) VALUES ('integrity-check', 1)")
        checks.append(Check("search_index", True, "ok"))
    except Exception as exc:  # noqa: BLE001 - any failure of the check means the index is damaged
        checks.append(Check("search_index", False, f"søgeindekset er beskadiget ({type(exc).__name__})"))
    return checks
