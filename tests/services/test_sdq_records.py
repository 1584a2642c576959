"""SDQ forms as records: saving signs with the passphrase like every other record, the time point is read from the
pathway, and the child's progress (bands, change since the same informant's baseline, the charts' series)."""

from datetime import date

import pytest

from behandlerklient.core.errors import WrongPassphrase
from behandlerklient.services.documents import documents
from behandlerklient.services.journal import sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import pathway
from behandlerklient.services.verify import signature_check
from tests.conftest import PASSPHRASE
from tests.helpers import CLOSED_EARLY, child_with_consent

ON = date(2025, 3, 3)
HIGH = [2 if n in (3, 8, 13, 16, 24) else 1 for n in range(1, 26)]  # emotional 10: every band "very high"
LOW = [0] * 25


def _form(ws, child, informant, phase, answers, on=ON, course_id=None):
    return sdq_records.record(ws=ws, child_id=child.id, informant=informant, phase=phase, answered_on=on,
                              answers=answers, course_id=course_id)[0]


def test_saving_signs_with_the_passphrase_and_seals_like_every_other_record(ws) -> None:
    child = child_with_consent(ws, "Åse", "Ærø", "010312-4004")
    args = {"ws": ws, "child_id": child.id, "informant": "parent", "phase": "baseline", "answered_on": ON,
            "answers": HIGH}
    with pytest.raises(WrongPassphrase):
        sdq_records.sign(**args, passphrase="forkert-kode-123")
    assert ws.db.scalar("SELECT count(*) FROM sdq_responses WHERE child_id = ?", (child.id,)) == 0
    rid, changes = sdq_records.sign(**args, passphrase=PASSPHRASE)
    assert changes.child_id == child.id
    row = ws.db.query_one("SELECT signed_at, author_id FROM sdq_responses WHERE id = ?", (rid,))
    assert row["signed_at"] is not None and row["author_id"] == ws.user.id
    assert ws.db.scalar("SELECT count(*) FROM signatures_pending") == 0  # sealed with the author's key
    report = signature_check.check(ws.db)
    assert report.bad_records == [] and report.records > 0


def test_the_time_point_is_read_from_the_childs_pathway(ws) -> None:
    child = child_with_consent(ws, "Åse", "Ærø", "010312-4004")
    assert sdq_records.suggest_time_point(ws=ws, child_id=child.id, on=ON).phase == "baseline"
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=ON).course
    assert sdq_records.suggest_time_point(ws=ws, child_id=child.id, on=ON).phase == "baseline"  # nothing held yet
    session, _ = sessions.start_session(ws=ws, course_id=course.id, on=ON)
    session.parts.exercise += " Åse øvede første trin på trappen."  # more than the manual's template
    sessions.save_draft(ws=ws, session=session)
    sessions.finish_session(ws=ws, session=session, passphrase=PASSPHRASE)
    point = sdq_records.suggest_time_point(ws=ws, child_id=child.id, on=ON)
    assert (point.phase, point.course_id) == ("during", course.id)
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=date(2025, 6, 2),
                       **CLOSED_EARLY)
    point = sdq_records.suggest_time_point(ws=ws, child_id=child.id, on=date(2025, 7, 1))
    assert (point.phase, point.course_id) == ("follow_up", course.id)


def test_progress_changes_per_informant_and_the_pdf_draws_the_same_series(ws) -> None:
    child = child_with_consent(ws, "Åse", "Ærø", "010312-4004")
    _form(ws, child, "parent", "baseline", HIGH)
    _form(ws, child, "self", "baseline", LOW)
    _form(ws, child, "parent", "closing", LOW, on=date(2025, 6, 2))
    _form(ws, child, "self", "closing", HIGH, on=date(2025, 6, 2))
    progress = sdq_records.progress(ws=ws, child_id=child.id)
    by = {(p.response.informant, p.response.phase): p for p in progress.rows}
    high, low = by[("parent", "baseline")].scores["total_difficulties"], by[("self", "baseline")].scores[
        "total_difficulties"]
    assert by[("parent", "closing")].change == low - high  # parent against parent
    assert by[("self", "closing")].change == high - low  # self against self, never against the parent
    assert progress.series == {"parent": [(ON, high), (date(2025, 6, 2), low)],
                               "self": [(ON, low), (date(2025, 6, 2), high)]}
    summary = documents.summary_data(ws=ws, child_id=child.id, on=date(2025, 7, 1))
    assert summary.sdq_series == progress.series and summary.sdq_bands == progress.chart_bands
    # The self-report's tables are not confirmed: marked, and the explanation given once.
    assert by[("self", "closing")].bands["emotional"].endswith("*") and progress.footnote.startswith("*")
    assert summary.sdq_footnote == progress.footnote
