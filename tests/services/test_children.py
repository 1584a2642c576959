from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services.registration import children


def _add(ws, first, last, cpr, **kw):
    return children.register_child(ws=ws, first_name=first, last_name=last, cpr=cpr, **kw)


def test_register_derives_birth_date_and_sex(ws) -> None:
    gp = GeneralPractitioner(None, "Lægehuset Ærø", "Jens Ølgaard", phone="62 52 11 11")
    reg = _add(ws, "Åse", "Ærenlund", "010316-4006", gp=gp,
               guardians=[Guardian(None, "Mette Ærenlund", "mother", True), Guardian(None, "Bo Hansen", "father", False)])
    child = children.overview(ws=ws, child_id=reg.child.id, on=date(2026, 11, 23)).child
    assert child.birth_date == date(2016, 3, 1) and child.sex == "F"
    assert child.gp.clinic_name == "Lægehuset Ærø"
    assert [(g.name, g.has_custody) for g in child.guardians] == [("Mette Ærenlund", True), ("Bo Hansen", False)]


def test_mod11_failure_registers_with_a_warning(ws) -> None:
    reg = _add(ws, "Bo", "Berg", "070315-4321")
    assert reg.child.id and reg.warnings and "modulus 11" in reg.warnings[0]


@pytest.mark.parametrize(("cpr", "fragment"), [("310215-4321", "findes ikke"), ("12", "DDMMÅÅ-LLLL")])
def test_malformed_cpr_is_refused_and_nothing_saved(ws, cpr, fragment) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        _add(ws, "Bo", "Berg", cpr)
    assert children.count(ws=ws) == 0


def test_duplicate_cpr_is_refused_with_masked_number(ws) -> None:
    _add(ws, "Bo", "Berg", "070315-4321")
    with pytest.raises(InvalidInput) as info:
        _add(ws, "Bo", "Berg", "0703154321")
    assert "070315-xxxx" in info.value.message and "4321" not in info.value.message


def test_search_by_name_prefix_cpr_prefix_and_danish_letters(ws) -> None:
    a = _add(ws, "Søren", "Ærø", "120315-4321").child.id
    b = _add(ws, "Sofie", "Aagaard", "050612-4322").child.id
    c = _add(ws, "Åge", "Sørensen", "050612-4331").child.id
    ids = lambda text: [r.id for r in children.search(ws=ws, text=text)]  # noqa: E731
    assert ids("sø") == [c, a]            # word prefixes of first and last names; Danish order: S < Æ
    assert ids("SØREN ÆR") == [a]         # every word must match; case folded for æøå
    assert ids("å") == [c]                # å is not folded to a
    assert ids("0506") == [b, c]          # CPR prefix
    assert ids("050612-43") == [b, c]     # hyphen typed
    assert ids("050612-4322") == [b]
    assert ids("xyz") == []
    assert ids('"') == [b, c, a]          # no searchable characters: the whole list, Aagaard < Sørensen < Ærø


def test_page_lists_everyone_sorted(ws) -> None:
    for i, last in enumerate(("Østergaard", "Andersen", "Madsen")):
        _add(ws, "Barn", last, f"0106{10 + i}-4{i}22")
    names = [r.last_name for r in children.page(ws=ws, offset=0, limit=10)]
    assert names == ["Andersen", "Madsen", "Østergaard"]
    assert len(children.page(ws=ws, offset=2, limit=10)) == 1


def test_hyphenated_names_are_found_by_either_part(ws) -> None:
    a = _add(ws, "Anne-Sofie", "Holm", "120315-4321").child.id
    ids = lambda text: [r.id for r in children.search(ws=ws, text=text)]  # noqa: E731
    assert ids("sofie") == ids("anne-so") == ids("holm anne") == [a]


def test_search_pages_through_many_matches_in_list_order(ws) -> None:
    for i in range(25):
        _add(ws, f"Ann{chr(97 + i)}", f"Berg{25 - i:02d}", f"0103{10 + i % 7:02d}-4{i:03d}")
    everyone = [r.id for r in children.page(ws=ws, offset=0, limit=100)]
    pages = [[r.id for r in children.search(ws=ws, text="ann", offset=o, limit=10)] for o in (0, 10, 20)]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert pages[0] + pages[1] + pages[2] == everyone
    assert [r.id for r in children.search(ws=ws, text="berg0 ann", limit=100)] == everyone[:9]
