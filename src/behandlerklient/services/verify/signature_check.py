"""`verify`'s signature checks: every signing key's registration, every signed record against its author's
key, every audit row against its user's key. Reports name a record's kind, date and id, never its content."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.core import canonical
from behandlerklient.services.signatures.seal import SIGNED
from behandlerklient.services.verify import import_proof_check, received_check
from behandlerklient.storage.database import Database
from behandlerklient.storage.signatures import SignatureRepository

SHOWN = 5  # problems named in a report line; the count covers all


@dataclass
class Key:
    key_id: int
    user_id: int
    public: Ed25519PublicKey
    valid: bool = False
    admin: bool = False


@dataclass
class SignatureReport:
    keys: int = 0
    bad_keys: list[str] = field(default_factory=list)
    records: int = 0
    before_signatures: int = 0
    bad_records: list[str] = field(default_factory=list)
    audit_rows: int = 0
    bad_audit: list[str] = field(default_factory=list)
    seals: int = 0
    imported: int = 0
    imports: import_proof_check.ImportReport = field(default_factory=import_proof_check.ImportReport)
    received: received_check.ReceivedReport = field(default_factory=received_check.ReceivedReport)


def _ok(public: Ed25519PublicKey, signature_b64: str, payload: bytes) -> bool:
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), payload)
        return True
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False


def _keys(repo: SignatureRepository, report: SignatureReport) -> dict[int, Key]:
    """A key counts if its registration verifies: self-signed only as its user's first key (proof of
    possession when the user got it), any later key vouched for by an earlier administrator's key."""
    keys: dict[int, Key] = {}
    first_of: dict[int, int] = {}
    rows = repo.all_keys()
    admin_keys = {r["id"] for r in rows if r["role"] == "admin"}
    for r in rows:
        try:
            key = Key(r["id"], r["user_id"], Ed25519PublicKey.from_public_bytes(base64.b64decode(r["public_key"])))
        except (binascii.Error, ValueError):
            report.bad_keys.append(f"nøgle {r['id']} er ikke en gyldig Ed25519-nøgle")
            continue
        key.admin = r["role"] == "admin"
        keys[key.key_id] = key
        first_of.setdefault(key.user_id, key.key_id)
        payload = canonical.key_registration(user_id=r["user_id"], username=r["username"] or "",
                                             public_key=r["public_key"], registered_by=r["registered_by"],
                                             registered_at=r["registered_at"])
        registrar_id = r["registration_key_id"]
        if registrar_id is None:
            key.valid = first_of[key.user_id] == key.key_id and r["registered_by"] == r["user_id"] \
                and _ok(key.public, r["registration_signature"], payload)
        else:
            registrar = keys.get(registrar_id)
            key.valid = registrar is not None and registrar.valid and registrar_id in admin_keys \
                and registrar.user_id == r["registered_by"] \
                and _ok(registrar.public, r["registration_signature"], payload)
        if not key.valid:
            report.bad_keys.append(f"nøgle {key.key_id} (bruger-id {key.user_id}) er ikke gyldigt registreret")
    report.keys = len(keys)
    return keys


def _day(value: object) -> str:
    return str(value or "")[:10]


def _record_name(label: str, day: object, record_id: int) -> str:
    return f"{label} fra {_day(day)} (id {record_id})"


def _audit_name(day: object, audit_id: int) -> str:
    return f"række {audit_id} i revisionssporet ({_day(day)})"


@dataclass
class Sealed:
    """What verify recomputed for one seal: its items, and the names to report if it does not verify."""

    records: list[tuple[str, int, str]] = field(default_factory=list)
    audit: list[tuple[int, int, str]] = field(default_factory=list)
    # (label, date, id) of each record, (None, date, id) of each audit row: formatted only if reported.
    names: list[tuple[str | None, object, int]] = field(default_factory=list)


def _records(repo: SignatureRepository, seals: dict[int, Any], keys: dict[int, Key], sealed: dict[int, Sealed],
             epoch: dict[str, int], report: SignatureReport) -> None:
    admins = {k.user_id for k in keys.values() if k.admin}
    for kind, spec in SIGNED.items():
        first = epoch.get(kind, 1)
        rows = repo.signed_rows(kind, spec.signed_flag)
        if not rows:
            continue
        # Values by position (the hot loop runs ~170,000 times at 10,000 children); one shape per column list.
        index = {name: at for at, name in enumerate(rows[0].keys())}
        at_id, at_author, at_day = index["id"], index[spec.author_column], index[spec.date_column]
        at_seal, at_columns = index["sig_seal_id"], index["sig_columns"]
        at_corrects = index[spec.corrects_column] if spec.corrects_column else None
        shapes: dict[str, canonical.RecordShape | None] = {}
        for row in rows:
            seal_id, record_id = row[at_seal], row[at_id]
            if seal_id is None:
                if (kind, record_id) in report.received.keys:
                    continue  # proven by its author's sync envelope (received_check)
                if record_id < first:
                    report.before_signatures += 1
                else:
                    _bad(report, spec, row[at_day], record_id, "mangler forfatterens signatur")
                continue
            report.records += 1
            s = seals.get(seal_id)
            key = keys.get(s["key_id"]) if s is not None else None
            if s is None or key is None or not key.valid:
                _bad(report, spec, row[at_day], record_id, "signeret med en ukendt eller ugyldig nøgle")
                continue
            author = row[at_author]
            if s["role"] == "import":
                if key.user_id not in admins:
                    _bad(report, spec, row[at_day], record_id, "importeret, men ikke af en administrator")
                    continue
                report.imported += 1
            elif key.user_id != author:
                _bad(report, spec, row[at_day], record_id, "signeret med en anden brugers nøgle end forfatterens")
                continue
            digest = _digest(kind, shapes, index, row, at_columns, record_id=record_id, author=author,
                             corrects=row[at_corrects] if at_corrects is not None else None, signed_at=s["signed_at"])
            entry = sealed.setdefault(seal_id, Sealed())
            entry.records.append((kind, record_id, digest))
            entry.names.append((spec.label, row[at_day], record_id))
    orphans = repo.orphan_signatures(list(SIGNED))
    if orphans:
        report.bad_records.append(f"{orphans} signerede poster er slettet")


def _bad(report: SignatureReport, spec: Any, day: object, record_id: int, why: str) -> None:
    report.bad_records.append(f"{_record_name(spec.label, day, record_id)}: {why}")


def _digest(kind: str, shapes: dict[str, canonical.RecordShape | None], index: dict[str, int], row: Any,
            at_columns: int, **fields: Any) -> str:
    """The digest of what the record's signature covers; "" (which never matches) if it cannot be formed."""
    columns = row[at_columns]
    try:
        shape = shapes[columns]
    except KeyError:
        try:
            shape = canonical.RecordShape(kind=kind, columns=columns.split(","), index=index)
        except (AttributeError, KeyError, TypeError):  # no column list, or one naming a column the table lacks
            shape = None
        shapes[columns] = shape
    if shape is None:
        return ""
    try:
        return canonical.digest(shape.payload(row, **fields))
    except (IndexError, KeyError, ValueError):
        return ""


def _audit(repo: SignatureRepository, seals: dict[int, Any], keys: dict[int, Key], sealed: dict[int, Sealed],
           epoch: dict[str, int], report: SignatureReport) -> None:
    for audit_id, user_id, chain_hash, at, seal_id in repo.audit_rows(epoch.get("audit_log", 1)):
        report.audit_rows += 1
        s = seals.get(seal_id) if seal_id is not None else None
        key = keys.get(s["key_id"]) if s is not None else None
        if seal_id is None:
            report.bad_audit.append(f"{_audit_name(at, audit_id)}: ikke signeret af brugerens nøgle")
        elif key is None or not key.valid or key.user_id != user_id:
            report.bad_audit.append(f"{_audit_name(at, audit_id)}: signeret med en nøgle, der ikke er brugerens")
        else:
            entry = sealed.setdefault(seal_id, Sealed())
            entry.audit.append((audit_id, user_id, chain_hash))
            entry.names.append((None, at, audit_id))


def _seals(seals: dict[int, Any], keys: dict[int, Key], sealed: dict[int, Sealed], report: SignatureReport) -> None:
    """Each key's seals form a chain (each names its predecessor's digest), so one Ed25519 verification of
    a key's newest seal vouches for all of them; only when that fails is every seal checked on its own, to
    name what changed."""
    by_key: dict[int, list[int]] = {}
    for seal_id in sorted(seals):
        by_key.setdefault(seals[seal_id]["key_id"], []).append(seal_id)
    for key_id, chain in by_key.items():
        key = keys.get(key_id)
        payloads, prev, intact = {}, "", True
        for seal_id in chain:
            s, entry = seals[seal_id], sealed.get(seal_id, Sealed())
            if s["prev"] != prev:
                intact = False  # a seal before this one is gone or changed
            payloads[seal_id] = canonical.seal(key_id=key_id, signed_at=s["signed_at"], records=entry.records,
                                               audit=entry.audit, prev=s["prev"], role=s["role"])
            prev = canonical.digest(payloads[seal_id])
            intact = intact and s["version"] == canonical.VERSION
        last = seals[chain[-1]]
        if key is not None and intact and _ok(key.public, last["signature"], payloads[chain[-1]]):
            continue
        for seal_id in chain:  # localise: each seal against its own recorded predecessor
            s = seals[seal_id]
            if key is None or s["version"] != canonical.VERSION \
                    or not _ok(key.public, s["signature"], payloads[seal_id]):
                names = sealed.get(seal_id, Sealed()).names
                for label, day, item_id in names:
                    if label is None:
                        report.bad_audit.append(f"{_audit_name(day, item_id)}: passer ikke til brugerens signatur")
                    else:
                        report.bad_records.append(f"{_record_name(label, day, item_id)}: indholdet passer ikke "
                                                  "længere til forfatterens signatur")
                if not names:
                    report.bad_records.append(f"segl {seal_id} passer ikke til sin signatur")
        if intact is False and not report.bad_records and not report.bad_audit:
            report.bad_records.append(f"nøgle {key_id}: en tidligere signatur mangler eller er ændret")
    report.seals = len(seals)


def check(db: Database) -> SignatureReport:
    repo = SignatureRepository(db)
    report = SignatureReport()
    keys = _keys(repo, report)
    seals = {r["id"]: r for r in repo.seals()}
    sealed: dict[int, Sealed] = {}
    epoch = repo.epoch()
    report.received = received_check.check(db)
    report.bad_records.extend(report.received.bad)
    _records(repo, seals, keys, sealed, epoch, report)
    _audit(repo, seals, keys, sealed, epoch, report)
    _seals(seals, keys, sealed, report)
    report.imports = import_proof_check.check(db)
    report.bad_records.extend(report.imports.bad)
    return report


def _line(problems: list[str]) -> str:
    more = f" (og {len(problems) - SHOWN} flere)" if len(problems) > SHOWN else ""
    return "; ".join(problems[:SHOWN]) + more


def _imported(r: SignatureReport) -> str:
    """Imported records counted apart: proven by their author's signature in the file, imported without proof
    (named: whoever reads the journal should know), imported before exports carried signatures."""
    proven, unproven = r.imports.proven, r.imports.unproven
    older = r.imported - proven - len(unproven)
    text = f"; {proven} importeret med forfatterens signatur som bevis" if proven else ""
    text += f"; {len(unproven)} importeret uden signaturbevis: {_line(unproven)}" if unproven else ""
    text += f"; {older} importeret (signeret af den importerende administrator)" if older > 0 else ""
    if r.received.proven:
        text += f"; {r.received.proven} modtaget fra serveren med forfatterens signatur som bevis"
    return text


def checks(db: Database) -> list[tuple[str, bool, str]]:
    """(name, ok, detail) for integrity.verify."""
    r = check(db)
    legacy = f"; {r.before_signatures} underskrevet før signaturer blev indført" if r.before_signatures else ""
    legacy += _imported(r)
    return [
        ("signing_keys", not r.bad_keys, f"{r.keys} nøgler, alle gyldigt registreret" if not r.bad_keys
         else f"{len(r.bad_keys)} ugyldige nøgler: {_line(r.bad_keys)}"),
        ("signatures", not r.bad_records, (f"{r.records} signaturer passer{legacy}" if not r.bad_records
                                           else f"{len(r.bad_records)} poster passer ikke til forfatterens "
                                           f"signatur: {_line(r.bad_records)}{legacy}")),
        ("audit_signatures", not r.bad_audit, f"{r.audit_rows} rækker signeret af deres bruger"
         if not r.bad_audit else f"{len(r.bad_audit)} rækker ikke dækket af brugerens nøgle: {_line(r.bad_audit)}"),
    ]
