"""Consent as recorded for a child, and what the child's age requires at a given date."""

from __future__ import annotations

from datetime import date

from behandlerklient.core import consent_rules
from behandlerklient.core.consent_rules import ConsentRecord, ConsentStatus
from behandlerklient.core.errors import NotFound
from behandlerklient.services.changes import Changes
from behandlerklient.services.pathway import records
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.consents import ConsentRepository


def signed_records(*, ws: Workspace, child_id: int) -> list[ConsentRecord]:
    """Signed consents with their withdrawal dates folded in (drafts count for nothing)."""
    rows = ConsentRepository(ws.db).signed(child_id)
    withdrawn = {r["withdraws_id"]: date.fromisoformat(r["given_on"]) for r in rows if r["withdraws_id"]}
    return [ConsentRecord(r["id"], r["kind"], r["party"], r["given_by"], r["guardian_id"],
                          date.fromisoformat(r["given_on"]), bool(r["exception_17_2"]), withdrawn.get(r["id"]))
            for r in rows if not r["withdraws_id"]]


def _child(ws: Workspace, child_id: int):  # noqa: ANN202
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    return child


def treatment(*, ws: Workspace, child_id: int, on: date) -> ConsentStatus:
    child = _child(ws, child_id)
    return consent_rules.treatment_consent(birth_date=child.birth_date, guardians=child.guardians,
                                           consents=signed_records(ws=ws, child_id=child_id), on=on)


def share(*, ws: Workspace, child_id: int, party: str, on: date) -> ConsentStatus:
    child = _child(ws, child_id)
    return consent_rules.share_consent(party=party, birth_date=child.birth_date, guardians=child.guardians,
                                       consents=signed_records(ws=ws, child_id=child_id), on=on)


def overview(*, ws: Workspace, child_id: int, on: date) -> dict[str, ConsentStatus]:
    """Treatment and every sharing party, as the child's age requires on `on` (the child and the consents
    read once for all six)."""
    child = _child(ws, child_id)
    consents = signed_records(ws=ws, child_id=child_id)
    out = {"treatment": consent_rules.treatment_consent(birth_date=child.birth_date, guardians=child.guardians,
                                                       consents=consents, on=on)}
    for party in ("gp", "school", "ppr", "social_services", "bup"):
        out[party] = consent_rules.share_consent(party=party, birth_date=child.birth_date, guardians=child.guardians,
                                                 consents=consents, on=on)
    return out


def parental_access_limited(*, ws: Workspace, child_id: int, on: date) -> bool:
    child = _child(ws, child_id)
    return consent_rules.parental_access_limited(birth_date=child.birth_date,
                                                 consents=signed_records(ws=ws, child_id=child_id), on=on)


def withdraw(*, ws: Workspace, consent_id: int, on: date, note: str = "") -> tuple[int, Changes]:
    """A withdrawal is its own dated draft that references the consent; the consent itself stays as it was."""
    original = records.get(ws=ws, kind="consent", record_id=consent_id)
    return records.save(ws=ws, kind="consent", values={
        "child_id": original["child_id"], "kind": original["kind"], "party": original["party"],
        "given_by": original["given_by"], "guardian_id": original["guardian_id"], "given_on": on,
        "note": note, "withdraws_id": consent_id})
