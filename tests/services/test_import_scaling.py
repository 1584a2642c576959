"""An import's cost per row does not grow with the file: importing twice the children costs twice the work, and
what it stages on the way is not held in memory.

The import audits every row it wrote in batches, each sealed by the importer; every seal also walked the outbox's
work list, where the file's shared rows stay while their authors have no key here, so the work grew with the square
of the file (over 25 minutes at 10,000 children in the bench). Counted in SQLite VM steps, not seconds, so the
test does not depend on the machine's load. Each audit batch and the importer's seals ran under a savepoint: the
cost SQLite adds per statement then grows with the import (what is not seen in VM steps, the test shows by the
savepoints opened). The file's seals were staged in the connection's TEMP store, which is
kept in memory (about 100 MB at 10,000 children), and its pages stayed with the connection after the import."""

from datetime import date

from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME

TODAY = date(2026, 11, 23)


def _vm_steps(ws: workspace.Workspace, work) -> int:  # noqa: ANN001
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    ws.db._conn.set_progress_handler(tick, 100)
    try:
        work()
    finally:
        ws.db._conn.set_progress_handler(None, 100)
    return steps[0]


def _import_cost(tmp_path, children: int) -> tuple[int, int, int, int]:
    """(VM steps of importing an export of `children` children, rows in the file, pages in the TEMP store after,
    savepoints opened)."""
    source = workspace.create(path=tmp_path / f"kilde-{children}.db", username=USERNAME, full_name="Anna",
                              passphrase=PASSPHRASE)
    # The target's administrator is none of the file's authors: their shared rows wait on the outbox's work list.
    target = workspace.create(path=tmp_path / f"mål-{children}.db", username="chef", full_name="Chef",
                              passphrase=PASSPHRASE)
    try:
        demo.generate(ws=source, children_count=children, seed=5, today=TODAY)
        text = transfer.export_json(ws=source)
        counts: dict[str, int] = {}

        def run() -> None:
            counts.update(transfer.import_json(ws=target, text=text)[0])
        statements: list[str] = []
        target.db._conn.set_trace_callback(statements.append)
        try:
            steps = _vm_steps(target, run)
        finally:
            target.db._conn.set_trace_callback(None)
        assert target.db.scalar("SELECT count(*) FROM sync_pending") > counts["children"]  # the case that grew
        savepoints = sum(1 for s in statements if s.lstrip().upper().startswith("SAVEPOINT"))
        return steps, sum(counts.values()), target.db.scalar("PRAGMA temp.page_count"), savepoints
    finally:
        source.close()
        target.close()


def test_importing_twice_the_children_costs_twice_the_work_and_no_memory(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(transfer, "AUDIT_BATCH", 10)  # many batches at both sizes, as there are at 10,000 children
    small_steps, small_rows, small_temp, small_savepoints = _import_cost(tmp_path, 10)
    large_steps, large_rows, large_temp, large_savepoints = _import_cost(tmp_path, 20)
    assert large_rows > 2 * small_rows
    per_row_small, per_row_large = small_steps / small_rows, large_steps / large_rows
    # Measured: 4.1 and 4.2 (hundred VM steps a row); before, 4.6 and 10.0: the walks of the work list per batch.
    assert per_row_large < 1.25 * per_row_small, (small_steps, small_rows, large_steps, large_rows)
    # The seals go to an encrypted scratch file (storage/import_scratch.py): the TEMP store keeps its one page
    # (before: 14 and 34 pages, held until the connection closed).
    assert small_temp == large_temp <= 1, (small_temp, large_temp)
    # One flat transaction: under a savepoint SQLite copies each page the import already wrote into an in-memory
    # sub-journal when it changes and walks that journal after every statement (at 2,000 children the audit rows
    # and the importer's seals took 111 s of CPU and 36 MB under their savepoints, 9 s without).
    assert small_savepoints == large_savepoints == 0, (small_savepoints, large_savepoints)
