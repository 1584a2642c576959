"""The access table: every role x basis x kind gives the answer docs/access.md documents.

The expectations below are written out as the rules read in prose (docs/access.md), not derived from
core/access.py's code, so a change of the table has to be made in both places on purpose."""

from pathlib import Path

import pytest

from behandlerklient.core import access

REGISTER = {"children", "guardians", "gps", "contacts", "consents", "courses", "course_changes", "child_changes",
            "disclosures"}
CLINICAL = {"intakes", "screenings", "sdq_responses", "questionnaire_responses", "sessions", "group_sessions",
            "journal_entries", "coordination_entries", "notifications", "closings", "follow_ups"}
SUPERVISION = {"fidelity_ratings", "reviews", "supervision_meetings"}


def expected(role: str, basis: str, kind: str, mode: str) -> tuple[str, bool]:
    """(read, write) as docs/access.md states them."""
    clinician = role in ("therapist", "supervisor", "admin")
    supervising = role in ("supervisor", "admin")
    if kind == "gps":  # readable by all; written by anyone with some relation to a child
        related = (clinician and basis in ("caseload", "shared", "team")) or (supervising and basis == "supervision") \
            or (role == "coordinator" and basis in ("coordinator", "team"))
        return "yes", related
    if clinician and basis in ("caseload", "shared", "team"):
        return "yes", kind != "supervision_meetings"
    if role == "coordinator" and basis in ("coordinator", "team"):
        return ("yes" if kind in REGISTER else "no"), kind in {"children", "guardians", "contacts", "child_changes",
                                                               "disclosures"}
    if supervising and basis == "supervision":
        if kind in REGISTER or kind in SUPERVISION or kind == "sessions":
            return "yes", kind in SUPERVISION
        return {"always": "yes", "never": "no", "supervised": "supervised"}[mode], False
    return "no", False


@pytest.mark.parametrize("kind", sorted(REGISTER | CLINICAL | SUPERVISION))
@pytest.mark.parametrize("basis", ["caseload", "shared", "supervision", "coordinator", "team", "none"])
@pytest.mark.parametrize("role", ["therapist", "supervisor", "coordinator", "admin"])
def test_every_role_basis_and_kind_gives_the_documented_answer(role, basis, kind) -> None:
    for mode in ("supervised", "always", "never"):
        settings = {"supervisor_sees_clinical_text": mode}
        read, write = expected(role, basis, kind, mode)
        assert access.read_rule(role, basis, kind, settings) == read, mode
        assert access.may_write(role, basis, kind) is write
        assert access.may_read(role, basis, kind, settings, in_supervision=True) is (read != "no")
        assert access.may_read(role, basis, kind, settings, in_supervision=False) is (read == "yes")


def test_the_table_classifies_every_kind_once_and_knows_the_four_roles() -> None:
    assert set(access.REGISTER) == REGISTER and set(access.CLINICAL) == CLINICAL
    assert set(access.SUPERVISION) == SUPERVISION
    assert not (REGISTER & CLINICAL or REGISTER & SUPERVISION or CLINICAL & SUPERVISION)
    assert access.ROLES == ("therapist", "supervisor", "coordinator", "admin")
    rows = list(access.rows(bases=access.SERVER_BASES))
    assert len(rows) == 4 * 5 * len(access.KINDS) and all(r.basis != "team" for r in rows)


def test_a_coordinator_never_reads_clinical_text_whatever_the_basis_or_setting() -> None:
    for basis in access.BASES:
        for kind in CLINICAL:
            for mode in access.CLINICAL_TEXT_MODES:
                assert not access.may_read("coordinator", basis, kind, {"supervisor_sees_clinical_text": mode},
                                           in_supervision=True)


def test_the_clinical_text_setting_is_the_supervisors_policy_switch() -> None:
    assert access.clinical_text_visible("always", in_supervision=False)
    assert not access.clinical_text_visible("never", in_supervision=True)
    assert access.clinical_text_visible("supervised", in_supervision=True)
    assert not access.clinical_text_visible("supervised", in_supervision=False)


def test_unknown_names_are_bugs_not_answers() -> None:
    with pytest.raises(ValueError):
        access.may_read("nurse", "caseload", "sessions")
    with pytest.raises(ValueError):
        access.may_write("therapist", "caseload", "letters_to_santa")


def test_best_basis_prefers_the_caseload() -> None:
    assert access.best_basis({"team", "supervision", "caseload"}) == "caseload"
    assert access.best_basis(set()) == "none"


def test_docs_access_md_holds_the_table_as_the_code_has_it() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "access.md").read_text(encoding="utf-8")
    assert access.markdown_table() in doc
