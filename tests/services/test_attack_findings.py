"""Defects found by an independent attack on issues 11 and 12, as tests (xfail where still open)."""

import stat

import pytest

from behandlerklient.core import passphrase
from behandlerklient.services.workspace import backup


def test_a_backup_archive_is_created_readable_by_its_owner_only(ws, tmp_path) -> None:
    out = backup.backup(ws=ws, out=tmp_path / "b.zip")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("weak", ["Tina-Terapeut-1", "Anna-Aaberg-1"])
def test_the_users_full_name_with_separators_is_guessable(weak) -> None:
    names = ["t1", "Tina Terapeut"] if weak.startswith("Tina") else ["anna", "Anna Aaberg"]
    assert passphrase.strength(weak, names).score < passphrase.MIN_SCORE


def test_documents_and_the_recovery_sheet_are_created_readable_by_their_owner_only(tmp_path) -> None:
    import os

    from behandlerklient.exports.pdf_base import write_file

    old = os.umask(0o022)
    try:
        for name in ("gendannelse.pdf", "journal.pdf"):
            write_file(b"%PDF-1.4 syntetisk", tmp_path / name)
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    finally:
        os.umask(old)
