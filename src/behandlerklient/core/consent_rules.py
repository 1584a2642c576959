"""What consent a child's age requires on a given date (sundhedsloven §§14-17), and what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from behandlerklient.core.ages import age_on
from behandlerklient.core.models import Guardian

AGE_OF_OWN_CONSENT = 15

SHARE_PARTIES = {"gp": "egen læge", "school": "skolen", "ppr": "PPR", "social_services": "socialforvaltningen",
                 "bup": "BUP", "other": "andre"}


@dataclass(frozen=True)
class ConsentRecord:
    id: int
    kind: str  # treatment, share, limit_parental_access
    party: str
    given_by: str  # custody_holder, young_person
    guardian_id: int | None
    given_on: date
    exception_17_2: bool = False
    withdrawn_on: date | None = None

    def active_on(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


@dataclass
class ConsentStatus:
    ok: bool
    required_from: str  # Danish: who must consent at this age
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the law asks besides consent (inform, involve)
    warnings: list[str] = field(default_factory=list)  # allowed, but worth a second look


def _custody_holders(guardians: list[Guardian]) -> list[Guardian]:
    return [g for g in guardians if g.has_custody]


def _by_custody_holder(records: list[ConsentRecord], guardians: list[Guardian], on: date) -> list[ConsentRecord]:
    holders = {g.id for g in _custody_holders(guardians)}
    return [r for r in records if r.given_by == "custody_holder" and r.guardian_id in holders and r.active_on(on)]


def treatment_consent(*, birth_date: date, guardians: list[Guardian], consents: list[ConsentRecord],
                      on: date) -> ConsentStatus:
    """Under 15: a custody holder consents (the child is informed and involved). From 15: the young person,
    unless the §17(2) exception (not able to understand the consequences) is recorded on a holder's consent."""
    age = age_on(birth_date, on)
    records = [c for c in consents if c.kind == "treatment"]
    holders = _custody_holders(guardians)
    if age >= AGE_OF_OWN_CONSENT:
        own = [r for r in records if r.given_by == "young_person" and r.active_on(on)]
        if own:
            return ConsentStatus(True, "den unge selv", notes=[
                "Forældremyndighedens indehaver skal fortsat informeres og inddrages."])
        exception = [r for r in _by_custody_holder(records, guardians, on) if r.exception_17_2]
        if exception:
            return ConsentStatus(True, "forældremyndighedens indehaver (undtagelse efter §17, stk. 2)", notes=[
                "Den unge er vurderet ikke at kunne overskue konsekvenserne af sin stillingtagen (§17, stk. 2)."])
        return ConsentStatus(False, "den unge selv", missing=[
            f"Den unges eget samtykke til behandling mangler (barnet er {age} år)."])
    if not holders:
        return ConsentStatus(False, "forældremyndighedens indehaver", missing=[
            "Ingen forælder med forældremyndighed er registreret."])
    given = _by_custody_holder(records, guardians, on)
    if not given:
        return ConsentStatus(False, "forældremyndighedens indehaver", missing=[
            f"Samtykke til behandling fra forældremyndighedens indehaver mangler (barnet er {age} år)."])
    status = ConsentStatus(True, "forældremyndighedens indehaver",
                           notes=["Barnet informeres og inddrages, så vidt det forstår behandlingen."])
    consenting = {r.guardian_id for r in given}
    for g in holders:
        if g.id not in consenting:
            status.warnings.append(f"{g.name} har også forældremyndighed og har ikke givet samtykke.")
    return status


def share_consent(*, party: str, birth_date: date, guardians: list[Guardian], consents: list[ConsentRecord],
                  on: date) -> ConsentStatus:
    """Consent to share information with one party, from the person who must give it at this age."""
    age = age_on(birth_date, on)
    records = [c for c in consents if c.kind == "share" and c.party == party]
    name = SHARE_PARTIES.get(party, party)
    if age >= AGE_OF_OWN_CONSENT:
        if any(r.given_by == "young_person" and r.active_on(on) for r in records):
            return ConsentStatus(True, "den unge selv")
        return ConsentStatus(False, "den unge selv", missing=[
            f"Den unges eget samtykke til at dele oplysninger med {name} mangler (barnet er {age} år)."])
    if _by_custody_holder(records, guardians, on):
        return ConsentStatus(True, "forældremyndighedens indehaver")
    return ConsentStatus(False, "forældremyndighedens indehaver", missing=[
        f"Samtykke fra forældremyndighedens indehaver til at dele oplysninger med {name} mangler."])


def parental_access_limited(*, birth_date: date, consents: list[ConsentRecord], on: date) -> bool:
    """A 15-17-year-old may ask that parental access be limited; it lapses at 18 and when withdrawn."""
    if not AGE_OF_OWN_CONSENT <= age_on(birth_date, on) <= 17:
        return False
    return any(c.kind == "limit_parental_access" and c.active_on(on) for c in consents)
