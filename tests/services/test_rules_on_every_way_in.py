"""The closing rules and the selvskade rule hold however a record gets in: ending a course through
services.pathway.pathway.end_course, and importing a file whose records an older or altered client wrote past them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import Course
from behandlerklient.services.exchange import transfer
from behandlerklient.services.journal import sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.pathway_records import PathwayRecordRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Asta", "Ågesen", "010312-4002", on=DAY)


def _course(ws, child, held: int):
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    for n in range(held):
        s = sessions.start_session(ws=ws, course_id=course.id, on=DAY + timedelta(days=7 * n))[0]
        s.parts.status = "Barnet fortalte om ugen siden sidst."
        sessions.finish_confirmed(ws=ws, session=s)
    return course


def _sdq(ws, child, phase, informant="parent", **link) -> None:
    sdq_records.record(ws=ws, child_id=child.id, informant=informant, phase=phase, answered_on=DAY,
                       answers=[1] * 25, **link)


def _status(ws, course) -> str:
    found = PathwayRepository(ws.db).course(course.id)
    assert found is not None
    return found.status


# -- end_course: no back door around the closing rules -------------------------------------------------------------
def test_end_course_as_completed_below_the_manuals_minimum_needs_a_reason(ws, child) -> None:
    course = _course(ws, child, 3)  # Mind My Mind: at least 9
    _sdq(ws, child, "baseline")
    _sdq(ws, child, "closing", course_id=course.id)
    with pytest.raises(RuleRefused, match="minimum på 9 sessioner") as refused:
        pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=DAY + timedelta(days=60),
                           effect="improved", further_needs="Ingen")
    assert "3 holdt" in refused.value.message and "begrundelse" in refused.value.message
    assert _status(ws, course) == "active"
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=DAY + timedelta(days=60),
                       effect="improved", further_needs="Ingen", criteria_reason="Målet nået efter tre sessioner.")
    assert _status(ws, course) == "completed"
    assert ws.db.scalar("SELECT closing_reason FROM courses WHERE id = ?", (course.id,)) == (
        "Målet nået efter tre sessioner.")


def test_end_course_as_completed_has_no_default_effect(ws, child) -> None:
    course = _course(ws, child, 0)
    with pytest.raises(RuleRefused, match="Effekten skal vælges") as refused:
        pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=DAY,
                           criteria_reason="Familien flyttede.")
    assert "standardværdi" in refused.value.message
    assert _status(ws, course) == "active"


def test_end_course_as_completed_needs_a_repeat_sdq_from_the_baselines_informant(ws, child) -> None:
    course = _course(ws, child, 9)
    _sdq(ws, child, "baseline", informant="parent")
    _sdq(ws, child, "closing", informant="teacher", course_id=course.id)
    with pytest.raises(RuleRefused, match="baseline fra samme informant"):
        pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=DAY + timedelta(days=70),
                           effect="improved", further_needs="Ingen")
    _sdq(ws, child, "closing", informant="parent", course_id=course.id)
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=DAY + timedelta(days=70),
                       effect="improved", further_needs="Ingen")  # all criteria met: no reason needed
    assert _status(ws, course) == "completed"


def test_ending_without_completion_claims_nothing(ws, child) -> None:
    course = _course(ws, child, 1)
    pathway.end_course(ws=ws, course_id=course.id, status="cancelled", end_date=DAY)
    assert _status(ws, course) == "cancelled"


# -- import: a file is no way around them ----------------------------------------------------------------------------
def _import_into_new(tmp_path, ws) -> None:
    target = workspace.create(path=tmp_path / "kopi.db", username="chef", full_name="Anden", passphrase=PASSPHRASE)
    try:
        before = target.db.scalar("SELECT count(*) FROM children")
        try:
            transfer.import_json(ws=target, text=transfer.export_json(ws=ws))
        finally:
            assert target.db.scalar("SELECT count(*) FROM children") == before  # refused whole: nothing came
    finally:
        target.close()


def test_an_imported_group_course_on_stime_selvskade_refuses_the_whole_import(ws, child, tmp_path) -> None:
    # Written past the service (as an older client could): a group course on the individual-only track, signed.
    with ws.db.transaction():
        PathwayRepository(ws.db).add_course(Course(None, child.id, "stime-selvskade", DAY, 10, format="group"),
                                            created_by=ws.user.id, now=ws.clock())
        seal.seal_pending(ws)
    with pytest.raises(InvalidInput) as refused:
        _import_into_new(tmp_path, ws)
    text = refused.value.message
    assert "STIME selvskade er kun individuel" in text and "(forløb)" in text and "Intet er importeret" in text


def test_an_imported_closing_that_breaks_the_closing_rules_refuses_the_whole_import(ws, child, tmp_path) -> None:
    course = _course(ws, child, 2)
    with ws.db.transaction():  # signed as completed after 2 of at least 9 sessions, without a reason
        PathwayRecordRepository(ws.db).add("closings", {
            "course_id": course.id, "child_id": child.id, "closing_date": DAY.isoformat(), "effect": "improved",
            "further_needs": "Ingen", "status": "completed", "author_id": ws.user.id,
            "created_at": to_text(ws.clock()), "signed_at": to_text(ws.clock())})
        seal.seal_pending(ws)
    with pytest.raises(InvalidInput) as refused:
        _import_into_new(tmp_path, ws)
    text = refused.value.message
    assert "(afslutning)" in text and "reglerne for afslutning" in text and "minimum på 9 sessioner" in text


def test_a_closing_kept_by_the_rules_imports(ws, child, tmp_path) -> None:
    course = _course(ws, child, 2)
    rid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": DAY + timedelta(days=30), "effect": "improved",
        "further_needs": "Ingen", "status": "completed", "criteria_reason": "Målet nået tidligt."})
    records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    target = workspace.create(path=tmp_path / "kopi.db", username="chef", full_name="Anden", passphrase=PASSPHRASE)
    try:
        counts, _ = transfer.import_json(ws=target, text=transfer.export_json(ws=ws))
        assert counts["closings"] == 1
    finally:
        target.close()
