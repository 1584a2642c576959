"""A pulled record must belong to the child its envelope names (services/sync/apply.Applier._same_child).

The server judges an author's access by that child (bk.may_write), and the laptop writes the row where its
references point: a session signed under child A whose course is child B's would land in B's record on every
laptop that holds both, written by someone who may not write about B. Each such record is quarantined as
`child_mismatch`; everything else of the pull is applied, and the receipts name the children the rows belong to."""

from __future__ import annotations

from bench.sync_apply import FakeServer

from behandlerklient.core.uid import uuid7
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from tests.helpers import sync_receipts
from tests.services.test_sync_apply_ahead import _resigned
from tests.services.test_sync_apply_page import _fresh, source  # noqa: F401 - `source` is a fixture


def test_a_record_whose_references_point_into_another_child_s_record_is_quarantined(source, tmp_path) -> None:  # noqa: F811
    staff, rows = source
    children = [r[1] for r in rows if r[2] == "children"]
    assert len(children) >= 3
    own = next(n for n, r in enumerate(rows) if r[2] == "children" and r[1] == children[-1])

    def other(n: int) -> str:  # another child, not the one whose own record is refused below
        return next(c for c in children[:-1] if c != rows[n][3])

    # an event that sets a course's contact (to another child's, below), kept out of the rows moved
    course_event = next(n for n, r in enumerate(rows) if r[2] == "course_events" and r[8]["field"] == "contact_id"
                        and r[3] != children[-1])

    def first(kind: str, *, with_child: bool = True) -> int:
        return next(n for n, r in enumerate(rows) if r[2] == kind and (r[3] is not None or not with_child)
                    and n != course_event)

    moved_rows = [first("sessions"), first("consents"), first("reviews"), first("fidelity_events"),
                  first("course_events"), first("journal_entries")]
    moved = {n: other(n) for n in moved_rows}
    moved[own] = children[0]  # a child's own record sent under another child
    # rows of their own child that name another child's record: a guardian, a contact, through an event too
    consent = next(n for n, r in enumerate(rows) if r[2] == "consents" and r[8].get("guardian_id") and n not in moved)
    guardian = next(r[1] for r in rows if r[2] == "guardians" and r[3] not in (rows[consent][3], children[-1]))
    intake = next(n for n, r in enumerate(rows) if r[2] == "intakes" and r[8].get("contact_id") and n not in moved
                  and r[3] != children[-1])
    contact = next(r[1] for r in rows if r[2] == "contacts" and r[3] not in (rows[intake][3], children[-1]))
    their_contact = next(r[1] for r in rows if r[2] == "contacts" and r[3] not in (rows[course_event][3],
                                                                                   children[-1]))
    changed = {consent: {"guardian_id": guardian}, intake: {"contact_id": contact},
               course_event: {"value": their_contact}}
    staff, rows = _resigned(staff, rows, changed, moved)
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        reasons = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        refused = [*moved, *changed]
        assert {rows[n][1]: reasons.get(rows[n][1]) for n in refused} == \
            {rows[n][1]: "child_mismatch" for n in refused}
        for n in refused:  # none of them written anywhere
            table = "events" if rows[n][2].endswith("_events") else rows[n][2]
            assert fresh.db.scalar(f"SELECT count(*) FROM {table} WHERE uid = ?", (rows[n][1],)) == 0  # noqa: S608
        # the rest of the pull applied or waiting for what was refused, nothing lost
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert result.quarantined >= len(refused)
        logged, held = sync_receipts(fresh.db)
        assert logged == held  # each receipt under the child the row belongs to
        # a session's receipt: under its course's child
        session_children = dict(fresh.db.query(
            "SELECT s.id, ch.uid FROM sessions s JOIN courses c ON c.id = s.course_id JOIN children ch "
            "ON ch.id = c.child_id"))
        receipts = [r for r in held[0] if r[0] == "sessions"]
        assert receipts and all(session_children[r[1]] == r[2] for r in receipts)
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


def test_a_record_under_a_child_not_here_waits_instead_of_being_refused(source, tmp_path) -> None:  # noqa: F811
    """A twin's uid (a child registered on another laptop, merged here only when the coordinator's decision comes,
    perhaps later in the pull): a session it names in a course held here waits for it, as an orphan."""
    staff, rows = source
    n, session = next((n, r) for n, r in enumerate(rows) if r[2] == "sessions" and r[3] is not None)
    twin = uuid7()
    copy = (max(r[0] for r in rows) + 1, uuid7(), "sessions", session[3], *session[4:8],
            {**session[8], "number": 99}, b"", b"")
    copy = (*copy[:8], {**copy[8], "uid": copy[1]}, b"", b"")
    staff, rows = _resigned(staff, [*rows, copy], {}, {len(rows): twin})
    fresh = _fresh(tmp_path)
    try:
        Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert fresh.db.scalar("SELECT count(*) FROM sync_quarantine WHERE uid = ?", (copy[1],)) == 0
        assert fresh.db.scalar("SELECT missing FROM sync_orphans WHERE uid = ?", (copy[1],)) == twin
        assert fresh.db.scalar("SELECT count(*) FROM sessions WHERE uid = ?", (copy[1],)) == 0
    finally:
        fresh.close()


def test_a_merge_decision_naming_two_children_of_different_cpr_numbers_is_quarantined(source, tmp_path) -> None:  # noqa: F811
    """A coordinator's decision reaches the laptops as a record: two children held here with different CPR numbers
    are two children, and neither is merged into the other."""
    staff, rows = source
    kept, other = [r for r in rows if r[2] == "children"][:2]
    decision_uid = uuid7()
    decision = (max(r[0] for r in rows) + 1, decision_uid, "child_merges", kept[1], "kim", *rows[0][5:8],
                {"alias_uid": other[1], "child_uid": kept[1]}, b"", b"")
    staff, rows = _resigned([*staff, ("kim", "coordinator", "Kim Koordinator", b"")], [*rows, decision], {})
    fresh = _fresh(tmp_path)
    try:
        Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert fresh.db.scalar("SELECT reason FROM sync_quarantine WHERE uid = ?", (decision_uid,)) == \
            "not_the_same_child"
        assert fresh.db.scalar("SELECT count(*) FROM child_alias WHERE merged_at IS NOT NULL") == 0
        assert fresh.db.scalar("SELECT count(*) FROM children WHERE uid IN (?, ?)", (kept[1], other[1])) == 2
    finally:
        fresh.close()
