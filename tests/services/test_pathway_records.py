"""Intake, screening, consent and signing rules, proved through the services and the database."""

from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused, WrongPassphrase
from behandlerklient.services.pathway import pathway, records
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Asta", "Ågesen", "010315-4002", consent=False)


@pytest.fixture
def contact(ws, child):
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="self",
                                 concern="Ondt i maven før skole")
    records.sign(ws=ws, kind="contact", record_id=cid, passphrase=PASSPHRASE)
    return cid


def _intake(ws, child, contact, **values):
    rid, _ = records.save(ws=ws, kind="intake", values={"contact_id": contact, "child_id": child.id,
                                                        "talk_number": 1, "talk_date": DAY, **values})
    return rid


@pytest.mark.parametrize(("values", "fragment"), [
    ({"decision_group": 3}, "begrundes"),
    ({"decision_group": 2, "reasoning": "Hører til i skolen"}, "vejledt hen"),
    ({"decision_group": 4, "reasoning": "Alvorlige symptomer"}, "henvisningen til BUP"),
])
def test_intake_decision_rules(ws, child, contact, values, fragment) -> None:
    rid = _intake(ws, child, contact, **values)
    with pytest.raises(RuleRefused, match=fragment):
        records.sign(ws=ws, kind="intake", record_id=rid, passphrase=PASSPHRASE)
    assert records.get(ws=ws, kind="intake", record_id=rid)["signed_at"] is None


def test_each_of_the_four_groups_can_be_signed(ws, child, contact) -> None:
    extra = {1: {}, 2: {"guided_to": "PPR"}, 3: {}, 4: {"bup_referral": "Via egen læge"}}
    for group in (1, 2, 3, 4):
        rid = _intake(ws, child, contact, decision_group=group, reasoning="Begrundet", **extra[group])
        entry, _ = records.sign(ws=ws, kind="intake", record_id=rid, passphrase=PASSPHRASE)
        assert f"Gruppe {group}" in entry.body


def test_signing_needs_the_users_own_passphrase(ws, child, contact) -> None:
    rid = _intake(ws, child, contact, decision_group=1, reasoning="Forbigående")
    with pytest.raises(WrongPassphrase):
        records.sign(ws=ws, kind="intake", record_id=rid, passphrase="forkert-kode")
    assert records.get(ws=ws, kind="intake", record_id=rid)["signed_at"] is None


def test_signed_entry_has_author_role_event_and_write_time(ws, child, contact) -> None:
    rid = _intake(ws, child, contact, decision_group=1, reasoning="Forbigående reaktion")
    entry, _ = records.sign(ws=ws, kind="intake", record_id=rid, passphrase=PASSPHRASE)
    stored = JournalRepository(ws.db).get(entry.id)
    assert stored.author_id == ws.user.id and stored.author_role == "therapist"
    assert stored.event_time.date() == DAY and stored.written_at and stored.signed_at
    assert stored.source == "intake" and stored.source_id == rid


def test_drafts_are_editable_signed_records_are_not(ws, child, contact) -> None:
    rid = _intake(ws, child, contact, notes="første udkast")
    records.save(ws=ws, kind="intake", record_id=rid, values={"notes": "rettet stavefejl", "decision_group": 1,
                                                              "reasoning": "Forbigående"})
    records.sign(ws=ws, kind="intake", record_id=rid, passphrase=PASSPHRASE)
    with pytest.raises(RuleRefused, match="rettelse"):
        records.save(ws=ws, kind="intake", record_id=rid, values={"notes": "ændret"})
    with pytest.raises(IntegrityError, match="signed intake"):
        ws.db.execute("UPDATE intakes SET notes = 'x' WHERE id = ?", (rid,))


def _screening(ws, child, contact, **values):
    base = {"contact_id": contact, "child_id": child.id, "screening_date": DAY, "child_account": "Har ondt i maven",
            "symptoms": "Bekymringer", "self_harm_asked": True, "risk_level": "low", "outcome": "course",
            "outcome_track_id": "mind-my-mind"}
    rid, _ = records.save(ws=ws, kind="screening", values={**base, **values})
    return rid


CRISIS = {"crisis_warning_signs": "Trækker sig", "crisis_own_coping": "Går en tur", "crisis_people": "Mor",
          "crisis_professionals": "Livslinien", "crisis_means_safety": "Medicin låst inde"}


def test_elevated_risk_without_crisis_plan_cannot_be_signed(ws, child, contact) -> None:
    rid = _screening(ws, child, contact, risk_level="high", crisis_warning_signs="Trækker sig")
    with pytest.raises(RuleRefused, match="kriseplanen") as info:
        records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)
    assert "egne mestringsstrategier" in info.value.message
    # The database refuses it too, whatever code tries.
    with pytest.raises(IntegrityError, match="crisis plan"):
        ws.db.execute("UPDATE screenings SET signed_at = '2026-03-02T12:00:00+00:00' WHERE id = ?", (rid,))
    records.save(ws=ws, kind="screening", record_id=rid, values=CRISIS)
    entry, _ = records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)
    assert "Kriseplan" in entry.body and "Medicin låst inde" in entry.body


def test_no_course_needs_a_clinical_reason(ws, child, contact) -> None:
    rid = _screening(ws, child, contact, outcome="no_course", outcome_track_id="")
    with pytest.raises(RuleRefused, match="klinisk begrundelse"):
        records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)
    with pytest.raises(IntegrityError, match="clinical reason"):
        ws.db.execute("UPDATE screenings SET signed_at = '2026-03-02T12:00:00+00:00' WHERE id = ?", (rid,))


def test_screening_requires_the_self_harm_questions(ws, child, contact) -> None:
    rid = _screening(ws, child, contact, self_harm_asked=False)
    with pytest.raises(RuleRefused, match="selvskade"):
        records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)


def test_bad_vocabulary_is_a_clear_input_error(ws, child, contact) -> None:
    with pytest.raises(InvalidInput, match="ikke tilladt"):
        _screening(ws, child, contact, risk_level="medium")
    with pytest.raises(InvalidInput, match="ukendt felt"):
        records.save(ws=ws, kind="intake", values={"contact_id": contact, "child_id": child.id, "talk_number": 1,
                                                   "talk_date": DAY, "hemmeligt": 1})


def test_14_year_old_course_needs_custody_holder_consent(ws, child, contact) -> None:
    on = date(2029, 4, 1)  # the child is 14
    with pytest.raises(RuleRefused, match="forældremyndighedens indehaver"):
        pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=on)
    assert ws.db.scalar("SELECT count(*) FROM courses") == 0
    # The non-custody father's consent does not count; the custody-holding mother's does.
    father = child.guardians[1]
    rid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": "treatment",
                                                         "given_by": "custody_holder", "guardian_id": father.id,
                                                         "given_on": on})
    with pytest.raises(RuleRefused, match="ikke forældremyndighed"):
        records.sign(ws=ws, kind="consent", record_id=rid, passphrase=PASSPHRASE)
    rid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": "treatment",
                                                         "given_by": "custody_holder",
                                                         "guardian_id": child.guardians[0].id, "given_on": on})
    records.sign(ws=ws, kind="consent", record_id=rid, passphrase=PASSPHRASE)
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=on)
    assert opened.course.id and opened.course.status == "active"


def test_a_draft_consent_counts_for_nothing(ws, child) -> None:
    on = date(2026, 3, 2)
    records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": "treatment",
                                                "given_by": "custody_holder", "guardian_id": child.guardians[0].id,
                                                "given_on": on})
    with pytest.raises(RuleRefused):
        pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=on)
