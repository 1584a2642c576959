"""The export file, written while reading: one consistent snapshot streamed row by row as the JSON document
docs/export-format.md describes (format 2, global ids). Its reading and checking is services/exchange/transfer.py."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any, TextIO

from behandlerklient import __version__
from behandlerklient.services.exchange import event_transfer, grant_transfer
from behandlerklient.services.exchange import export_signatures as proofs
from behandlerklient.services.signatures import anchor, audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.clock import to_text

FORMAT = "behandlerklient-export"
FORMAT_VERSION = 2  # 2: global ids (uid on every record, references as uids, users as user names)
LOCAL_ID = "local_id"  # format 2: a row's id in the exporting database, what its author's seal was signed over

# Tables in the order they can be inserted, with the foreign-key columns of each (column -> table).
TABLES = identity.TABLES
# A journal entry's source_id points into the table its source names (one column, several tables).
SOURCE_TABLES = identity.SOURCE_TABLES
TABLE_NUMBER = {table: n for n, (table, _fks) in enumerate(TABLES)}
# The audit log is not exported: it records this installation's own history. An import is itself audited.


def export_header(*, ws: Workspace) -> dict[str, Any]:
    """The document's fields before `tables`, written first and checked first by an import: a new field goes here."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": ws.db.user_version,
            "app_version": __version__, "exported_at": to_text(ws.clock()), anchor.FIELD: anchor.head(ws.db),
            proofs.FIELD: proofs.header(ws.db)}


def table_rows(ws: Workspace, table: str) -> Iterable[dict[str, Any]]:
    """Format 2: the local id left out, references as uids and user names (docs/export-format.md)."""
    return transfer_rows.global_rows(ws.db, table, list(transfer_rows.column_types(ws.db, table)),
                                     TABLES[TABLE_NUMBER[table]][1],
                                     SOURCE_TABLES if table == "journal_entries" else None, local_id=LOCAL_ID)


def _dumps(value: Any, level: int) -> str:
    """`value` as it would stand at nesting `level` of json.dumps(document, indent=1)."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * level)


def _write_table(out: TextIO, table: str, rows: Iterable[dict[str, Any]]) -> None:
    out.write(f",\n  {_dumps(table, 2)}: [")
    count = 0
    for row in rows:
        out.write(f"{',' if count else ''}\n   {_dumps(row, 3)}")
        count += 1
    out.write("\n  ]" if count else "]")


def write_export(*, ws: Workspace, out: TextIO) -> None:
    """Writes the whole database to `out` while reading it, one row at a time, from one consistent snapshot.

    The text is exactly json.dumps(document, ensure_ascii=False, indent=1) of the whole document, without ever
    holding it: the header first, then each table's rows in id order. If writing fails midway, what was
    written ends inside the document and an import refuses it.
    """
    db = ws.db
    with db.transaction():  # audited before the first row leaves the database
        audit.record(db, user_id=ws.user.id, action="export", now=ws.clock(), obj="export-json",
                     detail="whole database")
    with transfer_rows.snapshot(db):
        out.write("{")
        for key, value in export_header(ws=ws).items():
            out.write(f"\n {_dumps(key, 1)}: {_dumps(value, 1)},")
        out.write('\n "tables": {')
        proofs.write_section(db, out, _dumps)  # the authors' seals, before the rows they prove
        for table, _fks in TABLES:
            _write_table(out, table, table_rows(ws, table))
        # The events stand after every table (they name records of all of them), then the access grants.
        _write_table(out, event_transfer.TABLE, event_transfer.export_rows(db))
        for table in grant_transfer.TABLES:
            _write_table(out, table, grant_transfer.export_rows(db, table))
        out.write("\n }\n}")


def export_json(*, ws: Workspace) -> str:
    """The export as one string (tests, small databases); the CLI streams with `write_export`."""
    text = io.StringIO()
    write_export(ws=ws, out=text)
    return text.getvalue()


def export_data(*, ws: Workspace) -> dict[str, Any]:
    """The export as a dict, in memory and not audited: for tests and checks on small databases."""
    with transfer_rows.snapshot(ws.db):
        return {**export_header(ws=ws), "tables": {**{t: list(table_rows(ws, t)) for t, _fks in TABLES},
                                                   event_transfer.TABLE: list(event_transfer.export_rows(ws.db)),
                                                   **{t: list(grant_transfer.export_rows(ws.db, t))
                                                      for t in grant_transfer.TABLES}}}
