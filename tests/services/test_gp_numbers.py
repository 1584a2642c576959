"""SOR and GLN numbers are checked where they are entered: a GP on registration and in master data, the
municipality's afsender.toml when it is read; the shipped example and the demo data use valid ones."""

import tomllib
from dataclasses import replace

import pytest

from behandlerklient import paths
from behandlerklient.core import identifiers
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import GeneralPractitioner
from behandlerklient.exports import gp_letter
from behandlerklient.services.demo import demo
from behandlerklient.services.documents import letters
from behandlerklient.services.registration import children, master_data
from behandlerklient.storage.children import ChildRepository
from tests.helpers import own_sender


def _gp(**numbers: str) -> GeneralPractitioner:
    return GeneralPractitioner(None, "Lægehuset", "Søren Ågård", "Vej 1", "5970", "Ærøskøbing", "62", **numbers)


def test_registration_refuses_a_gp_with_a_wrong_gln_or_sor(ws) -> None:
    with pytest.raises(InvalidInput, match="kontrolciffer"):
        children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="120315-4321",
                                gp=_gp(sor="456789012345678", ean="5790001234567"))
    with pytest.raises(InvalidInput, match="mindst 11 cifre"):
        children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="120315-4321", gp=_gp(sor="4567"))
    child = children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="120315-4321",
                                    gp=_gp(sor="456789012345678", ean="5790001234560")).child
    assert children.overview(ws=ws, child_id=child.id, log_view=False).child.gp.ean == "5790001234560"


def test_master_data_refuses_a_typed_wrong_gln_but_an_old_one_blocks_no_other_edit(ws) -> None:
    child = children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="120315-4321").child
    child = master_data.current(ws=ws, child_id=child.id)
    with pytest.raises(RuleRefused, match="Egen læge: EAN-nummeret"):
        master_data.save(ws=ws, child_id=child.id, edited=replace(child, gp=_gp(ean="5790001234567")))
    old_gp = ChildRepository(ws.db).add_gp(_gp(sor="1", ean="2"))  # as if entered before the rule
    ws.db.execute("UPDATE children SET gp_id = ? WHERE id = ?", (old_gp.id, child.id))
    old = master_data.current(ws=ws, child_id=child.id)
    master_data.save(ws=ws, child_id=child.id, edited=replace(old, school="Ny skole"))
    assert master_data.current(ws=ws, child_id=child.id).school == "Ny skole"


def test_afsender_toml_with_a_wrong_gln_is_refused_when_read_naming_the_file() -> None:
    path = own_sender(ean="5790000209355")
    with pytest.raises(InvalidInput, match="kontrolciffer") as info:
        gp_letter.load_sender(letters.letter_folders())
    assert str(path) in info.value.message
    own_sender(sor="26516")
    with pytest.raises(InvalidInput, match="mindst 11 cifre"):
        gp_letter.load_sender(letters.letter_folders())
    own_sender()
    assert gp_letter.load_sender(letters.letter_folders())["eksempel"] == ""


def test_the_shipped_sender_is_a_marked_example_with_valid_numbers() -> None:
    data = tomllib.loads((paths.resources_dir() / "letters" / "afsender.toml").read_text(encoding="utf-8"))
    assert data["eksempel"] is True
    assert identifiers.sor_problem(data["sor"]) is None and identifiers.gln_problem(data["ean"]) is None
    assert gp_letter.load_sender(letters.letter_folders())["eksempel"] == "ja"


def test_demo_gps_have_valid_sor_and_gln(ws) -> None:
    demo.generate(ws=ws, children_count=30, seed=1)
    gps = children.gps(ws=ws)
    assert len(gps) > 5
    for gp in gps:
        assert identifiers.gln_problem(gp.ean) is None, gp.ean
        assert identifiers.sor_problem(gp.sor) is None, gp.sor
