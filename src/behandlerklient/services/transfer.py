"""The whole database as documented JSON (docs/export-format.md), and back in one all-or-nothing transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from behandlerklient import __version__
from behandlerklient.core import cpr as cprmod
from behandlerklient.core.errors import InvalidInput, RuleRefused, ValidationError
from behandlerklient.core.sorting import name_key
from behandlerklient.services import anchor, audit, seal
from behandlerklient.services.changes import Changes
from behandlerklient.services.import_checks import RowProblem, check_row
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database, IntegrityError
from behandlerklient.storage.migrate import latest_version

FORMAT = "behandlerklient-export"
FORMAT_VERSION = 1

# Tables in the order they can be inserted, with the foreign-key columns of each (column -> table).
TABLES: tuple[tuple[str, dict[str, str]], ...] = (
    ("users", {}),
    ("gps", {}),
    ("children", {"gp_id": "gps", "created_by": "users"}),
    ("guardians", {"child_id": "children"}),
    ("child_changes", {"child_id": "children", "guardian_id": "guardians", "changed_by": "users"}),
    ("contacts", {"child_id": "children", "created_by": "users"}),
    ("intakes", {"contact_id": "contacts", "child_id": "children", "author_id": "users"}),
    ("screenings", {"contact_id": "contacts", "child_id": "children", "author_id": "users"}),
    ("consents", {"child_id": "children", "guardian_id": "guardians", "withdraws_id": "consents",
                  "author_id": "users"}),
    ("courses", {"child_id": "children", "created_by": "users", "contact_id": "contacts"}),
    ("course_changes", {"course_id": "courses", "author_id": "users"}),
    ("sdq_responses", {"child_id": "children", "screening_id": "screenings", "course_id": "courses",
                       "author_id": "users"}),
    ("questionnaire_responses", {"child_id": "children", "screening_id": "screenings", "author_id": "users"}),
    ("group_sessions", {"author_id": "users"}),
    ("sessions", {"course_id": "courses", "author_id": "users", "group_session_id": "group_sessions"}),
    ("coordination_entries", {"child_id": "children", "course_id": "courses", "author_id": "users"}),
    ("notifications", {"child_id": "children", "course_id": "courses", "author_id": "users"}),
    ("closings", {"course_id": "courses", "child_id": "children", "author_id": "users"}),
    ("follow_ups", {"course_id": "courses", "child_id": "children", "author_id": "users"}),
    ("journal_entries", {"child_id": "children", "course_id": "courses", "session_id": "sessions",
                         "author_id": "users", "supersedes_id": "journal_entries"}),
    ("fidelity_ratings", {"session_id": "sessions", "rater_id": "users"}),
    ("reviews", {"session_id": "sessions", "requested_by": "users", "supervisor_id": "users"}),
    ("supervision_meetings", {"supervisor_id": "users"}),
    ("supervision_meeting_courses", {"meeting_id": "supervision_meetings", "course_id": "courses"}),
)
# A journal entry's source_id points into the table its source names (one column, several tables).
SOURCE_TABLES = {"contact": "contacts", "intake": "intakes", "screening": "screenings", "consent": "consents",
                 "coordination": "coordination_entries", "notification": "notifications", "closing": "closings",
                 "follow_up": "follow_ups", "session": "sessions", "group_session": "group_sessions"}
# The audit log is not exported: it records this installation's own history. An import is itself audited.


def _columns(db: Database, table: str) -> list[str]:
    return [r[1] for r in db.query(f"PRAGMA table_info({table})")]


def _column_types(db: Database, table: str) -> dict[str, str]:
    return {r[1]: str(r[2]).upper() for r in db.query(f"PRAGMA table_info({table})")}


def export_data(*, ws: Workspace) -> dict[str, Any]:
    db = ws.db
    tables = {}
    for table, _fks in TABLES:
        cols = _columns(db, table)
        tables[table] = [dict(zip(cols, r)) for r in db.query(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": db.user_version,
            "app_version": __version__, "exported_at": to_text(ws.clock()), anchor.FIELD: anchor.head(db),
            "tables": tables}


def export_json(*, ws: Workspace) -> str:
    text = json.dumps(export_data(ws=ws), ensure_ascii=False, indent=1, sort_keys=False)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj="export-json",
                     detail="whole database")
    return text


def _fail(message: str) -> InvalidInput:
    return InvalidInput(f"Importfilen kan ikke bruges: {message} Intet er importeret.")


def parse_export(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _fail(f"den er ikke gyldig JSON ({getattr(exc, 'msg', 'for dyb')}, "
                    f"linje {getattr(exc, 'lineno', '?')}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _fail("den er ikke en Behandlerklient-eksport (feltet 'format' mangler eller er forkert).")
    if data.get("format_version") != FORMAT_VERSION:
        raise _fail(f"formatversion {data.get('format_version')!r} understøttes ikke (kun {FORMAT_VERSION}).")
    if data.get("schema_version") != latest_version():
        raise _fail(f"den er lavet med skema {data.get('schema_version')!r}; denne version bruger "
                    f"{latest_version()}.")
    if not isinstance(data.get("tables"), dict):
        raise _fail("feltet 'tables' mangler.")
    return data


def _check_rows(ws: Workspace, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    db = ws.db
    known = {t for t, _ in TABLES}
    extra = set(data["tables"]) - known
    if extra:
        raise _fail(f"ukendt tabel {sorted(extra)[0]!r}.")
    out: dict[str, list[dict[str, Any]]] = {}
    user_ids: set[int] = set()
    for table, _fks in TABLES:
        rows = data["tables"].get(table, [])
        if not isinstance(rows, list):
            raise _fail(f"tabellen {table!r} er ikke en liste.")
        types = _column_types(db, table)
        cols = set(types)
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or set(row) != cols:
                missing = sorted(cols - set(row)) if isinstance(row, dict) else []
                raise _fail(f"{table} række {i} har ikke de rigtige felter"
                            f"{' (mangler ' + ', '.join(missing) + ')' if missing else ''}.")
            if not isinstance(row["id"], int) or isinstance(row["id"], bool):
                raise _fail(f"{table} række {i}: 'id' skal være et heltal.")
            try:
                check_row(table, row, column_types=types, catalogue=ws.catalogue, user_ids=user_ids)
            except RowProblem as exc:
                raise _fail(f"{table} række {i}: {exc}") from None
            if table == "children":
                _check_child(row, i)
            if table == "users":
                user_ids.add(row["id"])
        if len({r["id"] for r in rows}) != len(rows):
            raise _fail(f"tabellen {table!r} har to rækker med samme id.")
        out[table] = sorted(rows, key=lambda r: r["id"])
    return out


def _check_child(row: dict[str, Any], i: int) -> None:
    try:
        parsed = cprmod.parse(str(row["cpr"]))
    except ValidationError as exc:
        raise _fail(f"children række {i}: {exc.message}") from None
    if row["birth_date"] != parsed.birth_date.isoformat() or row["sex"] != parsed.sex:
        raise _fail(f"children række {i}: fødselsdato eller køn passer ikke med CPR-nummeret.")


def _target_is_fresh(db: Database) -> bool:
    return all(db.scalar(f"SELECT count(*) FROM {t}") == 0 for t, _ in TABLES if t != "users")


def import_json(*, ws: Workspace, text: str, origin: str = "") -> tuple[dict[str, int], Changes]:
    """Into a new database rows keep their ids (a lossless round trip); into one with data they get new ids.

    The file is untrusted: only an administrator imports, every row is checked like typed input first, and
    users are matched by user name without changing an existing user (profile or role); a user new to this
    installation is added without any key, so it cannot unlock. Everything happens in one transaction:
    any bad row and nothing is imported. Each imported row gets its own audit row naming the file
    (`origin`, its name) and the file's SHA-256.
    """
    data = parse_export(text)
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan importere.")
    db = ws.db
    rows_by_table = _check_rows(ws, data)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    name = origin.encode("utf-8", "replace").decode("utf-8")[:200]  # a file name, never a record's content
    source = f"import {name + ' ' if name else ''}sha256:{digest}"
    now = ws.clock()
    fresh = _target_is_fresh(db)
    id_map: dict[str, dict[int, int]] = {t: {} for t, _ in TABLES}
    counts: dict[str, int] = {}
    imported: list[tuple[int | None, str, str]] = []  # one audit row each: (child, object, origin)
    with db.transaction():
        for table, fks in TABLES:
            for i, row in enumerate(rows_by_table[table], start=1):
                values = dict(row)
                for col, ref in fks.items():
                    old = values[col]
                    if old is None:
                        continue
                    if old not in id_map[ref]:
                        raise _fail(f"{table} række {i}: feltet {col} henviser til {ref} id {old}, som ikke findes.")
                    values[col] = id_map[ref][old]
                ref = SOURCE_TABLES.get(values.get("source")) if table == "journal_entries" else None
                if ref and values["source_id"] is not None:
                    if values["source_id"] not in id_map[ref]:
                        raise _fail(f"{table} række {i}: feltet source_id henviser til {ref} id "
                                    f"{values['source_id']}, som ikke findes.")
                    values["source_id"] = id_map[ref][values["source_id"]]
                if table == "children":
                    # Derived from the names: recomputed, so an edited export cannot break the list order.
                    values["sort_key"] = name_key(str(values["first_name"]), str(values["last_name"]))
                old_id = values.pop("id")
                if table == "users":
                    existing = db.scalar("SELECT id FROM users WHERE username = ?", (values["username"],))
                    if existing is not None:  # never changed by a file: not the profile, not the role
                        id_map[table][old_id] = existing
                        continue
                if fresh and not db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (old_id,)):
                    values["id"] = old_id
                try:
                    new_id = db.insert(table, values)
                except IntegrityError as exc:
                    raise _fail(f"{table} række {i} strider mod databasens regler ({_explain(exc)}).") from None
                id_map[table][old_id] = new_id
                imported.append((new_id if table == "children" else values.get("child_id"), f"{table}:{new_id}",
                                 source))
            counts[table] = len(rows_by_table[table])
        audit.record_many(db, user_id=ws.user.id, action="import", now=now, entries=imported)
        audit.record(db, user_id=ws.user.id, action="import", now=now,
                     detail=f"{counts.get('children', 0)} children; {source}")
        seal.seal_imported(ws)  # vouched for by the importer, counted apart by verify (docs/signatures.md)
    return counts, Changes(children=True, contacts=True, courses=True, sessions=True, journal=True, users=True)


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "UNIQUE" in text and "cpr" in text:
        return "CPR-nummeret findes allerede"
    if "CHECK" in text:
        return "en værdi er uden for det tilladte"
    if "NOT NULL" in text:
        return "et påkrævet felt er tomt"
    return text.split(":")[0]
