import json
from datetime import date, datetime, timezone

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services import children, demo, transfer, workspace
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import export_without_time as _export

FIXED = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def filled(ws):
    demo.generate(ws=ws, children_count=25, seed=7, today=date(2026, 11, 23))
    return ws


def _fresh(tmp_path, name="kopi.db"):
    return workspace.create(path=tmp_path / name, username=USERNAME, full_name="Anden", passphrase=PASSPHRASE)


def test_round_trip_is_lossless(filled, tmp_path) -> None:
    original = _export(filled)
    assert len(original["tables"]["sessions"]) > 20 and original["tables"]["journal_entries"]
    target = _fresh(tmp_path)
    try:
        counts, _ = transfer.import_json(ws=target, text=transfer.export_json(ws=filled))
        assert counts["children"] == 25
        assert _export(target) == original
    finally:
        target.close()


def test_import_into_a_database_with_data_gets_new_ids_and_keeps_links(filled, tmp_path) -> None:
    target = _fresh(tmp_path)
    try:
        children.register_child(ws=target, first_name="Først", last_name="Barn", cpr="010115-4002")
        transfer.import_json(ws=target, text=transfer.export_json(ws=filled))
        assert children.count(ws=target) == 26
        # Every session still belongs to a course of the same child (links translated, not copied).
        orphans = target.db.scalar(
            "SELECT count(*) FROM journal_entries j JOIN sessions s ON s.id = j.session_id "
            "JOIN courses c ON c.id = s.course_id WHERE c.child_id != j.child_id")
        assert orphans == 0
    finally:
        target.close()


def test_importing_twice_is_refused_whole(filled, tmp_path) -> None:
    target = _fresh(tmp_path)
    try:
        text = transfer.export_json(ws=filled)
        transfer.import_json(ws=target, text=text)
        before = _export(target)
        with pytest.raises(InvalidInput, match="CPR-nummeret findes allerede"):
            transfer.import_json(ws=target, text=text)
        assert _export(target) == before  # all or nothing
    finally:
        target.close()


def _mutate(text: str, fn) -> str:
    data = json.loads(text)
    fn(data)
    return json.dumps(data)


@pytest.mark.parametrize(("mutation", "fragment"), [
    (lambda d: d.update(format="noget andet"), "ikke en Behandlerklient-eksport"),
    (lambda d: d.update(schema_version=999), "skema 999"),
    (lambda d: d["tables"].update(hemmelig=[]), "ukendt tabel"),
    (lambda d: d["tables"]["children"][0].pop("cpr"), "mangler cpr"),
    (lambda d: d["tables"]["children"][0].update(cpr="320115-4321"), "findes ikke"),
    (lambda d: d["tables"]["children"][0].update(sex="M" if d["tables"]["children"][0]["sex"] == "F" else "F"),
     "passer ikke"),
    (lambda d: d["tables"]["sessions"][-1].update(course_id=99999), "henviser til courses id 99999"),
    (lambda d: d["tables"]["sessions"][-1].update(participants="naboen"), "strider mod databasens regler"),
    (lambda d: d["tables"]["sessions"][-1].update(duration_min=10**20), "for stort"),
])
def test_bad_import_names_the_problem_and_imports_nothing(filled, tmp_path, mutation, fragment) -> None:
    text = _mutate(transfer.export_json(ws=filled), mutation)
    target = _fresh(tmp_path)
    try:
        with pytest.raises(InvalidInput) as info:
            transfer.import_json(ws=target, text=text)
        assert fragment in info.value.message and "Intet er importeret" in info.value.message
        assert children.count(ws=target) == 0 and target.db.scalar("SELECT count(*) FROM sessions") == 0
    finally:
        target.close()


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '"tekst"', "{" * 100000])
def test_garbage_is_a_clear_error(ws, text) -> None:
    with pytest.raises(InvalidInput, match="Importfilen kan ikke bruges"):
        transfer.import_json(ws=ws, text=text)
