"""The author's proof travels with each signed record (docs/signatures.md, "Imported records").

An export carries its database's signing keys and signature epoch (header field `signatures`) and, before the
tables, the section `seals`: every author seal that covers an exported record, as signed. An import checks every
signed row of the file against its seal, with the file's key of the row's author, and keeps the proof
(storage/import_proofs.py) so that `verify` can recheck it. Seals are written and staged one at a time: memory
does not grow with their number.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.core import canonical
from behandlerklient.services.signatures.seal import SIGNED, Signed, record_payload
from behandlerklient.storage.database import Database
from behandlerklient.storage.import_proofs import ImportProofRepository

FIELD = "signatures"  # header field: {"epoch": {table: first id}, "keys": [...]}
SECTION = "seals"  # the section before the tables
KEY_FIELDS = ("id", "user_id", "username", "public_key", "registered_by", "registered_at", "registration_key_id",
              "registration_signature")


class ProofProblem(ValueError):
    """What is wrong with the file's signatures, in Danish; the caller adds "Importfilen ..."."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def verifies(public_b64: str, signature_b64: str, payload: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True)).verify(
            base64.b64decode(signature_b64, validate=True), payload)
        return True
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False


def is_signed(table: str, row: dict[str, Any]) -> bool:
    return row.get("state") == "signed" if table == "sessions" else row.get("signed_at") is not None


# -- export -------------------------------------------------------------------------------------------------------
def header(db: Database) -> dict[str, Any]:
    repo = ImportProofRepository(db)
    epoch = {kind: first for kind, first in repo.epoch().items() if kind in SIGNED}
    return {"epoch": epoch, "keys": [{f: k[f] for f in KEY_FIELDS} for k in repo.signing_keys()]}


def write_section(db: Database, out: TextIO, dumps: Callable[[Any, int], str]) -> None:
    """`"seals": [...]` as json.dumps(document, indent=1) writes it inside `tables`, one seal at a time. Each seal
    is what its signature covers (records as [table, id, sha256 of the record payload], audit rows as [id, user
    id, chain hash], key, time, previous seal's digest) and, per table, the columns its records' signatures cover
    (one transaction signs under one schema)."""
    repo = ImportProofRepository(db)
    out.write(f"\n  {dumps(SECTION, 2)}: [")
    count = 0
    for s in repo.author_seals():
        records, columns = [], {}
        for r in repo.sealed_records(s["id"]):
            row = repo.row(r["kind"], r["record_id"])
            digest = "" if row is None else canonical.digest(
                record_payload(r["kind"], SIGNED[r["kind"]], row, r["columns"].split(","), s["signed_at"]))
            records.append([r["kind"], r["record_id"], digest])
            columns[r["kind"]] = r["columns"]
        entry = {"id": s["id"], "key": s["key_id"], "signed_at": s["signed_at"], "prev": s["prev"],
                 "records": records, "audit": [[a[0], a[1], a[2]] for a in repo.sealed_audit(s["id"])],
                 "columns": columns, "signature": s["signature"]}
        out.write(f"{',' if count else ''}\n   {dumps(entry, 3)}")
        count += 1
    # Records this database imported: their author's seal is not this database's to give (the import kept it
    # with the other database's ids), so they travel declared as unproven and import marked so.
    for r in repo.imported_records():
        out.write(f"{',' if count else ''}\n   {dumps({'unproven': [r['kind'], r['record_id']]}, 3)}")
        count += 1
    out.write("\n  ]" if count else "]")


# -- import -------------------------------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class FileSignatures:
    """One import's check of the file's signatures, inside the import's transaction."""

    def __init__(self, db: Database, header_fields: dict[str, Any]) -> None:
        self.repo = ImportProofRepository(db)
        section = header_fields.get(FIELD, {"epoch": {}, "keys": []})
        if not isinstance(section, dict) or not isinstance(section.get("epoch"), dict) \
                or not isinstance(section.get("keys"), list):
            raise ProofProblem(f"feltet {FIELD!r} har ikke formatets form.")
        self.epoch = {k: v for k, v in section["epoch"].items() if k in SIGNED and _is_int(v)}
        self.keys: dict[int, dict[str, Any]] = {}
        for n, k in enumerate(section["keys"], start=1):
            if not isinstance(k, dict) or set(k) != set(KEY_FIELDS) or not all(
                    _is_int(k[f]) for f in ("id", "user_id", "registered_by")) or not all(
                    isinstance(k[f], str) for f in ("username", "public_key", "registered_at",
                                                    "registration_signature")):
                raise ProofProblem(f"signeringsnøgle {n} i feltet {FIELD!r} har ikke formatets form.")
            self.keys[k["id"]] = k
        self.users: dict[int, tuple[str, str, int, bool]] = {}  # file id -> (username, role, local id, existed)
        self.trusted: dict[int, int | None] = {}  # file key id -> imported_keys id (None: not the author's)
        self.seen_section = False
        self.first_problem = ""
        self.problems = 0
        self.unproven = 0
        self.proven = 0
        self.repo.stage_begin()

    # -- the seals section -------------------------------------------------------------------------------------
    def section(self, rows: Iterable[Any]) -> None:
        self.seen_section = True
        for n, s in enumerate(rows, start=1):
            if isinstance(s, dict) and set(s) == {"unproven"}:
                r = s["unproven"]
                if not (isinstance(r, list) and len(r) == 2 and r[0] in SIGNED and _is_int(r[1])):
                    raise ProofProblem(f"{SECTION} række {n} har ikke formatets form.")
                if not self.repo.stage_unproven(r[0], r[1]):
                    raise ProofProblem(f"{SECTION} række {n}: en post har to signaturer i filen.")
                continue
            if not isinstance(s, dict) or not _is_int(s.get("id")) or not _is_int(s.get("key")) or not all(
                    isinstance(s.get(f), str) for f in ("signed_at", "prev", "signature")) \
                    or not isinstance(s.get("records"), list) or not isinstance(s.get("audit"), list) \
                    or not isinstance(s.get("columns"), dict) \
                    or not all(isinstance(r, list) and len(r) == 3 and isinstance(r[0], str) and _is_int(r[1])
                               and isinstance(r[2], str) and isinstance(s["columns"].get(r[0]), str)
                               for r in s["records"]) \
                    or not all(isinstance(a, list) and len(a) == 3 for a in s["audit"]):
                raise ProofProblem(f"{SECTION} række {n} har ikke formatets form.")
            key = self.keys.get(s["key"])
            if key is None:
                raise ProofProblem(f"{SECTION} række {n}: nøglen {s['key']} står ikke i feltet {FIELD!r}.")
            try:
                payload = canonical.seal(key_id=s["key"], signed_at=s["signed_at"], prev=s["prev"],
                                         records=[tuple(r) for r in s["records"]],
                                         audit=[tuple(a) for a in s["audit"]])
            except (TypeError, ValueError):
                raise ProofProblem(f"{SECTION} række {n} har ikke formatets form.") from None
            ok = verifies(key["public_key"], s["signature"], payload)
            if not self.repo.stage(payload=payload.decode("utf-8"), signature=s["signature"], ok=ok,
                                   file_key=s["key"], signed_at=s["signed_at"],
                                   records=[(r[0], r[1], r[2], s["columns"][r[0]]) for r in s["records"]]):
                raise ProofProblem(f"{SECTION} række {n}: en post har to signaturer i filen.")

    # -- users, as the import matches them ---------------------------------------------------------------------
    def user(self, row: dict[str, Any], local_id: int, existed: bool) -> None:
        self.users[row["id"]] = (row["username"], row["role"], local_id, existed)

    def _trust(self, key_id: int) -> int | None:
        """The key as an imported_keys row if it is its user's: on record here for a user who already existed,
        or, for a user new here, registered in the file as `verify` requires of a key (self-signed only as the
        user's first key, otherwise by an earlier key of one of the file's administrators)."""
        if key_id in self.trusted:
            return self.trusted[key_id]
        self.trusted[key_id] = None  # also guards against a registration that loops
        k = self.keys[key_id]
        user = self.users.get(k["user_id"])
        if user is None or user[0] != k["username"]:
            return None
        username, _role, local, existed = user
        if existed and self.repo.registered(local, k["public_key"]):
            found = self.repo.add_key(user_id=local, public_key=k["public_key"], registration="", registrar_key="",
                                      registration_signature="")
        elif existed:
            # A user known here only from an earlier import (no key of their own here): the key that import
            # trusted, and no other.
            earlier = None if self.repo.has_own_keys(local) else self.repo.imported_key(local, k["public_key"])
            if earlier is None:
                return None
            found = earlier
        else:
            payload = canonical.key_registration(user_id=k["user_id"], username=username, public_key=k["public_key"],
                                                 registered_by=k["registered_by"], registered_at=k["registered_at"])
            registrar = self.keys.get(k["registration_key_id"]) if k["registration_key_id"] is not None else None
            if k["registration_key_id"] is None:
                first = min(i for i, other in self.keys.items() if other["user_id"] == k["user_id"])
                valid = first == key_id and k["registered_by"] == k["user_id"]
                signer = k["public_key"]
            else:
                by = self.users.get(registrar["user_id"]) if registrar else None
                valid = registrar is not None and registrar["id"] < key_id and by is not None and by[1] == "admin" \
                    and registrar["user_id"] == k["registered_by"] and self._trust(registrar["id"]) is not None
                signer = registrar["public_key"] if registrar else ""
            if not valid or not verifies(signer, k["registration_signature"], payload):
                return None
            found = self.repo.add_key(user_id=local, public_key=k["public_key"], registration=payload.decode("utf-8"),
                                      registrar_key=signer, registration_signature=k["registration_signature"])
        self.trusted[key_id] = found
        return found

    # -- each signed row of the file ---------------------------------------------------------------------------
    def record(self, table: str, row: dict[str, Any], values: dict[str, Any], new_id: int,
               references: Iterable[str]) -> None:
        spec = SIGNED.get(table)
        if spec is None or not is_signed(table, row):
            return
        ids = {"id": [new_id, row["id"]], **{c: [values[c], row[c]] for c in references if row.get(c) is not None}}
        problem, seal_id, columns = self._check(table, spec, row)
        if problem == "unproven":
            self.unproven += 1
        elif problem:
            self.problems += 1
            if not self.first_problem:
                self.first_problem = f"{spec.label} fra {str(row[spec.date_column] or '')[:10]} (id {row['id']} i " \
                                     f"filen): {problem}"
            return
        else:
            self.proven += 1
        self.repo.add_proof(kind=table, record_id=new_id, seal_id=seal_id, ids=json.dumps(ids), columns=columns)

    def _check(self, table: str, spec: Signed, row: dict[str, Any]) -> tuple[str, int | None, str]:
        if not _is_int(row["id"]):  # format 2 without the row's local id: nothing its seal could be found by
            return "har ingen signatur i filen (rækken mangler sit id fra den eksporterende database)", None, ""
        staged = self.repo.staged(table, row["id"])
        if staged is None:
            if row["id"] < self.epoch.get(table, 1):
                return "unproven", None, ""
            return "har ingen signatur i filen", None, ""
        if staged["seal_no"] == 0:
            return "unproven", None, ""
        if not staged["ok"]:
            return "seglets signatur passer ikke", None, ""
        key = self.keys[staged["file_key"]]
        if key["user_id"] != row[spec.author_column]:
            return "signeret med en anden brugers nøgle end forfatterens", None, ""
        key_id = self._trust(staged["file_key"])
        if key_id is None:
            return "signeret med en nøgle, der ikke er forfatterens", None, ""
        try:
            digest = canonical.digest(record_payload(table, spec, row, staged["columns"].split(","),
                                                     staged["signed_at"]))
        except (KeyError, ValueError):
            digest = ""
        if digest != staged["digest"]:
            return "indholdet passer ikke til forfatterens signatur", None, ""
        return "", self.repo.keep_seal(staged["seal_no"], key_id), staged["columns"]

    def finish(self) -> None:
        self.repo.stage_end()
        if self.problems:
            raise ProofProblem(f"{self.first_problem} ({self.problems} signerede poster i alt kan ikke bevises "
                               f"med forfatterens signatur).")
