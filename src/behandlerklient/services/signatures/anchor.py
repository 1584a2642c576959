"""The audit chain's head kept outside the database: every backup and export records it, and
`verify --against FILE` checks that the chain still holds that row with that hash (docs/signatures.md).

The chain's hashes need no key, so someone holding the data key can rewrite history and recompute every
hash after the change; what they cannot change is a copy of the head that already left the database.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from behandlerklient.core.errors import InvalidInput
from behandlerklient.storage.database import Database
from behandlerklient.storage.signatures import SignatureRepository

FIELD = "audit_head"


def head(db: Database) -> dict[str, Any]:
    """The newest audit row's id and chain hash (id 0 and '' for an empty log)."""
    last_id, last_hash = SignatureRepository(db).audit_head()
    return {"id": last_id, "hash": last_hash}


def read(path: Path) -> dict[str, Any]:
    """The head recorded in a backup (backup.json) or an export-json file."""
    bad = InvalidInput(f"{path.name} indeholder ingen gemt position i revisionssporet (audit_head).")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                info = json.loads(z.read("backup.json"))
        else:
            with path.open(encoding="utf-8") as fh:
                info = json.load(fh)
    except FileNotFoundError:
        raise InvalidInput(f"Filen findes ikke: {path}") from None
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput(f"{path.name} kan ikke læses som sikkerhedskopi eller eksport.") from None
    found = info.get(FIELD) if isinstance(info, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("id"), int) or not isinstance(found.get("hash"), str):
        raise bad
    return found


def check(db: Database, anchor: dict[str, Any], source: str) -> tuple[str, bool, str]:
    """(name, ok, detail): does the chain still contain the recorded head? (The chain check itself proves
    every later row follows from it.)"""
    row_id, expected = anchor["id"], anchor["hash"]
    if row_id == 0:
        return "audit_anchor", True, f"{source} blev lavet før revisionssporet havde rækker"
    current = SignatureRepository(db).audit_hash(row_id)
    if current is None:
        return "audit_anchor", False, (f"revisionssporet indeholder ikke længere række {row_id}, som {source} "
                                       "kendte: rækker er fjernet siden")
    if current != expected:
        return "audit_anchor", False, f"række {row_id} i revisionssporet er ændret siden {source} blev lavet"
    return "audit_anchor", True, f"revisionssporet indeholder stadig række {row_id} fra {source} uændret"


def server_check(db: Database) -> tuple[str, bool, str] | None:
    """(name, ok, detail) on a synced laptop: does this device's audit chain still hold the row the sync server
    acknowledged as its head, unchanged (services/sync/audit_chain.py)? None where it never synced its chain."""
    from behandlerklient.storage.sync_state import SyncRepository

    repo = SyncRepository(db)
    state = repo.state() if repo.has_table() else None
    if state is None or state["audit_acked_id"] is None:
        return None
    row_id, expected = int(state["audit_acked_id"]), str(state["audit_acked_hash"])
    current = repo.audit_row_hash(row_id)
    if current is None:
        return "audit_server_anchor", False, (f"række {row_id} i revisionssporet, som serveren har kvitteret for, "
                                              "findes ikke længere: rækker er fjernet efter synkroniseringen")
    if current != expected:
        return "audit_server_anchor", False, (f"række {row_id} i revisionssporet er ændret, efter serveren kvitterede "
                                              "for den: rækker er omskrevet efter synkroniseringen")
    return "audit_server_anchor", True, f"revisionssporet indeholder stadig række {row_id}, som serveren kvitterede for"
