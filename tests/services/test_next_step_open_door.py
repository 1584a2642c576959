"""The next step follows the newest episode: a child who comes back after a closed course (open door, a new
henvendelse) is led through the new contact's steps, not offered the old course's unsigned follow-up."""

from __future__ import annotations

from datetime import date

from behandlerklient.services.pathway import next_step, pathway, records
from tests.helpers import child_with_consent, closed_with_follow_up

CLOSED = date(2026, 6, 1)
BACK = date(2026, 6, 20)  # before the follow-up is due: the family calls again


def test_a_new_contact_after_a_closed_course_leads_instead_of_the_old_follow_up(ws) -> None:
    child = child_with_consent(ws, "Sofie", "Østergård", "040510-4008", on=date(2026, 1, 5))  # 16
    closed_with_follow_up(ws, child, start=date(2026, 1, 12), closed=CLOSED)
    step = next_step.for_child(ws=ws, child_id=child.id, on=BACK)
    follow_up = pathway.next_open_follow_up_id(ws=ws, child_id=child.id)
    assert (step.kind, step.record_id) == ("follow_up", follow_up)  # nothing new yet: the follow-up is next

    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=BACK, made_by="parent", way="self",
                                        concern="Bekymringerne er tilbage")
    step = next_step.for_child(ws=ws, child_id=child.id, on=BACK)
    assert (step.kind, step.label, step.record_id) == ("contact", "Henvendelse (kladde)", contact_id)
    records.sign_confirmed(ws=ws, kind="contact", record_id=contact_id)
    step = next_step.for_child(ws=ws, child_id=child.id, on=BACK)
    assert (step.kind, step.label, step.record_id) == ("intake", "Forsamtale", None)
    assert pathway.next_open_follow_up_id(ws=ws, child_id=child.id) == follow_up  # still planned, not lost
