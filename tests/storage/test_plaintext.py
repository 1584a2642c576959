"""Nothing of a child's record is readable in the files on disk: database, WAL, SHM, key file."""

from datetime import date
from pathlib import Path

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

NAME = "Zacharias"
SURNAME = "Quistgaard"
CPR = "2403144321"
NOTE = "Hemmelig øvelse med edderkopper"


def _needles() -> list[bytes]:
    out = []
    for text in (NAME, SURNAME, CPR, "240314-4321", NOTE):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def _files(db_path: Path) -> list[Path]:
    return [p for p in db_path.parent.iterdir() if p.is_file()]


def _scan(db_path: Path) -> list[str]:
    hits = []
    for p in _files(db_path):
        data = p.read_bytes()
        hits += [f"{p.name}: {n!r}" for n in _needles() if n in data]
    return hits


def test_no_plaintext_in_database_wal_or_keyfile(ws, db_path: Path) -> None:
    child = child_with_consent(ws, NAME, SURNAME, CPR)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 2, 2)).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 2, 9))
    s.parts.exercise = NOTE
    sessions.save_draft(ws=ws, session=s)
    sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    # While open, the WAL holds the newest pages: it must be encrypted too.
    assert any(p.name.endswith("-wal") for p in _files(db_path))
    assert _scan(db_path) == []
    ws.close()
    assert _scan(db_path) == []
