"""A large pull page's rows checked in the sync's check process (services/sync/page_checks.py) together with their
envelopes: each row's fields as typed input checks them (import_checks.check_values), but for the columns that name
other records, which the applier resolves to ids on its side (services/sync/apply.Applier._resolve). The process
imports this module, the import's row checks and the envelope checks (about 150 ms), not the sync client."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.services.exchange import import_checks
from behandlerklient.services.signatures.envelope_checks import Fields, Verdict, verdict


@dataclass(frozen=True)
class RowRules:
    """What a pulled row's fields are checked against: each shared table's columns and their types as this laptop's
    schema has them (without id), the columns that name another record, the journal sources whose source_id names a
    record, and the tracks of the manuals."""

    tables: dict[str, tuple[dict[str, str], frozenset[str]]]
    source_kinds: frozenset[str]
    tracks: frozenset[str]


def row_problem(fields: Fields, rules: RowRules) -> str | None:
    """"" if every field but those naming records holds, the first one's problem if not; None if the row is not
    checked here (an event, an unknown kind, columns other than the table's): the applier checks it. It is the
    problem the applier finds in place: a column naming a record holds an id there, which no field check refuses."""
    kind, payload = fields[1], fields[7]
    table = rules.tables.get(kind)
    if table is None or not isinstance(payload, dict):
        return None
    types, refs = table
    if set(payload) != set(types):
        return None
    if kind == "journal_entries" and payload.get("source") in rules.source_kinds:
        refs = refs | {"source_id"}
    try:
        import_checks.check_values(kind, {c: v for c, v in payload.items() if c not in refs},
                                   column_types=types, tracks=rules.tracks)
    except import_checks.RowProblem as problem:
        return str(problem)
    return ""


def checked(chunk: list[Fields], keys: dict[str, bytes], rules: RowRules) -> list[tuple[Verdict, str | None]]:
    """A job of the check process: each record's envelope verdict and, for one whose envelope holds, its row's
    (`row_problem`), in order."""
    out: list[tuple[Verdict, str | None]] = []
    for fields in chunk:
        found = verdict(fields, keys)
        out.append((found, row_problem(fields, rules) if isinstance(found, bytes) else None))
    return out
