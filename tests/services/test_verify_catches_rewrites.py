"""verify recomputes signed payloads by position, not through the JSON encoder (issue 12: under 30 s at 10,000
children). Whatever it skips or caches to get there, a signed row rewritten behind dropped triggers must still
be caught: in every signed table, in a text or a number column, even when the change is one escaped character."""

from __future__ import annotations

from datetime import date

import pytest
import sqlcipher3

from behandlerklient.services.demo import demo
from behandlerklient.services.signatures.seal import SIGNED
from behandlerklient.services.verify import integrity, signature_check
from behandlerklient.storage.database import Database


def _signed_rows(ws) -> dict[str, tuple[int, list[str]]]:
    """One sealed row of each signed table the demo fills: (id, the columns its signature covers)."""
    found = {}
    for kind in SIGNED:
        row = ws.db.query_one("SELECT record_id, columns FROM record_signatures WHERE kind = ? ORDER BY record_id "
                              "LIMIT 1", (kind,))
        if row is not None:
            found[kind] = (row[0], row[1].split(","))
    return found


def _rewrite(ws, change) -> dict[str, int]:  # noqa: ANN001
    """Another data-key holder drops each signed table's triggers and rewrites one column of one sealed row."""
    raw = Database.open(ws.path, ws.data_key)
    done = {}
    try:
        for kind, (record_id, columns) in _signed_rows(ws).items():
            for name in [r[0] for r in raw.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                                 "tbl_name = ?", (kind,))]:
                raw.execute(f'DROP TRIGGER "{name}"')
            values = raw.query_one(f"SELECT * FROM {kind} WHERE id = ?", (record_id,))
            for column, value in change(values, [c for c in columns if c not in ("id", SIGNED[kind].author_column)]):
                try:
                    raw.execute(f'UPDATE {kind} SET "{column}" = ? WHERE id = ?', (value, record_id))
                except sqlcipher3.IntegrityError:  # a CHECK the column keeps (a phase, a 0/1 flag): the next one
                    continue
                done[kind] = record_id
                break
    finally:
        raw.close()
    return done


def _text(values, columns):  # noqa: ANN001, ANN202 - a newline: one character the fast path has to escape
    return [(c, values[c] + "\n") for c in columns if isinstance(values[c], str) and values[c]]


def _number(values, columns):  # noqa: ANN001, ANN202
    return [(c, values[c] + 1) for c in columns if type(values[c]) is int and not c.endswith("_id")]  # keys kept


@pytest.mark.parametrize(("change", "tables"), [(_text, 6), (_number, 2)], ids=["text", "number"])
def test_a_row_rewritten_behind_dropped_triggers_is_caught_in_every_signed_table(ws, change, tables) -> None:
    demo.generate(ws=ws, children_count=3, seed=4, today=date(2026, 11, 23))
    assert all(c.ok for c in integrity.verify(ws=ws))
    rewritten = _rewrite(ws, change)
    assert len(rewritten) >= tables, rewritten  # the demo signs journal notes, sessions, contacts, consents, ...
    report = signature_check.check(ws.db)
    for kind, record_id in rewritten.items():
        name = f"{SIGNED[kind].label} fra "
        assert any(p.startswith(name) and f"(id {record_id}): indholdet passer ikke" in p
                   for p in report.bad_records), (kind, report.bad_records)
    check = next(c for c in integrity.verify(ws=ws) if c.name == "signatures")
    assert not check.ok and "passer ikke" in check.detail
