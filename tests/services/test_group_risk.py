"""Issue 15's suicide-risk guard-rail in a group session: a child whose moderate-or-higher risk is still active
is signed into a group session only with a risk check of their own, as in an individual session."""

from datetime import date

import pytest

from behandlerklient.core.errors import RuleRefused
from behandlerklient.core.models import SessionParts
from behandlerklient.services.journal import group_sessions
from behandlerklient.services.pathway import pathway, records
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)
CRISIS = {"crisis_warning_signs": "Trækker sig", "crisis_own_coping": "Går en tur", "crisis_people": "Mor",
          "crisis_professionals": "Livslinien", "crisis_means_safety": "Medicin låst inde"}


def _screened(ws, child, risk_level: str) -> None:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="self",
                                 concern="Ondt i maven før skole")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    rid, _ = records.save(ws=ws, kind="screening", values={
        "contact_id": cid, "child_id": child.id, "screening_date": DAY, "child_account": "Har ondt i maven",
        "symptoms": "Bekymringer", "self_harm_asked": True, "risk_level": risk_level, "outcome": "course",
        "outcome_track_id": "cool-kids", **CRISIS})
    records.sign_confirmed(ws=ws, kind="screening", record_id=rid)


def _group(ws, ids, day):
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=day, course_ids=ids)
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(status="Gruppen øvede trappen."))
    return gid


def test_a_group_session_needs_the_risk_check_of_a_child_with_active_risk(ws) -> None:
    ida = child_with_consent(ws, "Ida", "Holm", "010316-4006", on=DAY)
    bo = child_with_consent(ws, "Bo", "Krag", "020316-4011", on=DAY)
    _screened(ws, ida, "moderate")
    ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=DAY, format="group").course.id
           for k in (ida, bo)]
    gid = _group(ws, ids, DAY)
    people = {p.child_name: p for p in group_sessions.participants(ws=ws, group_id=gid)}
    assert people["Bo Krag"].risk is None
    risk = people["Ida Holm"].risk
    assert risk is not None and risk.level == "moderate" and "Medicin låst inde" in risk.plan_text
    with pytest.raises(RuleRefused, match="risikotjekket") as refused:
        group_sessions.check_signable(ws=ws, group_id=gid)  # before the passphrase
    assert "Ida Holm" in refused.value.message and "Bo Krag" not in refused.value.message
    with pytest.raises(RuleRefused, match="risikotjekket"):
        group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    group_sessions.save_participant(ws=ws, session_id=people["Ida Holm"].session_id, attendance="held",
                                    own_note="", risk_level="moderate", risk_note="Kriseplanen gennemgået.")
    group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    body = next(e.body for e in JournalRepository(ws.db).for_child(ida.id) if e.source == "group_session")
    assert "Risikotjek" in body and "Moderat" in body and "Kriseplanen gennemgået." in body
    # Still moderate: the next group session asks again; a check that lowers it ends the requirement.
    gid2 = _group(ws, ids, date(2026, 3, 9))
    ida2 = next(p for p in group_sessions.participants(ws=ws, group_id=gid2) if p.child_id == ida.id)
    assert ida2.risk is not None
    with pytest.raises(RuleRefused, match="Ida Holm"):
        group_sessions.check_signable(ws=ws, group_id=gid2)
    group_sessions.save_participant(ws=ws, session_id=ida2.session_id, attendance="held", own_note="",
                                    risk_level="low")
    group_sessions.sign(ws=ws, group_id=gid2, passphrase=PASSPHRASE)
    gid3 = _group(ws, ids, date(2026, 3, 16))
    assert all(p.risk is None for p in group_sessions.participants(ws=ws, group_id=gid3))
    group_sessions.check_signable(ws=ws, group_id=gid3)
