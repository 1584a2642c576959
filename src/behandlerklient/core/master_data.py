"""Master data changes: what differs between a child's stored and edited master data, as readable text.

Every difference becomes one change row (field, old value, new value) so the history reads like a ledger; the
rules here say what an edit must satisfy (a CPR correction needs its reason, a parent cannot be deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from behandlerklient.core import identifiers
from behandlerklient.core.models import Child, GeneralPractitioner, Guardian
from behandlerklient.core.vocab import GUARDIAN_RELATION

CHILD_FIELDS = ("first_name", "last_name", "cpr", "address", "home_municipality", "treating_municipality", "school")
GUARDIAN_FIELDS = ("name", "relation", "has_custody", "phone", "email", "address")
GP_FIELDS = ("clinic_name", "doctor_name", "address", "postcode", "city", "phone", "sor", "ean")

FIELD_LABELS = {
    "first_name": "Fornavn", "last_name": "Efternavn", "cpr": "CPR-nummer (rettelse)", "address": "Adresse",
    "home_municipality": "Hjemkommune", "treating_municipality": "Behandlende kommune", "school": "Skole",
    "gp": "Egen læge", "guardian.added": "Forælder tilføjet", "guardian.name": "Forælders navn",
    "guardian.relation": "Forælders relation", "guardian.has_custody": "Forældremyndighed",
    "guardian.phone": "Forælders telefon", "guardian.email": "Forælders e-mail", "guardian.address": "Forælders adresse",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old_value: str
    new_value: str
    guardian_index: int | None = None  # position in the edited list of parents, for a parent's change

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


def relation_text(code: str) -> str:
    return GUARDIAN_RELATION.get(code, code).lower()


def gp_text(gp: GeneralPractitioner | None) -> str:
    if gp is None:
        return "(ingen)"
    parts = [gp.clinic_name, gp.doctor_name, gp.address, f"{gp.postcode} {gp.city}".strip(),
             f"tlf. {gp.phone}" if gp.phone else "", f"SOR {gp.sor}" if gp.sor else "", f"EAN {gp.ean}" if gp.ean else ""]
    return ", ".join(p for p in parts if p)


def guardian_text(g: Guardian) -> str:
    parts = [f"{g.name} ({relation_text(g.relation)}, forældremyndighed: {'ja' if g.has_custody else 'nej'})",
             f"tlf. {g.phone}" if g.phone else "", g.email, g.address]
    return ", ".join(p for p in parts if p)


def _value_text(field: str, value: object) -> str:
    if field == "has_custody":
        return "ja" if value else "nej"
    if field == "relation":
        return relation_text(str(value))
    return str(value)


def same_gp(a: GeneralPractitioner | None, b: GeneralPractitioner | None) -> bool:
    if a is None or b is None:
        return a is b
    return all(getattr(a, f) == getattr(b, f) for f in GP_FIELDS)


def tidy(child: Child) -> Child:
    """Surrounding spaces are never meaningful in master data; stripped before comparing or storing."""
    gp = child.gp
    if gp is not None:
        gp = replace(gp, **{f: getattr(gp, f).strip() for f in GP_FIELDS})
        if not any(getattr(gp, f) for f in GP_FIELDS):
            gp = None
    guardians = [replace(g, name=g.name.strip(), phone=g.phone.strip(), email=g.email.strip(),
                         address=g.address.strip()) for g in child.guardians]
    return replace(child, **{f: getattr(child, f).strip() for f in CHILD_FIELDS}, gp=gp, guardians=guardians)


def diff(old: Child, new: Child) -> list[FieldChange]:
    """Each changed field once, in the order the dialog shows them; old and new as readable text."""
    out = [FieldChange(f, getattr(old, f), getattr(new, f)) for f in CHILD_FIELDS if getattr(old, f) != getattr(new, f)]
    if not same_gp(old.gp, new.gp):
        out.append(FieldChange("gp", gp_text(old.gp), gp_text(new.gp)))
    before = {g.id: g for g in old.guardians}
    for i, g in enumerate(new.guardians):
        if g.id is None:
            out.append(FieldChange("guardian.added", "", guardian_text(g), i))
            continue
        was = before[g.id]
        for f in GUARDIAN_FIELDS:
            if getattr(was, f) != getattr(g, f):
                out.append(FieldChange(f"guardian.{f}", _value_text(f, getattr(was, f)), _value_text(f, getattr(g, f)),
                                       i))
    return out


def problems(old: Child, new: Child, reason: str) -> list[str]:
    """What stops an edit from being saved, in Danish; empty when it may be."""
    found = []
    if not new.first_name:
        found.append("Fornavn mangler.")
    if not new.last_name:
        found.append("Efternavn mangler.")
    if new.cpr != old.cpr and not reason.strip():
        found.append("En rettelse af CPR-nummeret kræver en begrundelse (fx 'forkert ciffer ved oprettelsen').")
    kept = {g.id for g in new.guardians if g.id is not None}
    known = {g.id for g in old.guardians}
    if kept - known:
        found.append("En af forældrene hører ikke til barnet.")
    if known - kept:
        found.append("En forælder kan ikke slettes (samtykker henviser til forælderen); "
                     "fjern i stedet forældremyndigheden.")
    for g in new.guardians:
        if not g.name:
            found.append("En forælder mangler sit navn.")
        if g.relation not in GUARDIAN_RELATION:
            found.append(f"Ukendt relation {g.relation!r}; brug mor, far eller anden.")
    if new.gp is not None and not new.gp.clinic_name:
        found.append("Egen læge mangler klinikkens navn.")
    if new.gp is not None and not same_gp(old.gp, new.gp):  # checked where typed; an old entry blocks no other edit
        found += identifiers.number_problems(sor=new.gp.sor, ean=new.gp.ean, who="Egen læge")
    return found
