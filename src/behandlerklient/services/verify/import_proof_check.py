"""`verify`'s check of imported records against the proof their author's signature gave them in the file.

The author signed the record with the ids it had in the exporting database; the import kept, for each imported
record, its ids there next to its ids here, the author's seal as signed and the key that signed it
(schema 0016). So the payload is recomputed from the row as it is now, with each id the import translated put
back to what the author signed: a row rewritten after the import no longer matches its author's seal.
Findings name the record's kind, date and id here, never its content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from behandlerklient.core import canonical
from behandlerklient.services.exchange.export_signatures import verifies
from behandlerklient.services.signatures.seal import SIGNED, record_payload
from behandlerklient.storage.database import Database
from behandlerklient.storage.import_proofs import ImportProofRepository


@dataclass
class ImportReport:
    proven: int = 0
    unproven: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)


def _name(label: str, day: object, record_id: int) -> str:
    return f"{label} fra {str(day or '')[:10]} (id {record_id})"


class _Seals:
    """Each imported seal checked once: its signature with its key, and the key as its user's."""

    def __init__(self, repo: ImportProofRepository) -> None:
        self.repo = repo
        self.cache: dict[int, tuple[bool, int, dict[tuple[str, int], str], str]] = {}

    def get(self, seal_id: int) -> tuple[bool, int, dict[tuple[str, int], str], str]:
        """(valid, the key's user here, {(table, id in the file): digest}, signed_at)."""
        if seal_id not in self.cache:
            s = self.repo.seal(seal_id)
            try:
                payload = json.loads(s["payload"])
                items = {(r[0], r[1]): r[2] for r in payload["records"]}
                signed_at = str(payload["signed_at"])
            except (TypeError, ValueError, KeyError, IndexError):
                payload, items, signed_at = None, {}, ""
            valid = payload is not None and payload.get("type") == "seal" and payload.get("role") == "author" \
                and verifies(s["public_key"], s["signature"], s["payload"].encode("utf-8")) and self._key_ok(s)
            self.cache[seal_id] = (valid, s["user_id"], items, signed_at)
        return self.cache[seal_id]

    def _key_ok(self, k: Any) -> bool:
        if k["registration"] == "":  # the key is on record here for the user
            return self.repo.registered(k["user_id"], k["public_key"])
        if self.repo.has_own_keys(k["user_id"]):
            return False  # a user with a key here is proven by that key, not by a registration from a file
        try:
            reg = json.loads(k["registration"])
        except ValueError:
            return False
        return reg.get("type") == "key" and reg.get("public_key") == k["public_key"] \
            and reg.get("username") == self.repo.username(k["user_id"]) \
            and verifies(k["registrar_key"], k["registration_signature"], k["registration"].encode("utf-8"))


def _check_one(kind: str, p: Any, seals: _Seals) -> str:
    """'' if the row as it is now is what its author signed; otherwise what is wrong."""
    spec = SIGNED[kind]
    if p["id"] is None:
        return "er slettet efter importen"
    try:
        ids = json.loads(p["proof_ids"])
        content = {c: p[c] for c in p["proof_columns"].split(",")}
        for col, (here, there) in ids.items():
            if p[col] != here:
                return "peger ikke længere på det, den blev importeret med"
            if col in content:
                content[col] = there
        file_row = {**content, "id": ids["id"][1]}
        for col in (spec.author_column, spec.corrects_column):
            if col and col not in file_row:
                file_row[col] = ids.get(col, [None, p[col]])[1]
    except (ValueError, KeyError, IndexError, TypeError):
        return "importbeviset kan ikke læses"
    valid, key_user, items, signed_at = seals.get(p["proof_seal_id"])
    if not valid:
        return "forfatterens segl eller nøgle passer ikke"
    if key_user != p[spec.author_column]:
        return "signeret med en anden brugers nøgle end forfatterens"
    try:
        digest = canonical.digest(record_payload(kind, spec, file_row, list(content), signed_at))
    except (KeyError, ValueError):
        digest = ""
    if items.get((kind, file_row["id"])) != digest:
        return "indholdet passer ikke længere til forfatterens signatur"
    return ""


def check(db: Database) -> ImportReport:
    repo = ImportProofRepository(db)
    report = ImportReport()
    seals = _Seals(repo)
    for kind, spec in SIGNED.items():
        for p in repo.proofs(kind):
            name = _name(spec.label, p[spec.date_column], p["proof_record_id"])
            if p["proof_seal_id"] is None:
                report.unproven.append(name)
                if p["id"] is None:
                    report.bad.append(f"{name}: er slettet efter importen")
                continue
            problem = _check_one(kind, p, seals)
            if problem:
                report.bad.append(f"{name}: {problem}")
            else:
                report.proven += 1
    first = repo.epoch().get("import_proofs")
    if first is not None:
        for r in repo.import_sealed_without_proof(first):
            report.bad.append(f"{SIGNED[r['kind']].label} (id {r['record_id']}): importeret uden importbevis")
    return report
