"""A pulled event whose value has the wrong shape (an object where a column takes text, a checklist item naming an
object) is quarantined as `invalid_row`, and the pull goes on: before, SQLite's binding error escaped the applier
and every later pull of that laptop stopped at the same record."""

from __future__ import annotations

from typing import Any

import pytest
from bench.sync_apply import FakeServer

from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from tests.services.test_sync_apply_ahead import _resigned
from tests.services.test_sync_apply_page import _fresh, source  # noqa: F401 - `source` is a fixture


def _checklist_item(payload: dict[str, Any], **item: Any) -> dict[str, Any]:
    items = [dict(i) for i in payload["value"]["items"]]
    items[0].update(item)
    return {"value": {**payload["value"], "items": items}}


BAD = {
    "an answer that is an object": ("checklist", lambda p: _checklist_item(p, adherence={"x": 1})),
    "a label that is a list": ("checklist", lambda p: _checklist_item(p, label=["Agenda"])),
    "a comment that is a number": ("checklist", lambda p: _checklist_item(p, comment=7)),
    "a competence that is text": ("checklist", lambda p: _checklist_item(p, competence="6")),
    "a time that is an object": ("checklist", lambda p: {"value": {**p["value"], "rated_at": {"t": 1}}}),
    "an item that is text": ("checklist", lambda p: {"value": {**p["value"], "items": ["agenda"]}}),
    # its order is one text joined by a control character: a device named with one would sort apart from it
    "a device named with a control character": ("checklist", lambda p: {"device": p["device"] + "\x01"}),
    "a course's status that is an object": ("status", lambda p: {"value": {**p["value"], "status": {"x": 1}}}),
}


@pytest.mark.parametrize("what", sorted(BAD))
def test_an_event_of_the_wrong_shape_is_quarantined_and_the_pull_goes_on(source, tmp_path, what) -> None:  # noqa: F811
    field, change = BAD[what]
    staff, rows = source
    n = next(i for i, r in enumerate(rows) if r[2].endswith("_events") and r[8]["field"] == field)
    staff, rows = _resigned(staff, rows, {n: change(rows[n][8])})
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert [tuple(r) for r in fresh.db.query("SELECT uid, substr(reason, 1, 11) FROM sync_quarantine")] == [
            (rows[n][1], "invalid_row")], what
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert fresh.db.scalar("SELECT count(*) FROM events WHERE uid = ?", (rows[n][1],)) == 0
        again = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()  # nothing new, no error
        assert again.received == 0
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


RULES = {
    "a rater other than the signer": lambda p: {"value": {**p["value"], "rater_id": "bo"}},
    "the session's own author as its supervisor": lambda p: {"subject_uid": p["subject_uid"].replace(
        ":self", ":supervisor")},
}


@pytest.mark.parametrize("what", sorted(RULES))
def test_a_fidelity_rating_breaking_the_rules_of_typed_input_is_quarantined(source, tmp_path, what) -> None:  # noqa: F811
    """save_ratings' rules hold however a rating arrives: the server lets any of them through about a child the
    signer may write about."""
    staff, rows = source
    n = next(i for i, r in enumerate(rows) if r[2] == "fidelity_events" and r[8]["subject_uid"].endswith(":self"))
    staff, rows = _resigned(staff, rows, {n: RULES[what](rows[n][8])})
    fresh = _fresh(tmp_path)
    try:
        Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert [tuple(r) for r in fresh.db.query("SELECT uid, substr(reason, 1, 33) FROM sync_quarantine")] == [
            (rows[n][1], "rule_refused: fidelitetsvurdering")], what
        applied = fresh.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'fidelity'")
        assert applied == sum(1 for r in rows if r[2] == "fidelity_events") - 1  # the others' rules hold
    finally:
        fresh.close()
