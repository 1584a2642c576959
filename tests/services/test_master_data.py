"""Correcting master data: every change kept with who, when and the old value; consent and GP letters follow."""

from dataclasses import replace
from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services.documents import letters
from behandlerklient.services.pathway import consent, pathway, records
from behandlerklient.services.registration import children, master_data
from behandlerklient.services.signatures import audit
from behandlerklient.services.verify import integrity
from behandlerklient.storage.database import IntegrityError
from tests.exports.conftest import build
from tests.helpers import give_consent, own_sender


def _gp() -> GeneralPractitioner:
    return GeneralPractitioner(None, "Lægehuset Ærø", "Jens Ølgaard", "Torvet 1", "5970", "Ærøskøbing", "62 52 11 11")


def _child(ws):
    reg = children.register_child(ws=ws, first_name="Åse", last_name="Ærenlund", cpr="010316-4006", gp=_gp(),
                                  home_municipality="Ærø Kommune", school="Ærøskøbing Skole", address="Vestergade 2",
                                  guardians=[Guardian(None, "Mette Ærenlund", "mother", True, "20 20 20 20"),
                                             Guardian(None, "Bo Hansen", "father", False)])
    return master_data.current(ws=ws, child_id=reg.child.id)


def _history(ws, child_id):
    return [(h.field, h.old_value, h.new_value) for h in master_data.history(ws=ws, child_id=child_id)]


def test_child_fields_are_changed_and_each_change_keeps_who_when_and_the_old_value(ws) -> None:
    child = _child(ws)
    assert (child.address, child.school) == ("Vestergade 2", "Ærøskøbing Skole")
    edited = replace(child, first_name="Åse Marie", address="Nørregade 5, 5970 Ærøskøbing", school="Marstal Skole ",
                     home_municipality="Svendborg Kommune", treating_municipality="Ærø Kommune")
    changes, ch = master_data.save(ws=ws, child_id=child.id, edited=edited)
    assert ch.children and ch.child_id == child.id
    assert [c.field for c in changes] == ["first_name", "address", "home_municipality", "treating_municipality",
                                          "school"]
    now = master_data.current(ws=ws, child_id=child.id)
    assert (now.first_name, now.address, now.school, now.home_municipality) == (
        "Åse Marie", "Nørregade 5, 5970 Ærøskøbing", "Marstal Skole", "Svendborg Kommune")
    history = master_data.history(ws=ws, child_id=child.id)
    assert ("school", "Ærøskøbing Skole", "Marstal Skole") in _history(ws, child.id)
    assert ("first_name", "Åse", "Åse Marie") in _history(ws, child.id)
    assert {h.changed_by for h in history} == {"Anna Åberg"} and all(h.changed_at for h in history)
    logged = [r for r in audit.for_child(ws.db, child.id) if r["action"] == "master_data"]
    assert len(logged) == 1 and logged[0]["detail"] == "address,first_name,home_municipality,school,treating_municipality"
    assert logged[0]["action_label"] == "Ændring af stamdata"
    # The search index follows the new name; nothing to save when nothing changed.
    assert [r.id for r in children.search(ws=ws, text="marie")] == [child.id]
    assert master_data.save(ws=ws, child_id=child.id, edited=now)[0] == []
    # A caller that passes the same GP details without the id keeps the GP.
    master_data.save(ws=ws, child_id=child.id, edited=replace(now, school="X", gp=replace(now.gp, id=None)))
    assert master_data.current(ws=ws, child_id=child.id).gp.id == now.gp.id


def test_the_change_ledger_is_append_only(ws) -> None:
    child = _child(ws)
    master_data.save(ws=ws, child_id=child.id, edited=replace(child, school="Marstal Skole"))
    with pytest.raises(IntegrityError):
        ws.db.execute("UPDATE child_changes SET old_value = 'x'")
    with pytest.raises(IntegrityError):
        ws.db.execute("DELETE FROM child_changes")


def test_cpr_correction_needs_a_reason_and_keeps_the_search_index_consistent(ws) -> None:
    child = _child(ws)
    edited = replace(child, cpr="050612-4322")
    with pytest.raises(RuleRefused, match="CPR-nummeret kræver en begrundelse"):
        master_data.save(ws=ws, child_id=child.id, edited=edited)
    assert master_data.current(ws=ws, child_id=child.id).cpr == "0103164006" and _history(ws, child.id) == []
    master_data.save(ws=ws, child_id=child.id, edited=edited, reason="Forkert fødselsdato ved oprettelsen")
    now = master_data.current(ws=ws, child_id=child.id)
    assert now.cpr == "0506124322" and now.birth_date == date(2012, 6, 5)
    assert ws.db.query_one("SELECT birth_date, sex FROM children WHERE id = ?", (child.id,))[:] == ("2012-06-05", "F")
    row = master_data.history(ws=ws, child_id=child.id)[0]
    assert (row.field, row.old_value, row.new_value, row.reason) == (
        "cpr", "0103164006", "0506124322", "Forkert fødselsdato ved oprettelsen")
    assert [r.id for r in children.search(ws=ws, text="050612")] == [child.id]
    assert children.search(ws=ws, text="010316") == []
    assert all(c.ok for c in integrity.verify(ws=ws) if c.name == "search_index")
    assert [r["object"] for r in audit.for_child(ws.db, child.id) if r["action"] == "correct"] == ["child:cpr"]
    # The database itself refuses a CPR row without a reason.
    with pytest.raises(IntegrityError):
        ws.db.insert("child_changes", {"child_id": child.id, "field": "cpr", "old_value": "a", "new_value": "b",
                                       "reason": " ", "changed_by": ws.user.id, "changed_at": "2026-01-01T00:00:00+00:00"})


@pytest.mark.parametrize(("cpr", "fragment"), [("010158-8000", "fødselsåret 1858"), ("070761-4285", "fødselsåret 1961"),
                                               ("010130-4000", "fødselsåret 2030"), ("120315-4321", "allerede")])
def test_cpr_correction_to_an_implausible_or_taken_number_is_refused(ws, cpr, fragment) -> None:
    child = _child(ws)
    children.register_child(ws=ws, first_name="Søren", last_name="Ærø", cpr="120315-4321")
    with pytest.raises(InvalidInput, match=fragment):
        master_data.save(ws=ws, child_id=child.id, edited=replace(child, cpr=cpr), reason="Tastefejl")
    assert master_data.current(ws=ws, child_id=child.id).cpr == "0103164006"


def test_registering_a_child_with_an_implausible_age_names_the_birth_year(ws) -> None:
    with pytest.raises(InvalidInput, match="fødselsåret 1961, altså .* år i dag; tilbuddet er for børn og unge på 5-17"):
        children.register_child(ws=ws, first_name="Voksen", last_name="Person", cpr="070761-4285")
    assert children.count(ws=ws) == 0


def test_parents_are_added_and_changed_with_relation_custody_phone_email_and_address(ws) -> None:
    child = _child(ws)
    mother, father = child.guardians
    edited = replace(child, guardians=[
        replace(mother, phone="30 30 30 30", email="mette@example.dk", address="Nørregade 5"),
        replace(father, has_custody=True, relation="other", name="Bo Hansen Ærenlund"),
        Guardian(None, "Lise Plejemor", "other", False, "40 40 40 40", "lise@example.dk", "Skovvej 1")])
    master_data.save(ws=ws, child_id=child.id, edited=edited)
    now = master_data.current(ws=ws, child_id=child.id)
    assert [(g.name, g.relation, g.has_custody, g.phone, g.email, g.address) for g in now.guardians] == [
        ("Mette Ærenlund", "mother", True, "30 30 30 30", "mette@example.dk", "Nørregade 5"),
        ("Bo Hansen Ærenlund", "other", True, "", "", ""),
        ("Lise Plejemor", "other", False, "40 40 40 40", "lise@example.dk", "Skovvej 1")]
    history = {(h.field, h.old_value, h.new_value): h for h in master_data.history(ws=ws, child_id=child.id)}
    assert history[("guardian.has_custody", "nej", "ja")].guardian_id == father.id
    assert ("guardian.relation", "far", "anden") in history
    assert ("guardian.phone", "20 20 20 20", "30 30 30 30") in history
    added = next(h for h in history.values() if h.field == "guardian.added")
    assert added.old_value == "" and "Lise Plejemor (anden, forældremyndighed: nej)" in added.new_value
    assert added.guardian_id == now.guardians[2].id


def test_a_parent_cannot_be_deleted_and_needs_a_name(ws) -> None:
    child = _child(ws)
    with pytest.raises(RuleRefused, match="kan ikke slettes"):
        master_data.save(ws=ws, child_id=child.id, edited=replace(child, guardians=child.guardians[:1]))
    with pytest.raises(RuleRefused, match="mangler sit navn"):
        master_data.save(ws=ws, child_id=child.id, edited=replace(
            child, guardians=[*child.guardians, Guardian(None, " ", "mother", True)]))


def test_consent_checks_use_the_corrected_custody(ws) -> None:
    child = _child(ws)
    mother, father = child.guardians
    on = date(2026, 1, 10)
    give_consent(ws, child, on=date(2026, 1, 5))  # the mother, who has custody
    assert consent.treatment(ws=ws, child_id=child.id, on=on).ok
    # Corrected: the father has custody, the mother has not. Her consent no longer carries a course.
    master_data.save(ws=ws, child_id=child.id, edited=replace(
        child, guardians=[replace(mother, has_custody=False), replace(father, has_custody=True)]))
    status = consent.treatment(ws=ws, child_id=child.id, on=on)
    assert not status.ok and "forældremyndighedens indehaver mangler" in status.missing[0]
    with pytest.raises(RuleRefused, match="Forløbet kan ikke starte"):
        pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=on)
    # The father, now a custody holder, can give the consent that was refused him before.
    rid, _ = records.save(ws=ws, kind="consent", values={
        "child_id": child.id, "kind": "treatment", "given_by": "custody_holder", "guardian_id": father.id,
        "given_on": date(2026, 1, 6)})
    records.sign_confirmed(ws=ws, kind="consent", record_id=rid)
    assert pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=on).course.id


def test_gp_letters_and_the_medcom_file_use_the_corrected_gp_and_name(ws) -> None:
    own_sender()
    child, course = build(ws)
    new_gp = GeneralPractitioner(None, "Lægerne i Marstal", "Karen Ødum", "Havnegade 3", "5960", "Marstal",
                                 "62 53 10 10", sor="111122223333444", ean="5790009999997")
    master_data.save(ws=ws, child_id=child.id, edited=replace(child, gp=new_gp, last_name="Ærenlund-Ødum"))
    prepared = letters.preview(ws=ws, course_id=course.id, kind="end")
    assert prepared.letter.recipient_lines[:2] == ["Lægerne i Marstal", "Att.: Karen Ødum"]
    assert prepared.letter.child_name == "Åse Ærenlund-Ødum"
    message = letters.medcom_message(ws=ws, prepared=prepared)
    orgs = [e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "Organization"]
    assert {"use": "official", "system": "urn:oid:1.2.208.176.1.1", "value": "111122223333444"} in orgs[0]["identifier"]
    history = {h.field: h for h in master_data.history(ws=ws, child_id=child.id)}
    assert history["gp"].old_value.startswith("Lægehuset Ærøskøbing, Søren Ågård")
    assert "SOR 111122223333444, EAN 5790009999997" in history["gp"].new_value
    # The old clinic is untouched (another child may have it); choosing a known clinic reuses its row.
    assert ws.db.scalar("SELECT count(*) FROM gps WHERE clinic_name = 'Lægehuset Ærøskøbing'") == 1
    other = _child_with_gp(ws, new_gp)
    assert other.gp.id == master_data.current(ws=ws, child_id=child.id).gp.id


def _child_with_gp(ws, gp):
    reg = children.register_child(ws=ws, first_name="Bo", last_name="Berg", cpr="120315-4321")
    current = master_data.current(ws=ws, child_id=reg.child.id)
    master_data.save(ws=ws, child_id=current.id, edited=replace(current, gp=replace(gp, id=None)))
    return master_data.current(ws=ws, child_id=current.id)


def test_contact_for_a_child_outside_5_to_17_needs_a_reason(ws) -> None:
    reg = children.register_child(ws=ws, first_name="Lille", last_name="Ærø", cpr="010122-4002",
                                  guardians=[Guardian(None, "Mor Ærø", "mother", True)])
    day = date(2026, 11, 23)  # four years old, turns five in January
    with pytest.raises(RuleRefused, match="Barnet er 4 år på henvendelsesdatoen 23.11.2026; tilbuddet er for 5-17"):
        pathway.add_contact(ws=ws, child_id=reg.child.id, contact_date=day, made_by="parent", way="self",
                            concern="Angst")
    cid, _ = pathway.add_contact(ws=ws, child_id=reg.child.id, contact_date=day, made_by="parent", way="self",
                                 concern="Angst", age_reason="Fylder 5 i januar; start efter fødselsdagen")
    entry, _ = records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    assert "Begrundelse for alder uden for 5-17 år:\nFylder 5 i januar" in entry.body
    # A draft saved without the reason (the form's path) cannot be signed.
    draft, _ = records.save(ws=ws, kind="contact", values={"child_id": reg.child.id, "contact_date": day,
                                                           "made_by": "parent", "way": "self", "concern": "Angst"})
    assert any("4 år" in p for p in records.problems(ws=ws, kind="contact", record_id=draft))
    with pytest.raises(RuleRefused, match="4 år"):
        records.sign_confirmed(ws=ws, kind="contact", record_id=draft)
    # Within the range nothing is asked.
    assert not records.problems(ws=ws, kind="contact", record_id=pathway.add_contact(
        ws=ws, child_id=reg.child.id, contact_date=date(2027, 2, 1), made_by="parent", way="self",
        concern="Angst")[0])


def test_export_and_import_carry_the_change_ledger(ws, tmp_path) -> None:
    from behandlerklient.services.exchange import transfer

    child = _child(ws)
    master_data.save(ws=ws, child_id=child.id, edited=replace(child, school="Marstal Skole"))
    data = transfer.export_data(ws=ws)
    assert [r["new_value"] for r in data["tables"]["child_changes"]] == ["Marstal Skole"]
    assert data["tables"]["children"][0]["school"] == "Marstal Skole"
