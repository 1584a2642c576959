"""GLN (EAN) and SOR numbers as HL7 Denmark's dk-core 3.4.0 states them (invariants gln-length, gln-modulus-10,
min-digits-sor)."""

import pytest

from behandlerklient.core import identifiers as ids


@pytest.mark.parametrize("gln", ["5790000121526", "5790001382445", "5798002472264", "5790000209354", "5790001348120"])
def test_medcoms_published_glns_pass(gln) -> None:
    assert ids.gln_problem(gln) is None


@pytest.mark.parametrize(("gln", "named"), [("5790001234567", "kontrolciffer"), ("579000123456", "13 cifre"),
                                            ("57900012345670", "13 cifre"), ("579000123456A", "13 cifre"),
                                            ("５７９０００１２３４５６０", "13 cifre")])
def test_a_wrong_gln_is_named(gln, named) -> None:
    assert named in ids.gln_problem(gln)


def test_every_single_digit_change_breaks_the_check_digit() -> None:
    good = "5790001234560"
    for i in range(13):
        for d in "0123456789":
            changed = good[:i] + d + good[i + 1:]
            assert (ids.gln_problem(changed) is None) == (changed == good)


@pytest.mark.parametrize(("sor", "ok"), [("12345678901", True), ("953741000016009", True), ("1234567890", False),
                                         ("12345 678901", False), ("", False)])
def test_sor_is_at_least_eleven_digits(sor, ok) -> None:
    assert (ids.sor_problem(sor) is None) == ok


def test_number_problems_skips_empty_and_names_who() -> None:
    assert ids.number_problems(sor="", ean="", who="Egen læge") == []
    assert ids.number_problems(sor="123", ean="5790001234567", who="Egen læge") == [
        "Egen læge: SOR-id'et '123' skal være mindst 11 cifre (kun cifre).",
        "Egen læge: EAN-nummeret (GLN) 5790001234567 har et forkert kontrolciffer (GS1 modulus 10); kontrollér "
        "nummeret i SOR eller hos GS1."]
