from datetime import date, timedelta

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.fidelity import adherence, checklist, sampled
from behandlerklient.core.models import User
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.reports import reports
from behandlerklient.services.signatures import audit
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.services.workspace import settings
from behandlerklient.storage.users import UserRepository
from tests.helpers import child_with_consent

START = date(2026, 2, 2)


@pytest.fixture
def setup(ws):
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    ids = []
    for n in range(8):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7 * n))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
        ids.append(s.id)
    therapist = ws.user
    sup = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    return child, course, ids, therapist, sup


def _as(ws, user):
    ws.user = user
    return ws


def test_checklist_comes_from_the_five_parts_and_the_track_file(ws) -> None:
    items = checklist(ws.catalogue.get("cool-kids"))
    keys = [i.key for i in items]
    assert keys[:6] == ["agenda", "status", "goals", "exercise", "homework", "parents"]
    assert [i.label for i in items[6:]] == list(ws.catalogue.get("cool-kids").fidelity_items)


def test_adherence_and_sampling_rules() -> None:
    assert adherence(["yes", "partly", "no", "not_relevant"]) == pytest.approx(0.5)
    assert adherence(["not_relevant"]) is None
    assert [n for n in range(1, 13) if sampled("every_nth:4", session_number=n, session_id=n)] == [4, 8, 12]
    share = sum(sampled("percent:10", session_number=1, session_id=i) for i in range(1, 2001)) / 2000
    assert 0.07 < share < 0.13
    with pytest.raises(ValueError):
        sampled("hver:4", session_number=1, session_id=1)


def test_every_fourth_session_lands_in_the_supervisors_queue(ws, setup) -> None:
    _child, _course, ids, therapist, sup = setup
    assert [q.session_id for q in supervision.queue(ws=_as(ws, sup))] == [ids[3], ids[7]]
    assert supervision.queue(ws=_as(ws, therapist)) == []  # a therapist has no review queue


def test_self_and_supervisor_ratings_are_stored_apart(ws, setup) -> None:
    _child, _course, ids, therapist, sup = setup
    sid = ids[3]
    supervision.save_ratings(ws=_as(ws, therapist), session_id=sid, kind="self",
                             items=[Rating("agenda", "yes", 6), Rating("homework", "yes")])
    supervision.save_ratings(ws=_as(ws, sup), session_id=sid, kind="supervisor",
                             items=[Rating("agenda", "partly", 3, "Dagsordenen blev givet, ikke aftalt"),
                                    Rating("homework", "no")])
    mine = supervision.ratings(ws=ws, session_id=sid, kind="self")
    theirs = supervision.ratings(ws=ws, session_id=sid, kind="supervisor")
    assert mine["agenda"].adherence == "yes" and theirs["agenda"].adherence == "partly"
    assert ws.db.scalar("SELECT count(*) FROM fidelity_ratings WHERE session_id = ?", (sid,)) == 4
    with pytest.raises(RuleRefused, match="Kun den behandler"):
        supervision.save_ratings(ws=_as(ws, sup), session_id=sid, kind="self", items=[Rating("agenda", "yes")])
    with pytest.raises(RuleRefused, match="Kun en supervisor"):
        supervision.save_ratings(ws=_as(ws, therapist), session_id=sid, kind="supervisor",
                                 items=[Rating("agenda", "yes")])
    with pytest.raises(InvalidInput, match="0 til 6"):
        supervision.save_ratings(ws=_as(ws, therapist), session_id=sid, kind="self", items=[Rating("agenda", "yes", 7)])


def test_decision_reaches_the_therapist_and_is_audited(ws, setup) -> None:
    child, _course, ids, therapist, sup = setup
    review = supervision.queue(ws=_as(ws, sup))[0]
    view = supervision.open_review(ws=ws, review_id=review.review_id)
    assert view.clinical_text is not None and view.number == 4  # default: supervised courses show the text
    with pytest.raises(InvalidInput, match="ændringer"):
        supervision.decide(ws=ws, review_id=review.review_id, decision="changes_requested", comment=" ")
    supervision.decide(ws=ws, review_id=review.review_id, decision="changes_requested", comment="Gennemgå hjemmeopgaven")
    feedback = supervision.feedback_for_therapist(ws=_as(ws, therapist))
    assert [(f.decision, f.comment, f.supervisor) for f in feedback] == [
        ("changes_requested", "Gennemgå hjemmeopgaven", "Louise Hvid")]
    from behandlerklient.services.overview import work_queue

    assert any(t.section == "supervision" for t in work_queue.build(ws=ws, today=START))
    supervision.mark_seen(ws=ws, review_id=review.review_id)
    assert supervision.feedback_for_therapist(ws=ws) == []
    actions = [(r["user"], r["action"], r["detail"]) for r in audit.for_child(ws.db, child.id)]
    assert ("lhv", "supervise", "changes_requested") in actions and ("lhv", "supervise", "view") in actions


def test_clinical_text_setting(ws, setup) -> None:
    _child, _course, _ids, therapist, sup = setup
    ws.db.execute("UPDATE users SET role = 'admin' WHERE id = ?", (therapist.id,))
    therapist.role = "admin"
    settings.put(ws=_as(ws, therapist), key="supervisor_sees_clinical_text", value="never")
    review = supervision.queue(ws=_as(ws, sup))[0]
    view = supervision.open_review(ws=ws, review_id=review.review_id)
    assert view.clinical_text is None and ("Øvelse", "udfyldt") in view.structure
    with pytest.raises(RuleRefused):
        settings.put(ws=ws, key="review_sample", value="every_nth:2")  # the supervisor is no administrator


def test_meetings_are_logged(ws, setup) -> None:
    child, course, _ids, _therapist, sup = setup
    mid = supervision.log_meeting(ws=_as(ws, sup), meeting_date=START, kind="group", course_ids=[course.id],
                                  notes="Eksponering i gruppen")
    assert ws.db.scalar("SELECT count(*) FROM supervision_meeting_courses WHERE meeting_id = ?", (mid,)) == 1
    assert audit.for_child(ws.db, child.id)[-1]["object"] == f"meeting:{mid}"


def test_fidelity_report_keeps_self_and_supervisor_apart(ws, setup) -> None:
    _child, _course, ids, therapist, sup = setup
    for sid in ids[:4]:
        supervision.save_ratings(ws=_as(ws, therapist), session_id=sid, kind="self",
                                 items=[Rating("agenda", "yes"), Rating("exercise", "yes")])
    supervision.save_ratings(ws=_as(ws, sup), session_id=ids[3], kind="supervisor",
                             items=[Rating("agenda", "yes"), Rating("exercise", "no")])
    supervision.decide(ws=ws, review_id=supervision.queue(ws=ws)[0].review_id, decision="approved")
    data = reports.fidelity_data(ws=ws, start=START, end=START + timedelta(days=100))
    t = data["by_therapist"]["Anna Åberg"]
    assert (t["sessions"], t["reviewed"], t["self_adherence"], t["supervisor_adherence"]) == (8, 1, 1.0, 0.5)
    assert t["self_minus_supervisor"] == 0.5
    # A therapist sees only their own figures.
    own = reports.fidelity_data(ws=_as(ws, therapist), start=START, end=START + timedelta(days=100))
    assert own["therapist_id"] == therapist.id
