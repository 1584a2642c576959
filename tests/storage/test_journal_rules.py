"""The database itself refuses to change or delete what has been signed."""

from datetime import date

import pytest

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.storage.database import IntegrityError
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent


@pytest.fixture
def signed(ws):
    child = child_with_consent(ws, "Ida", "Østergaard", "150314-4322")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 1, 5)).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    entry, _ = sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    return s, entry


@pytest.mark.parametrize("sql", [
    "UPDATE journal_entries SET body = 'ændret' WHERE id = ?",
    "DELETE FROM journal_entries WHERE id = ?",
])
def test_signed_journal_entry_cannot_be_changed_by_sql(ws, signed, sql) -> None:
    _s, entry = signed
    with pytest.raises(IntegrityError, match="signed journal entry"):
        ws.db.execute(sql, (entry.id,))
    assert ws.db.scalar("SELECT body FROM journal_entries WHERE id = ?", (entry.id,)) == entry.body


@pytest.mark.parametrize("sql", [
    "UPDATE sessions SET exercise = 'ændret' WHERE id = ?",
    "DELETE FROM sessions WHERE id = ?",
])
def test_signed_session_cannot_be_changed_by_sql(ws, signed, sql) -> None:
    s, _entry = signed
    with pytest.raises(IntegrityError, match="signed session"):
        ws.db.execute(sql, (s.id,))


def test_foreign_keys_are_enforced(ws) -> None:
    with pytest.raises(IntegrityError):
        ws.db.execute("INSERT INTO guardians (child_id, name, uid, origin_device) "
                      "VALUES (999, 'X', uuid7(), (SELECT device_uid FROM device))")
