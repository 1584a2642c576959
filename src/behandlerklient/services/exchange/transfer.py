"""The whole database as documented JSON (docs/export-format.md), and back in one all-or-nothing transaction.

Both directions stream: the export writes each row as it comes off a paged cursor, the import checks and
inserts each row as it is read (services/exchange/json_stream.py). Memory does not grow with the number of children,
except for 16 bytes an imported row for the id translation. What the import stages (the file's seals, each row's
audit entry, written at the end when the file's hash is known) goes to an encrypted scratch file
(storage/import_scratch.py), not to memory.
"""

from __future__ import annotations

import io
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import uid as uidmod
from behandlerklient.core.errors import InvalidInput, RuleRefused, ValidationError
from behandlerklient.core.sorting import name_key
from behandlerklient.services.changes import Changes
from behandlerklient.services.exchange import event_transfer, grant_transfer
from behandlerklient.services.exchange import export_signatures as proofs
from behandlerklient.services.exchange.export_file import FORMAT as FORMAT
from behandlerklient.services.exchange.export_file import FORMAT_VERSION as FORMAT_VERSION
from behandlerklient.services.exchange.export_file import LOCAL_ID as LOCAL_ID
from behandlerklient.services.exchange.export_file import SOURCE_TABLES as SOURCE_TABLES
from behandlerklient.services.exchange.export_file import TABLE_NUMBER as TABLE_NUMBER
from behandlerklient.services.exchange.export_file import TABLES as TABLES
from behandlerklient.services.exchange.export_file import export_data as export_data
from behandlerklient.services.exchange.export_file import export_header as export_header
from behandlerklient.services.exchange.export_file import export_json as export_json
from behandlerklient.services.exchange.export_file import write_export as write_export
from behandlerklient.services.exchange.import_checks import RowProblem, check_row
from behandlerklient.services.exchange.json_stream import ExportStream, StreamProblem
from behandlerklient.services.pathway import record_rules
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage import import_scratch, transfer_rows
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database, IntegrityError
from behandlerklient.storage.migrate import latest_version

READABLE_VERSIONS = (1, 2)  # 1: local integer ids, as written before schema 13
IDENTITY_COLUMNS = ("uid", "origin_device")  # not in a format-1 file: an import gives its rows new ones

# The events stand after every table (they name records of all of them); a file without them still imports.
EVENTS_NUMBER = len(TABLES)
# Then the access grants (caseloads, supervision pairs): they name children and users of the file.
GRANT_NUMBERS = {t: EVENTS_NUMBER + 1 + n for n, t in enumerate(grant_transfer.TABLES)}
TABLE_NAMES = (*(t for t, _fks in TABLES), event_transfer.TABLE, *grant_transfer.TABLES)
AUDIT_BATCH = 5000  # audit rows written per statement at the end of an import


# -- import -------------------------------------------------------------------------------------------------------
def _fail(message: str) -> InvalidInput:
    return InvalidInput(f"Importfilen kan ikke bruges: {message} Intet er importeret.")


def check_header(header: dict[str, Any], *, has_tables: bool) -> None:
    if header.get("format") != FORMAT:
        raise _fail("den er ikke en Behandlerklient-eksport (feltet 'format' mangler eller er forkert).")
    version = header.get("format_version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise _fail(f"formatversion {version!r} understøttes ikke (kun "
                    f"{' og '.join(str(v) for v in READABLE_VERSIONS)}).")
    schema = header.get("schema_version")
    # Format 1 comes from the schemas before global ids; its rows are checked field by field against this one.
    if schema != latest_version() if version == FORMAT_VERSION else not (
            isinstance(schema, int) and not isinstance(schema, bool) and 0 < schema <= latest_version()):
        raise _fail(f"den er lavet med skema {schema!r}; denne version bruger {latest_version()}.")
    if not has_tables:
        raise _fail("feltet 'tables' mangler.")


class _IdMap:
    """One table's ids in the file -> ids in this database. Rows arrive in increasing id, so two arrays searched
    by bisection: 16 bytes a row where a dict of ints takes about 100."""

    __slots__ = ("old", "new")

    def __init__(self) -> None:
        self.old, self.new = array("q"), array("q")

    def add(self, old: int, new: int) -> None:
        self.old.append(old)
        self.new.append(new)

    def get(self, old: Any) -> int | None:
        if not isinstance(old, int) or isinstance(old, bool):
            return None
        i = bisect_left(self.old, old)
        return self.new[i] if i < len(self.old) and self.old[i] == old else None

    def old_of(self, new: int) -> int | None:
        """The file's id of a row imported as `new` (ids here increase in the file's order, as the file's do)."""
        i = bisect_left(self.new, new)
        return self.old[i] if i < len(self.new) and self.new[i] == new else None


class _AuditLater:
    """Each imported row's audit entry, until the file's hash is known at its end: in the import's scratch file
    (storage/import_scratch.py), a page at a time, so memory does not grow with the file."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.buffer: list[tuple[int, int, int | None]] = []  # written to the scratch file AUDIT_BATCH at a time

    def add(self, table_number: int, row_id: int, child_id: Any) -> None:
        self.buffer.append((table_number, row_id, child_id))
        if len(self.buffer) >= AUDIT_BATCH:
            self._keep()

    def _keep(self) -> None:
        if self.buffer:
            import_scratch.keep_audit(self.db, self.buffer)
            self.buffer = []

    def batches(self, detail: str) -> Iterator[list[tuple[int | None, str, str]]]:
        self._keep()
        after = 0
        while page := import_scratch.kept_audit(self.db, after, AUDIT_BATCH):
            after = page[-1][0]
            yield [(child, f"{TABLE_NAMES[table]}:{row}", detail) for _n, table, row, child in page]


class _Importer:
    """Checks and inserts one row at a time, in the file's order, inside the caller's transaction."""

    def __init__(self, ws: Workspace, header: dict[str, Any]) -> None:
        self.ws, self.db, self.version = ws, ws.db, header["format_version"]
        self.proofs = proofs.FileSignatures(ws.db, header)
        # Format 2: references are uids, resolved in the database; a row above the floor is one of the file's.
        self.floor = {t: transfer_rows.floor_id(self.db, t) for t, _fks in TABLES if t != "users"}
        self.usernames: dict[str, int] = {}  # the file's users: user name -> id here
        self.user_file_ids: dict[str, int] = {}  # the file's users: user name -> id in the file (local_id)
        # Into a database with no data yet rows keep their ids: export -> import -> export is identical.
        self.fresh = transfer_rows.is_empty(self.db, [t for t, _fks in TABLES if t != "users"])
        self.ids = {t: _IdMap() for t, _fks in TABLES}
        self.user_ids: set[int] = set()
        self.counts = {t: 0 for t in TABLE_NAMES}
        self.audit = _AuditLater(ws.db)
        self.position = -1

    def table(self, table: str, rows: Iterable[Any]) -> None:
        if table == proofs.SECTION and self.position == -1 and not self.proofs.seen_section:
            self.proofs.section(rows)
            return
        number = EVENTS_NUMBER if table == event_transfer.TABLE and self.version == FORMAT_VERSION else (
            TABLE_NUMBER.get(table))
        if number is None and self.version == FORMAT_VERSION:
            number = GRANT_NUMBERS.get(table)
        if number is None:
            raise _fail(f"ukendt tabel {table!r}.")
        if number <= self.position:  # a row may only point back, to a table (and id) already imported
            raise _fail(f"tabellen {table!r} står to gange." if number == self.position else
                        f"tabellen {table!r} står efter {TABLE_NAMES[self.position]!r}; tabellerne skal stå i "
                        f"formatets rækkefølge.")
        self.position = number
        if number == EVENTS_NUMBER:
            self._events(rows)
            return
        if number > EVENTS_NUMBER:
            self._grants(table, number, rows)
            return
        types = transfer_rows.column_types(self.db, table)
        if self.version != FORMAT_VERSION:
            types = {c: t for c, t in types.items() if c not in IDENTITY_COLUMNS}
        else:
            self._table_v2(table, number, rows, {c: t for c, t in types.items() if c != "id"})
            return
        previous: int | None = None
        for i, row in enumerate(rows, start=1):
            self._check(table, row, i, types, previous)
            previous = row["id"]
            self._insert(table, number, row, i)
            self.counts[table] = i

    def _table_v2(self, table: str, number: int, rows: Iterable[Any], types: dict[str, str]) -> None:
        """Format 2: each row's references become ids here, then it is checked like a format-1 row and inserted.
        `local_id` (the row's id where it was exported) is no identity: it only lets the author's seal, signed
        over those ids, be recomputed (services/exchange/export_signatures.py)."""
        previous: int | None = None
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or set(row) - {LOCAL_ID} != set(types):
                missing = sorted(set(types) - set(row)) if isinstance(row, dict) else []
                raise _fail(f"{table} række {i} har ikke de rigtige felter"
                            f"{' (mangler ' + ', '.join(missing) + ')' if missing else ''}.")
            local = row.get(LOCAL_ID)
            if local is not None and (not isinstance(local, int) or isinstance(local, bool)
                                      or (previous is not None and local <= previous)):
                raise _fail(f"{table} række {i}: feltet {LOCAL_ID!r} skal være et heltal større end rækken "
                            f"før.")
            previous = local if local is not None else previous
            values, file_row = self._resolve(table, number, {c: v for c, v in row.items() if c != LOCAL_ID}, i)
            file_row["id"] = local
            try:
                check_row(table, values, column_types=types, catalogue=self.ws.catalogue,
                          user_ids=self.user_ids)
            except RowProblem as exc:
                raise _fail(f"{table} række {i}: {exc}") from None
            if table == "children":
                _check_child(values, i)
                values["sort_key"] = name_key(str(values["first_name"]), str(values["last_name"]))
            self._keeps_rules(table, values, i)
            if table == "users":
                existing = transfer_rows.user_id(self.db, values["username"])
                existed = existing is not None
                if existing is None:
                    existing = self._write(table, number, values, i)
                self.usernames[values["username"]] = existing  # never changed by a file
                self.user_ids.add(existing)
                if local is not None:
                    self.user_file_ids[values["username"]] = local
                    self.proofs.user(file_row, existing, existed=existed)
            else:
                new_id = self._write(table, number, values, i)
                if local is not None:
                    self.ids[table].add(local, new_id)
                self.proofs.record(table, file_row, values, new_id, [*TABLES[number][1], "source_id"])
            self.counts[table] = i

    def _events(self, rows: Iterable[Any]) -> None:
        """The file's events, each stored as a pull will store it; the fold then sets what is current."""
        try:
            for n, (event_id, child_id) in enumerate(event_transfer.import_rows(
                    self.db, rows, usernames=self.usernames, floor=self.floor), start=1):
                self.audit.add(EVENTS_NUMBER, event_id, child_id)
                self.counts[event_transfer.TABLE] = n
        except event_transfer.EventProblem as exc:
            raise _fail(exc.message) from None

    def _grants(self, table: str, number: int, rows: Iterable[Any]) -> None:
        """The file's access grants, checked as untrusted rows (services/exchange/grant_transfer.py)."""
        try:
            for n, (row_id, child_id) in enumerate(grant_transfer.import_rows(
                    self.db, table, rows, usernames=self.usernames, child_floor=self.floor["children"]), start=1):
                self.audit.add(number, row_id, child_id)
                self.counts[table] = n
        except grant_transfer.GrantProblem as exc:
            raise _fail(exc.message) from None

    def _resolve(self, table: str, number: int, row: dict[str, Any], i: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the row with ids here, the row with the ids it had in the file: what its author signed)."""
        values, file_row = dict(row), dict(row)
        for col in IDENTITY_COLUMNS if table != "users" else ():
            if not uidmod.is_uuid7(values[col]):
                raise _fail(f"{table} række {i}: feltet {col!r} er ikke et globalt id (UUIDv7).")
        refs = dict(TABLES[number][1])
        if table == "journal_entries" and isinstance(values.get("source"), str) and values["source"] in SOURCE_TABLES:
            refs["source_id"] = SOURCE_TABLES[values["source"]]
        for col, ref in refs.items():
            if values[col] is None:
                continue
            if not isinstance(values[col], str) or (ref != "users" and not uidmod.is_uuid7(values[col])):
                raise _fail(f"{table} række {i}: feltet {col} skal være "
                            f"{'et brugernavn' if ref == 'users' else 'et globalt id (uid)'}.")
            if ref == "users":
                new = self.usernames.get(values[col])
                file_row[col] = self.user_file_ids.get(values[col])
            else:
                new = transfer_rows.id_by_uid(self.db, ref, values[col])
                new = new if new is not None and new > self.floor[ref] else None
                file_row[col] = self.ids[ref].old_of(new) if new is not None else None
            if new is None:
                raise _fail(f"{table} række {i}: feltet {col} henviser til "
                            f"{'en bruger' if ref == 'users' else 'en række i ' + ref}, som ikke findes i filen.")
            values[col] = new
        return values, file_row

    def _keeps_rules(self, table: str, values: dict[str, Any], i: int) -> None:
        """The clinical rules typed input keeps (selvskade individual only, the closing rules): a file is no way
        around them (services/pathway/record_rules.py)."""
        broken = record_rules.row_problem(self.db, self.ws.catalogue, table, values)
        if broken is not None:
            raise _fail(record_rules.import_refusal(table, i, broken))

    def _write(self, table: str, number: int, values: dict[str, Any], i: int) -> int:
        try:
            new_id = transfer_rows.insert(self.db, table, values)
        except IntegrityError as exc:
            raise _fail(f"{table} række {i} strider mod databasens regler ({_explain(exc)}).") from None
        self.audit.add(number, new_id, new_id if table == "children" else values.get("child_id"))
        return new_id

    def _check(self, table: str, row: Any, i: int, types: dict[str, str], previous: int | None) -> None:
        if not isinstance(row, dict) or set(row) != set(types):
            missing = sorted(set(types) - set(row)) if isinstance(row, dict) else []
            raise _fail(f"{table} række {i} har ikke de rigtige felter"
                        f"{' (mangler ' + ', '.join(missing) + ')' if missing else ''}.")
        if not isinstance(row["id"], int) or isinstance(row["id"], bool):
            raise _fail(f"{table} række {i}: 'id' skal være et heltal.")
        try:
            check_row(table, row, column_types=types, catalogue=self.ws.catalogue, user_ids=self.user_ids)
        except RowProblem as exc:
            raise _fail(f"{table} række {i}: {exc}") from None
        if table == "children":
            _check_child(row, i)
        if previous is not None and row["id"] <= previous:
            raise _fail(f"tabellen {table!r} har to rækker med samme id." if row["id"] == previous else
                        f"{table} række {i}: rækkerne står ikke i stigende id-orden.")
        if table == "users":
            self.user_ids.add(row["id"])

    def _insert(self, table: str, number: int, row: dict[str, Any], i: int) -> None:
        values = dict(row)
        for col, ref in TABLES[number][1].items():
            if values[col] is None:
                continue
            new = self.ids[ref].get(values[col])
            if new is None:
                raise _fail(f"{table} række {i}: feltet {col} henviser til {ref} id {values[col]}, som ikke findes.")
            values[col] = new
        ref = SOURCE_TABLES.get(values.get("source")) if table == "journal_entries" else None
        if ref and values["source_id"] is not None:
            new = self.ids[ref].get(values["source_id"])
            if new is None:
                raise _fail(f"{table} række {i}: feltet source_id henviser til {ref} id {values['source_id']}, "
                            f"som ikke findes.")
            values["source_id"] = new
        if table == "children":
            # Derived from the names: recomputed, so an edited export cannot break the list order.
            values["sort_key"] = name_key(str(values["first_name"]), str(values["last_name"]))
        self._keeps_rules(table, values, i)
        old_id = values.pop("id")
        if table == "users":
            existing = transfer_rows.user_id(self.db, values["username"])
            if existing is not None:  # never changed by a file: not the profile, not the role
                self.ids[table].add(old_id, existing)
                self.proofs.user(row, existing, existed=True)
                return
        if self.fresh and not transfer_rows.id_taken(self.db, table, old_id):
            values["id"] = old_id
        try:
            new_id = transfer_rows.insert(self.db, table, values)
        except IntegrityError as exc:
            raise _fail(f"{table} række {i} strider mod databasens regler ({_explain(exc)}).") from None
        self.ids[table].add(old_id, new_id)
        if table == "users":
            self.proofs.user(row, new_id, existed=False)
        self.proofs.record(table, row, values, new_id, [*TABLES[number][1], "source_id"])
        self.audit.add(number, new_id, new_id if table == "children" else values.get("child_id"))


def _check_child(row: dict[str, Any], i: int) -> None:
    try:
        parsed = cprmod.parse(str(row["cpr"]))
    except ValidationError as exc:
        raise _fail(f"children række {i}: {exc.message}") from None
    if row["birth_date"] != parsed.birth_date.isoformat() or row["sex"] != parsed.sex:
        raise _fail(f"children række {i}: fødselsdato eller køn passer ikke med CPR-nummeret.")


def import_stream(*, ws: Workspace, source: BinaryIO, origin: str = "") -> tuple[dict[str, int], Changes]:
    """Reads an export from `source` and imports it; into a new database rows keep their ids (a lossless round
    trip), into one with data they get new ids.

    The file is untrusted: its header is checked first, then only an administrator imports, every row is
    checked like typed input as it is read, and users are matched by user name without changing an existing
    user (profile or role); a user new to this installation is added without any key, so it cannot unlock.
    Everything happens in one transaction: any bad row, or a file that ends early, and nothing is imported.
    Each imported row gets its own audit row naming the file (`origin`, its name) and the file's SHA-256.
    """
    stream = ExportStream(source)
    try:
        header = stream.header()
    except StreamProblem as exc:
        raise _fail(exc.message) from None
    check_header(header, has_tables=stream.has_tables)
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan importere.")
    db = ws.db
    name = origin.encode("utf-8", "replace").decode("utf-8")[:200]  # a file name, never a record's content
    now = ws.clock()
    # Flat: the nested steps (audit batches, the importer's seals) join the one transaction without savepoints,
    # under which each statement's cost grew with what the import had written (storage/database.py).
    with import_scratch.attached(db), db.transaction(flat=True):
        try:
            importer = _Importer(ws, header)
            for table, rows in stream.tables():
                importer.table(table, rows)
            stream.finish()
            importer.proofs.finish()
        except (StreamProblem, proofs.ProofProblem) as exc:
            raise _fail(exc.message) from None
        source_tag = f"import {name + ' ' if name else ''}sha256:{stream.sha256}"
        for n, batch in enumerate(importer.audit.batches(source_tag)):
            audit.record_many(db, user_id=ws.user.id, action="import", now=now, entries=batch)
            seal.flush(db, at=to_text(now), records=False)  # signed a batch at a time: memory stays flat
            if n == 0:
                # Each flush also walks the outbox's work list (services/signatures/outbox.flush_shared), where the
                # file's shared rows whose author has no key here stay: walked again at every batch, the import took
                # time quadratic in its size (25+ minutes at 10,000 children). The first flush sent all that the
                # importer's key can send and the signers do not change before the commit, so the list is set
                # aside until the last batch is sealed, and is whole again when the commit's flush walks it once.
                transfer_rows.set_aside_pending(db)
        transfer_rows.restore_pending(db)
        audit.record(db, user_id=ws.user.id, action="import", now=now,
                     detail=f"{importer.counts['children']} children; {source_tag}")
        seal.seal_imported(ws)  # vouched for by the importer, counted apart by verify (docs/signatures.md)
    return importer.counts, Changes(children=True, contacts=True, courses=True, sessions=True, journal=True, users=True)


def import_json(*, ws: Workspace, text: str, origin: str = "") -> tuple[dict[str, int], Changes]:
    """`import_stream` of a string (its UTF-8 bytes are what is hashed)."""
    return import_stream(ws=ws, source=io.BytesIO(text.encode("utf-8", "surrogatepass")), origin=origin)


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "UNIQUE" in text and "cpr" in text:
        return "CPR-nummeret findes allerede"
    if "UNIQUE" in text and ".uid" in text:
        return "posten findes allerede her (samme globale id)"
    if "CHECK" in text:
        return "en værdi er uden for det tilladte"
    if "NOT NULL" in text:
        return "et påkrævet felt er tomt"
    return text.split(":")[0]
