"""The master data diff: one readable change per field; what an edit must satisfy."""

from dataclasses import replace

from behandlerklient.core import master_data as md
from behandlerklient.core.models import Child, GeneralPractitioner, Guardian

OLD = Child(1, "Åse", "Ærenlund", "0103164006", "Ærø Kommune", "Ærø Kommune",
            GeneralPractitioner(3, "Lægehuset", sor="123"), [Guardian(7, "Mette", "mother", True)], "Vej 1", "Skolen")


def test_diff_names_each_changed_field_with_readable_old_and_new_values() -> None:
    new = replace(OLD, school="Ny skole", gp=replace(OLD.gp, id=None, ean="579"),
                  guardians=[replace(OLD.guardians[0], has_custody=False, relation="other"),
                             Guardian(None, "Bo", "father", True, "12")])
    changes = md.diff(OLD, new)
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [
        ("school", "Skolen", "Ny skole"), ("gp", "Lægehuset, SOR 123", "Lægehuset, SOR 123, EAN 579"),
        ("guardian.relation", "mor", "anden"), ("guardian.has_custody", "ja", "nej"),
        ("guardian.added", "", "Bo (far, forældremyndighed: ja), tlf. 12")]
    assert [c.guardian_index for c in changes] == [None, None, 0, 0, 1]
    assert changes[3].label == "Forældremyndighed"
    assert md.diff(OLD, replace(OLD, gp=replace(OLD.gp, id=99))) == []  # the same details are the same GP


def test_problems_cpr_reason_names_and_no_deleted_parent() -> None:
    assert md.problems(OLD, OLD, "") == []
    assert "begrundelse" in md.problems(OLD, replace(OLD, cpr="0506124322"), "")[0]
    assert md.problems(OLD, replace(OLD, cpr="0506124322"), "Tastefejl") == []
    assert "Fornavn mangler." in md.problems(OLD, replace(OLD, first_name=""), "")
    assert "kan ikke slettes" in md.problems(OLD, replace(OLD, guardians=[]), "")[0]


def test_tidy_strips_spaces_and_drops_an_empty_gp() -> None:
    messy = replace(OLD, school=" Skolen ", gp=GeneralPractitioner(None, " "))
    assert md.tidy(messy).school == "Skolen" and md.tidy(messy).gp is None
