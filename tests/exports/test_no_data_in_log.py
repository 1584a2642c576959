"""What the user typed never reaches the plaintext log, even when a bug or a bad template makes the program
fail on it: a name and CPR number placed in a date field, a letter template that nests a placeholder in
another's format spec. The CLI runs as a real process so its log file is the one written."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from behandlerklient import paths
from behandlerklient.core.errors import InvalidInput
from behandlerklient.exports import gp_letter
from behandlerklient.services.documents import letters
from behandlerklient.services.pathway import pathway
from tests.conftest import PASSPHRASE

NAME, CPR = "Åse Ærenlund", "010316-4006"  # the synthetic child of tests/exports/conftest.py


def _cli(*args: str, log_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BEHANDLERKLIENT_PASSPHRASE": PASSPHRASE, "BEHANDLERKLIENT_LOG_DIR": str(log_dir)}
    return subprocess.run([sys.executable, "-m", "behandlerklient", *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


def _log_text(log_dir: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in log_dir.glob("behandlerklient.log*"))


def _assert_clean(text: str) -> None:
    for needle in (NAME, "Ærenlund", CPR, CPR.replace("-", ""), "010316"):
        assert needle not in text, needle


@pytest.mark.slow
def test_a_name_and_cpr_in_a_date_field_do_not_reach_the_log(ws, pathway_child, tmp_path) -> None:
    child, _course = pathway_child
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 1, 5), made_by="parent",
                                        way="gp", concern="Uro")
    # What an unchecked imported field can hold: the program later fails to read it as a date.
    ws.db.execute("UPDATE contacts SET contact_date = ? WHERE id = ?", (f"{NAME} {CPR}", contact_id))
    ws.close()
    log_dir = tmp_path / "log"
    done = _cli("export", "journal", "--db", str(ws.path), "--child", str(child.id), "--out",
                str(tmp_path / "journal.pdf"), log_dir=log_dir)
    assert done.returncode == 1 and "intern fejl (ValueError)" in done.stderr
    log = _log_text(log_dir)
    assert "ValueError" in log and ".py:" in log  # the crash report is there: type and file:line
    _assert_clean(log + done.stderr)


def _template(body: str) -> None:
    folder = paths.config_dir() / "breve"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orientering.toml").write_text(f'title = "Orientering"\nbody = """\n{body}\n"""\n', encoding="utf-8")


@pytest.mark.slow
def test_a_template_nesting_a_placeholder_puts_no_data_in_the_log(ws, pathway_child, tmp_path) -> None:
    _child, course = pathway_child
    _template("Kære læge. {barn_navn} er {udfald:{barn_navn}}.")
    ws.close()
    log_dir = tmp_path / "log"
    done = _cli("export", "gp-letter", "--db", str(ws.path), "--course", str(course.id), "--kind", "start", "--out",
                str(tmp_path / "brev.pdf"), log_dir=log_dir)
    assert done.returncode == 4 and "{udfald" in done.stderr, done.stderr
    _assert_clean(_log_text(log_dir) + done.stderr)
    assert not (tmp_path / "brev.pdf").exists()


@pytest.mark.parametrize("placeholder", ["{udfald:{barn_navn}}", "{barn_navn:>60}", "{barn_cpr:.6}", "{barn_navn!r}",
                                         "{barn_navn:{barn_cpr}}", "{dato:%Y}"])
def test_templates_allow_only_plain_placeholders(ws, pathway_child, placeholder) -> None:
    _child, course = pathway_child
    _template(f"Kære læge. Vedr. {placeholder}.")
    name = placeholder[1:].split(":")[0].split("!")[0].rstrip("}")
    with pytest.raises(InvalidInput, match="kun pladsholdere som") as caught:
        letters.preview(ws=ws, course_id=course.id, kind="start")
    assert "{" + name in caught.value.message and "orientering.toml" in caught.value.message
    _assert_clean(caught.value.message)


def test_plain_placeholders_still_fill(ws, pathway_child) -> None:
    _child, course = pathway_child
    _template("Kære læge. {barn_navn} ({barn_cpr}) er {udfald}. {{klammer}} bliver stående.")
    text = letters.prepare(ws=ws, course_id=course.id, kind="start").letter.text
    assert text.startswith(f"Kære læge. {NAME} ({CPR}) er tilbudt et forløb") and "{klammer}" in text


def test_a_template_file_over_64_kib_is_refused(tmp_path) -> None:
    _template("Kære læge. " + "x" * (64 * 1024))
    with pytest.raises(InvalidInput, match="for stor"):
        gp_letter.load_template("start", letters.letter_folders())
