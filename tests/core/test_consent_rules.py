from datetime import date

from behandlerklient.core.consent_rules import (
    ConsentRecord,
    parental_access_limited,
    share_consent,
    treatment_consent,
)
from behandlerklient.core.models import Guardian

MOTHER = Guardian(1, "Mette", "mother", True)
FATHER = Guardian(2, "Jesper", "father", True)
STEPFATHER = Guardian(3, "Bo", "other", False)
BORN_14 = date(2011, 6, 1)   # 14 on 2026-05-01, 15 on 2026-06-01
ON = date(2026, 5, 1)


def rec(i, kind="treatment", by="custody_holder", guardian=1, on=date(2026, 4, 1), party="", **kw):
    return ConsentRecord(i, kind, party, by, guardian if by == "custody_holder" else None, on, **kw)


def test_under_15_needs_a_custody_holder() -> None:
    status = treatment_consent(birth_date=BORN_14, guardians=[MOTHER, FATHER], consents=[], on=ON)
    assert not status.ok and "forældremyndighedens indehaver mangler" in status.missing[0]
    assert "14 år" in status.missing[0]


def test_parent_without_custody_cannot_consent() -> None:
    status = treatment_consent(birth_date=BORN_14, guardians=[MOTHER, STEPFATHER],
                               consents=[rec(1, guardian=3)], on=ON)
    assert not status.ok


def test_one_custody_holder_consents_and_the_other_is_named() -> None:
    status = treatment_consent(birth_date=BORN_14, guardians=[MOTHER, FATHER], consents=[rec(1)], on=ON)
    assert status.ok and any("Jesper" in w for w in status.warnings)


def test_from_15_the_young_person_consents() -> None:
    on = date(2027, 7, 1)
    parent_only = treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=[rec(1)], on=on)
    assert not parent_only.ok and "Den unges eget samtykke" in parent_only.missing[0]
    own = treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=[rec(2, by="young_person")], on=on)
    assert own.ok and own.required_from == "den unge selv" and own.notes


def test_section_17_2_exception_lets_the_custody_holder_consent_from_15() -> None:
    on = date(2027, 7, 1)
    status = treatment_consent(birth_date=BORN_14, guardians=[MOTHER],
                               consents=[rec(1, exception_17_2=True)], on=on)
    assert status.ok and "17, stk. 2" in status.required_from


def test_age_is_taken_on_the_date_of_the_step() -> None:
    # The same consent covers the 14-year-old's start, but not a step after the 15th birthday.
    consents = [rec(1)]
    assert treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=consents, on=date(2026, 5, 31)).ok
    assert not treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=consents, on=date(2026, 6, 1)).ok


def test_withdrawn_consent_no_longer_counts() -> None:
    withdrawn = rec(1, withdrawn_on=date(2026, 4, 20))
    assert not treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=[withdrawn], on=ON).ok
    assert treatment_consent(birth_date=BORN_14, guardians=[MOTHER], consents=[withdrawn], on=date(2026, 4, 10)).ok


def test_share_consent_is_per_party() -> None:
    consents = [rec(1, kind="share", party="gp")]
    assert share_consent(party="gp", birth_date=BORN_14, guardians=[MOTHER], consents=consents, on=ON).ok
    school = share_consent(party="school", birth_date=BORN_14, guardians=[MOTHER], consents=consents, on=ON)
    assert not school.ok and "skolen" in school.missing[0]


def test_parental_access_limit_only_for_15_to_17() -> None:
    limit = [rec(1, kind="limit_parental_access", by="young_person", on=date(2027, 6, 2))]
    assert parental_access_limited(birth_date=BORN_14, consents=limit, on=date(2027, 7, 1))
    assert not parental_access_limited(birth_date=BORN_14, consents=limit, on=date(2030, 7, 1))  # 18: lapses
