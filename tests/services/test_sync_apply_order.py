"""A record's rule is checked against what its laptop held when it was signed. A laptop seals a screening's SDQ forms
before the screening they name, so a receiving laptop holds such a form back (an orphan) until the screening comes,
later in the page or in a later page; a closing checked meanwhile found no baseline SDQ and was quarantined as
breaking the closing rules, with every record that names it left waiting for ever. A record the rules refuse while
records of the same child still wait is held back with them, and checked again when they are applied."""

from __future__ import annotations

from typing import Any

import pytest
from bench.sync_apply import FakeServer

from behandlerklient.services.sync import pull
from behandlerklient.services.sync.pull import Puller
from tests.services.test_sync_apply_page import _fresh, source  # noqa: F401 - `source` is a fixture


def _closing_before_its_baseline(rows: list[tuple]) -> tuple[int, int, int]:
    """(baseline SDQ, its screening, the closing) positions of a child whose baseline form precedes its screening."""
    by_uid = {r[1]: n for n, r in enumerate(rows)}
    for n, r in enumerate(rows):
        payload: dict[str, Any] = r[8]
        if r[2] == "sdq_responses" and payload.get("phase") == "baseline" and payload.get("screening_id"):
            screening = by_uid.get(payload["screening_id"])
            closing = next((m for m, c in enumerate(rows) if c[2] == "closings" and c[3] == r[3]), None)
            if screening is not None and screening > n and closing is not None:
                return n, screening, closing
    raise AssertionError("the demo caseload has no closed course with a baseline SDQ before its screening")


class _CutServer(FakeServer):
    """Pages that end where the test says (bk.pull's cursor and limit otherwise)."""

    def __init__(self, staff: list[Any], records: list[tuple], cut: int) -> None:
        super().__init__(staff, records)
        self.cut_seq = records[cut - 1][0]

    def execute(self, sql: str, params: Any = ()) -> Any:
        if "bk.pull" in sql and int(params[0]) < self.cut_seq:
            return super().execute(sql, (params[0], min(int(params[1]), self.cut_seq - int(params[0])), *params[2:]))
        return super().execute(sql, params)


@pytest.mark.parametrize("pages", ["one", "cut"], ids=["one page", "the form in an earlier page than its screening"])
def test_a_closing_whose_baseline_sdq_waits_for_its_screening_is_applied_not_quarantined(
        source, tmp_path, monkeypatch, pages) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    sdq, screening, closing = _closing_before_its_baseline(rows)
    monkeypatch.setattr(pull, "PAGE", 5000)
    # One page; or the form waits in sync_orphans, and its screening comes in the closing's page
    server = FakeServer(staff, rows) if pages == "one" else _CutServer(staff, rows, screening)
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, server, device=fresh.db.device_uid).run()
        assert result.pages == (1 if pages == "one" else 2)
        quarantined = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        waiting = [(r["kind"], r["missing"]) for r in fresh.db.query("SELECT kind, missing FROM sync_orphans")]
        assert rows[closing][1] not in quarantined, quarantined.get(rows[closing][1])
        assert fresh.db.scalar("SELECT count(*) FROM closings WHERE uid = ?", (rows[closing][1],)) == 1, waiting
        # Nothing of the user's own demo journal is refused or left waiting on her other laptop
        assert (result.quarantined, fresh.db.scalar("SELECT count(*) FROM sync_orphans")) == (0, 0), quarantined
        assert result.received == len(rows) - sum(1 for r in rows if r[2] == "audit_log")
    finally:
        fresh.close()
