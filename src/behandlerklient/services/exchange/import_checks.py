"""An import file's rows checked like typed input, before any is written: types, dates, ranges, the closed
vocabularies (core/vocab.py), known tracks (the manuals catalogue), string lengths, and what can be
checked of a signature today. Messages name the table, the row and the field, never a value."""

from __future__ import annotations

import functools
from collections.abc import Container
from datetime import date, datetime
from typing import Any

from behandlerklient.core import vocab
from behandlerklient.core.manuals import Catalogue

SHORT_TEXT = 200  # names, titles, phone numbers, codes
LONG_TEXT = 50_000  # free text: notes, summaries, a journal entry's body
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

SHORT_COLUMNS = {"username", "full_name", "role", "title", "phone", "first_name", "last_name", "sort_key", "cpr",
                 "sex", "home_municipality", "treating_municipality", "name", "relation", "email", "clinic_name",
                 "doctor_name", "address", "postcode", "city", "sor", "ean", "made_by", "way", "channel", "kind",
                 "party", "given_by", "track_id", "outcome_track_id", "status", "format", "participants", "state",
                 "attendance", "informant", "phase", "questionnaire_id", "partner", "effect",
                 "risk_level", "outcome", "rater_kind", "item_key", "adherence", "reason", "author_role", "source",
                 "old_value", "new_value"}
# Long free-text columns that happen to share a short column's name in one table.
LONG_IN = {("course_changes", "reason"), ("course_changes", "old_value"), ("course_changes", "new_value"),
           ("sessions", "status"), ("group_sessions", "status")}

VOCABULARIES: dict[tuple[str, str], dict[str, str]] = {
    ("users", "role"): vocab.ROLES,
    ("children", "sex"): vocab.SEX,
    ("guardians", "relation"): vocab.GUARDIAN_RELATION,
    ("contacts", "made_by"): vocab.CONTACT_MADE_BY,
    ("contacts", "way"): vocab.CONTACT_WAY,
    ("contacts", "channel"): vocab.CONTACT_CHANNEL,
    ("intakes", "channel"): vocab.CONTACT_CHANNEL,
    ("follow_ups", "channel"): vocab.CONTACT_CHANNEL,
    ("courses", "status"): vocab.COURSE_STATUS,
    ("courses", "format"): vocab.SESSION_FORMAT,
    ("sessions", "format"): vocab.SESSION_FORMAT,
    ("sessions", "participants"): vocab.PARTICIPANTS,
    ("sessions", "state"): vocab.SESSION_STATE,
    ("sessions", "attendance"): vocab.ATTENDANCE,
}
TRACK_COLUMNS = {("courses", "track_id"), ("screenings", "outcome_track_id"), ("group_sessions", "track_id")}
BOOLEAN_COLUMNS = {"has_custody", "consent_to_share", "consent_obtain", "self_harm_asked", "exception_17_2",
                   "relapse", "more_needed"}
RANGES = {"duration_min": (0, 600), "number": (1, 1000), "planned_sessions": (1, 1000), "talk_number": (1, 2),
          "decision_group": (1, 4), "competence": (0, 6), "score": (0, 1000)}
# Who signed a signed record (the column holding the author).
AUTHOR_COLUMN = {"contacts": "created_by"}


def is_date_column(col: str) -> bool:
    return col.endswith(("_date", "_on"))


def is_time_column(col: str) -> bool:
    return col.endswith("_at") or col == "event_time"


class RowProblem(ValueError):
    """What is wrong with one field, in Danish; the caller adds table and row."""


@functools.lru_cache(maxsize=1024)
def _text_rule(table: str, col: str) -> tuple[int, bool, bool]:
    """(length limit, a date?, a time?) of a text column: a sync page checks ~100,000 values of a few columns."""
    limit = SHORT_TEXT if col in SHORT_COLUMNS and (table, col) not in LONG_IN else LONG_TEXT
    is_date = is_date_column(col) or col == "birth_date"
    return limit, is_date, not is_date and is_time_column(col)


def _check_text(table: str, col: str, val: str) -> None:
    if not val.isascii():  # ASCII text holds no lone surrogate
        try:
            val.encode("utf-8")
        except UnicodeEncodeError:
            raise RowProblem(f"feltet {col!r} indeholder ugyldige tegn (et enligt surrogattegn).") from None
    if "\x00" in val:
        raise RowProblem(f"feltet {col!r} indeholder et nultegn.")
    limit, is_date, is_time = _text_rule(table, col)
    if len(val) > limit:
        raise RowProblem(f"feltet {col!r} er for langt (over {limit} tegn).")
    if is_date:
        try:
            day = date.fromisoformat(val)
        except ValueError:
            raise RowProblem(f"feltet {col!r} er ikke en dato (ÅÅÅÅ-MM-DD).") from None
        if not EARLIEST <= day <= LATEST or len(val) != 10:
            raise RowProblem(f"feltet {col!r} har en dato uden for {EARLIEST.year}-{LATEST.year}.")
    elif is_time:
        try:
            moment = datetime.fromisoformat(val)
        except ValueError:
            raise RowProblem(f"feltet {col!r} er ikke et tidspunkt (ISO 8601).") from None
        if not EARLIEST.year <= moment.year <= LATEST.year:
            raise RowProblem(f"feltet {col!r} har et tidspunkt uden for {EARLIEST.year}-{LATEST.year}.")


def check_row(table: str, row: dict[str, Any], *, column_types: dict[str, str], catalogue: Catalogue,
              user_ids: set[int]) -> None:
    """Raises RowProblem for the first field that typed input would have refused."""
    check_values(table, row, column_types=column_types, tracks=catalogue.tracks)
    if row.get("signed_at") is not None:
        check_signature(table, row, user_ids=user_ids)


def check_values(table: str, row: dict[str, Any], *, column_types: dict[str, str], tracks: Container[str]) -> None:
    """check_row's checks of each field by itself (not the signature's author, which needs the file's users): a
    large pull page's rows are checked so in the sync's check process (services/exchange/pulled_rows.py)."""
    for col, val in row.items():
        if val is None:
            continue
        kind = column_types.get(col, "")
        if isinstance(val, bool) or isinstance(val, float) or not isinstance(val, (str, int)):
            raise RowProblem(f"feltet {col!r} har en ugyldig værdi.")
        if kind == "INTEGER" and not isinstance(val, int):
            raise RowProblem(f"feltet {col!r} skal være et heltal.")
        if kind == "TEXT" and not isinstance(val, str):
            raise RowProblem(f"feltet {col!r} skal være tekst.")
        if isinstance(val, int):
            if not -(2**63) <= val < 2**63:  # found by the fuzz run
                raise RowProblem(f"feltet {col!r} har et tal, der er for stort.")
            if col in BOOLEAN_COLUMNS and val not in (0, 1):
                raise RowProblem(f"feltet {col!r} skal være 0 eller 1.")
            if col in RANGES and not RANGES[col][0] <= val <= RANGES[col][1]:
                raise RowProblem(f"feltet {col!r} skal være mellem {RANGES[col][0]} og {RANGES[col][1]}.")
            continue
        _check_text(table, col, val)
        known = VOCABULARIES.get((table, col))
        if known is not None and val not in known:
            raise RowProblem(f"feltet {col!r} har en ukendt værdi (kendte: {', '.join(k for k in known if k)}).")
        if (table, col) in TRACK_COLUMNS and val and val not in tracks:
            raise RowProblem(f"feltet {col!r} henviser til et forløbsspor, som ikke findes i manualerne.")


def check_signature(table: str, row: dict[str, Any], *, user_ids: set[int]) -> None:
    """A signed record in the file. There are no cryptographic signatures yet, so this checks what can be
    checked: a valid signing time and an author who is one of the file's users. When records carry Ed25519
    signatures, their verification against the author's registered public key goes here, and a record
    whose signature does not verify is refused like any other bad row."""
    author_col = AUTHOR_COLUMN.get(table, "author_id")
    author = row.get(author_col)
    if author is None or author not in user_ids:
        raise RowProblem(f"er underskrevet, men underskriveren ({author_col}) er ikke en bruger i filen.")
    if table == "sessions" and row.get("state") != "signed":
        raise RowProblem("har et underskriftstidspunkt, men er ikke markeret som underskrevet.")
