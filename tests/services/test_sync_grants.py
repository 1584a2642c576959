"""A fresh laptop's grants (one access event per child its user may read): bk.pull brings those children's records,
so the events ask for nothing here, and their cursor is stored once, not in a transaction an event (a fresh
therapist laptop committed 500 times, 0.25 s, before its first page)."""

from __future__ import annotations

import uuid
from typing import Any

from bench.sync_apply import FakeServer, Rows

from behandlerklient.services.sync.pull import Puller
from behandlerklient.storage.sync_state import SyncRepository
from tests.services.test_sync_apply_page import _fresh, source  # noqa: F401 - `source` is a fixture


class Granting(FakeServer):
    """The records, and an access event per child (bk.grants' columns)."""

    def __init__(self, staff: list[Any], records: list[tuple], events: list[tuple]) -> None:
        super().__init__(staff, records)
        self.events = events

    def execute(self, sql: str, params: Any = ()) -> Rows:
        if "bk.grants" in sql:
            return Rows([e for e in self.events if e[0] > int(params[0])])
        return super().execute(sql, params)


def test_a_fresh_laptop_stores_its_grants_cursor_once(source, tmp_path, monkeypatch) -> None:  # noqa: ANN001, F811
    staff, rows = source
    events = [(seq, "access", str(uuid.uuid4()), staff[0][0], None) for seq in range(10, 310)]
    stored: list[int] = []
    set_state = SyncRepository.set_state

    def spy(self: SyncRepository, **values: Any) -> None:
        if "grants_cursor" in values:
            stored.append(values["grants_cursor"])
        set_state(self, **values)

    monkeypatch.setattr(SyncRepository, "set_state", spy)
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, Granting(staff, rows, events), device=fresh.db.device_uid).run()
        assert stored == [309]  # before: 300 transactions, one an event
        assert int(SyncRepository(fresh.db).state()["grants_cursor"]) == 309
        assert result.received + result.quarantined + result.orphans == len(rows)
        stored.clear()
        Puller(fresh, Granting(staff, rows, events), device=fresh.db.device_uid).run()
        assert stored == []  # nothing after the cursor: nothing stored
    finally:
        fresh.close()
