"""Sane length limits on what users type (names, free text) and a search index that stays bounded whatever a
name holds: a 32,767-character name once cost 1.6 GB of memory and 3.2 GB of disk in the prefix index."""

import json
import resource
from datetime import date

import pytest

from behandlerklient.core import limits
from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.models import Guardian
from behandlerklient.core.search_terms import MAX_TERM, MAX_WORDS, query_words, terms
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace

HUGE = "Zacharias" * 3641  # 32,769 characters, one word


def test_a_huge_name_is_refused_with_a_danish_message_and_nothing_is_saved(ws) -> None:
    before = ws.db.scalar("SELECT count(*) FROM child_search_terms")
    with pytest.raises(InvalidInput, match=r"Fornavnet er for langt: 32769 tegn, højst 100\.") as caught:
        children.register_child(ws=ws, first_name=HUGE, last_name="Quistgaard", cpr="240314-4321")
    assert "Zacharias" not in caught.value.message  # the message names the field, not the data
    assert ws.db.scalar("SELECT count(*) FROM children") == 0
    assert ws.db.scalar("SELECT count(*) FROM child_search_terms") == before


def test_a_long_guardian_name_and_a_101_character_last_name_are_refused(ws) -> None:
    with pytest.raises(InvalidInput, match="Navnet er for langt"):
        children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="240314-4321",
                                guardians=[Guardian(None, "M" * 101, "mother", True)])
    with pytest.raises(InvalidInput, match="Efternavnet er for langt: 101 tegn"):
        children.register_child(ws=ws, first_name="Bo", last_name="B" * 101, cpr="240314-4321")
    assert children.register_child(ws=ws, first_name="Bo", last_name="B" * 100, cpr="240314-4321").child.id


def test_free_text_over_20000_characters_is_refused_on_create_and_on_save(ws) -> None:
    child = children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="240314-4321").child
    with pytest.raises(InvalidInput, match=r"Bekymringen er for lang: 20001 tegn, højst 20000"):
        pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 1, 5), made_by="parent", way="gp",
                            concern="x" * 20_001)
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 1, 5), made_by="parent",
                                        way="gp", concern="x" * 20_000)
    intake_id, _ = records.save(ws=ws, kind="intake", values={"contact_id": contact_id, "child_id": child.id,
                                                               "talk_number": 1, "talk_date": date(2026, 1, 9)})
    with pytest.raises(InvalidInput, match="Begrundelsen er for lang"):
        records.save(ws=ws, kind="intake", record_id=intake_id, values={"reasoning": "y" * 20_001})


def test_a_users_full_name_is_limited(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="Det fulde navn er for langt"):
        workspace.create(path=tmp_path / "ny.db", username="bo", full_name="B" * 101,
                         passphrase="kvarts-lygte-pudsig-fjeldvej")
    assert not (tmp_path / "ny.db").exists()


def test_the_search_index_of_a_huge_name_is_bounded() -> None:
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = terms(HUGE, " ".join([HUGE] * 50), "240314-4321")
    assert len(found) <= MAX_WORDS * MAX_TERM and sum(map(len, found)) <= MAX_WORDS * MAX_TERM * (MAX_TERM + 1) // 2
    assert "zacharias" in found and "2403144321" in found  # the name and the CPR stay findable
    # Far below the 1.6 GB the unbounded prefixes cost (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50_000


def test_a_huge_name_already_in_the_database_indexes_bounded_and_stays_findable(ws) -> None:
    """An older database or an import may hold one: the triggers that keep the index use the same bound."""
    ws.db.execute("INSERT INTO children (first_name, last_name, sort_key, cpr, birth_date, sex, created_at, uid, "
                  "origin_device) VALUES (?, 'Quistgaard', 'x', '2403144321', '2014-03-24', 'F', "
                  "'2026-01-01T00:00:00Z', uuid7(), (SELECT device_uid FROM device))", (HUGE,))
    count, chars = ws.db.query_one("SELECT count(*), sum(length(term)) FROM child_search_terms")
    assert count <= MAX_WORDS * MAX_TERM and chars < 10_000
    assert [r.id for r in children.search(ws=ws, text="zachariaszachariaszachariaszacharias quist")]
    assert len(query_words(HUGE)[0]) == MAX_TERM


def test_limits_name_the_field_in_danish() -> None:
    with pytest.raises(InvalidInput, match="Feltet 'home_municipality' er for lang"):
        limits.check_row("children", {"home_municipality": "k" * 20_001})
    limits.check_row("audit_log", {"detail": "d" * 50_000})  # written by the program itself
    json.dumps(limits.NAME_FIELDS)  # plain data, declared once
