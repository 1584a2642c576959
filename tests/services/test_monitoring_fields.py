"""What the national monitoring needs is recorded from the first contact on (docs/monitoring.md): reason
categories from the municipality's setting, the delivering unit, municipalities by kommunekode, the staff
profession (read even where the column is missing), BUP referrals during a course, why a course ended and the
follow-up's result."""

from datetime import date, timedelta

import pytest

from behandlerklient.core import monitoring as vocab
from behandlerklient.core import municipalities
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children, master_data
from behandlerklient.services.workspace import settings
from behandlerklient.storage.monitoring import user_professions
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)


@pytest.fixture
def admin_ws(tmp_path):
    from behandlerklient.services.workspace import workspace

    w = workspace.create(path=tmp_path / "a.db", username="leder", full_name="Lea Leder",
                         passphrase="hvid-kajak-regnbue-7", role="admin")
    yield w
    w.close()


def test_the_98_municipalities_by_code_or_name() -> None:
    assert len(municipalities.MUNICIPALITIES) == 98 == len(municipalities.NAME_BY_CODE)
    assert municipalities.normalise("101") == municipalities.normalise("københavn") == "Københavns Kommune"
    assert municipalities.normalise(" 0306 ") == "Odsherred Kommune"
    assert municipalities.normalise("Bornholm") == "Bornholms Regionskommune"
    assert municipalities.code_of("Odsherred Kommune") == "306" and municipalities.code_of("Syddal") == ""
    assert municipalities.normalise("") == ""
    with pytest.raises(ValueError, match="'411' er ikke en dansk kommune"):
        municipalities.normalise("411")  # Christiansø is no municipality


def test_municipalities_are_checked_where_they_are_entered(ws) -> None:
    with pytest.raises(InvalidInput, match="Hjemkommune: 'Syddal' er ikke en dansk kommune"):
        children.register_child(ws=ws, first_name="Ea", last_name="Holm", cpr="150316-4011",
                                home_municipality="Syddal")
    child = children.register_child(ws=ws, first_name="Ea", last_name="Holm", cpr="150316-4011",
                                    home_municipality="340", treating_municipality="odsherred").child
    assert (child.home_municipality, child.treating_municipality) == ("Sorø Kommune", "Odsherred Kommune")
    edited = master_data.current(ws=ws, child_id=child.id)
    with pytest.raises(InvalidInput, match="Behandlende kommune: '999'"):
        master_data.save(ws=ws, child_id=child.id, edited=type(edited)(**{**edited.__dict__,
                                                                            "treating_municipality": "999"}))
    master_data.save(ws=ws, child_id=child.id, edited=type(edited)(**{**edited.__dict__, "home_municipality": "751"}))
    assert master_data.current(ws=ws, child_id=child.id).home_municipality == "Aarhus Kommune"


def test_reason_categories_are_a_municipal_setting_checked_on_the_contact(admin_ws) -> None:
    ws = admin_ws
    assert settings.contact_reasons(ws=ws) == vocab.DEFAULT_REASONS
    with pytest.raises(InvalidInput, match="kode=Betegnelse"):
        settings.put(ws=ws, key="contact_reasons", value="Angst uden kode")
    settings.put(ws=ws, key="contact_reasons", value="angst=Angst; skolefravaer=Skolefravær; andet=Andet")
    settings.put(ws=ws, key="delivering_unit", value="Børne- og Ungdomsforvaltningen, Team Trivsel")
    assert settings.contact_reasons(ws=ws) == {"angst": "Angst", "skolefravaer": "Skolefravær", "andet": "Andet"}
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="self",
                                 concern="Ondt i maven", reasons="angst,stress")
    with pytest.raises(RuleRefused, match="Ukendt henvendelsesårsag 'stress'"):
        records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    records.save(ws=ws, kind="contact", record_id=cid, values={"reasons": "angst,skolefravaer"})
    entry, _ = records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    row = records.get(ws=ws, kind="contact", record_id=cid)
    assert row["reasons"] == "angst,skolefravaer"
    assert row["delivering_unit"] == "Børne- og Ungdomsforvaltningen, Team Trivsel"  # stamped when made
    assert "Henvendelsen handler om: Angst, Skolefravær." in entry.body


def test_profession_is_read_where_the_column_exists_and_empty_where_not(ws) -> None:
    # Since the MedCom work the schema has users.profession; a database without it reads as "none recorded".
    with ws.db.transaction():
        ws.db.execute("UPDATE users SET profession = 'psychologist' WHERE id = ?", (ws.user.id,))
    assert user_professions(ws.db) == {ws.user.id: "psychologist"}
    with ws.db.transaction():
        ws.db.execute("ALTER TABLE users DROP COLUMN profession")
    assert user_professions(ws.db) == {}


def _course(ws):
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    return child, pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course


def test_bup_referral_during_a_course_is_a_coordination_with_bup(ws) -> None:
    child, course = _course(ws)
    rid, _ = records.save(ws=ws, kind="coordination", values={
        "child_id": child.id, "course_id": course.id, "entry_date": DAY, "partner": "school",
        "summary": "Henvist", "bup_referral": True})
    with pytest.raises(RuleRefused, match="BUP som samarbejdspartner"):
        records.sign_confirmed(ws=ws, kind="coordination", record_id=rid)
    records.save(ws=ws, kind="coordination", record_id=rid, values={"partner": "bup"})
    entry, _ = records.sign_confirmed(ws=ws, kind="coordination", record_id=rid)
    assert entry.title == "Henvisning til BUP under forløbet"
    assert records.get(ws=ws, kind="coordination", record_id=rid)["bup_referral"] == 1


def test_why_a_course_ended_and_the_follow_up_result(ws) -> None:
    child, course = _course(ws)
    rid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": DAY + timedelta(days=20), "effect": "unchanged",
        "status": "dropped_out", "criteria_reason": "Udeblev"})
    with pytest.raises(RuleRefused, match="årsagen til, at forløbet sluttede"):
        records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    records.save(ws=ws, kind="closing", record_id=rid, values={"end_reason": "moved_abroad"})
    with pytest.raises(RuleRefused, match="Årsag til afslutning: ukendt værdi 'moved_abroad'"):
        records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    records.save(ws=ws, kind="closing", record_id=rid, values={"end_reason": "moved"})
    entry, _ = records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    assert "Årsag til afslutning: Fraflyttet kommunen." in entry.body
    follow_up = ws.db.scalar("SELECT id FROM follow_ups WHERE course_id = ?", (course.id,))
    records.save(ws=ws, kind="follow_up", record_id=follow_up, values={
        "done_on": DAY + timedelta(days=50), "notes": "Ringet op", "relapse": False, "more_needed": True,
        "effect": "better"})
    with pytest.raises(RuleRefused, match="Effekt ved opfølgningen: ukendt værdi 'better'"):
        records.sign_confirmed(ws=ws, kind="follow_up", record_id=follow_up)
    records.save(ws=ws, kind="follow_up", record_id=follow_up, values={"effect": "partly_improved"})
    entry, _ = records.sign_confirmed(ws=ws, kind="follow_up", record_id=follow_up)
    assert "Effekt ved opfølgningen: Delvis bedring." in entry.body


def test_guided_to_category_is_checked(ws) -> None:
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="self",
                                 concern="Ondt i maven")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    rid, _ = records.save(ws=ws, kind="intake", values={
        "contact_id": cid, "child_id": child.id, "talk_number": 1, "talk_date": DAY, "decision_group": 2,
        "reasoning": "Skolen kan hjælpe", "guided_to": "AKT-vejlederen", "guided_kind": "skolen"})
    with pytest.raises(RuleRefused, match="Vejledt videre til \\(kategori\\): ukendt værdi 'skolen'"):
        records.sign_confirmed(ws=ws, kind="intake", record_id=rid)
    records.save(ws=ws, kind="intake", record_id=rid, values={"guided_kind": "school"})
    entry, _ = records.sign_confirmed(ws=ws, kind="intake", record_id=rid)
    assert "Skole eller dagtilbud: AKT-vejlederen" in entry.body


def test_sdq_by_phase_and_informant_item_by_item_including_follow_up(ws) -> None:
    """Screening, closing and follow-up SDQs each land in their own phase and informant's columns, item by item."""
    from behandlerklient.reports import monitoring as rows_mod
    from behandlerklient.services.measures import sdq_records
    from tests.exports.conftest import START, build

    child, course = build(ws)
    answers = [0, 1, 2, 1, 0] * 5
    sdq_records.record(ws=ws, child_id=child.id, informant="teacher", phase="follow_up",
                       answered_on=START + timedelta(days=100), answers=answers, course_id=course.id)
    rows = [r for _child, r in rows_mod.build(ws.db, start=START - timedelta(days=60), end=START + timedelta(days=200))
            if r["course_track"] == "mind-my-mind"]
    assert len(rows) == 1
    row = rows[0]
    assert [row[f"sdq_follow_up_teacher_item{n:02d}"] for n in range(1, 26)] == [str(a) for a in answers]
    assert row["sdq_follow_up_teacher_date"] == (START + timedelta(days=100)).isoformat()
    assert row["sdq_screening_parent_date"] and row["sdq_closing_parent_date"]  # build() records both
    assert row["sdq_follow_up_parent_date"] == ""
