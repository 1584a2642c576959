import json
from datetime import date, datetime, timezone

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import export_without_time as _export
from tests.helpers import users_by_name

FIXED = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def filled(ws):
    demo.generate(ws=ws, children_count=25, seed=7, today=date(2026, 11, 23))
    return ws


def _fresh(tmp_path, name="kopi.db", username="chef"):
    """A new installation whose administrator is not one of the file's authors: an author who already exists in
    the target must have signed with a key on record there (test_import_signatures.py)."""
    return workspace.create(path=tmp_path / name, username=username, full_name="Anden", passphrase=PASSPHRASE)


def test_round_trip_is_lossless(filled, tmp_path) -> None:
    original = _export(filled)
    assert len(original["tables"]["sessions"]) > 20 and original["tables"]["journal_entries"]
    target = _fresh(tmp_path)
    try:
        counts, _ = transfer.import_json(ws=target, text=transfer.export_json(ws=filled))
        assert counts["children"] == 25
        again = users_by_name(_export(target))
        # The target's own administrator stays; every other row is the file's (users renumbered).
        assert again["tables"]["users"].pop("chef")["role"] == "admin"
        assert again == users_by_name(original)
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
        with pytest.raises(InvalidInput, match="findes allerede her"):  # the same global ids: the same records
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
    (lambda d: d["tables"]["sessions"][-1].update(course_id="0190a000-0000-7000-8000-000000000000"),
     "feltet course_id henviser til en række i courses, som ikke findes i filen"),
    (lambda d: d["tables"]["sessions"][-1].update(course_id=1), "feltet course_id skal være et globalt id"),
    (lambda d: d["tables"]["sessions"][-1].update(author_id="fremmed"), "henviser til en bruger"),
    (lambda d: d["tables"]["sessions"][-1].update(uid="ikke-et-id"), "'uid' er ikke et globalt id"),
    (lambda d: d["tables"]["sessions"][-1].update(participants="naboen"), "'participants' har en ukendt værdi"),
    (lambda d: d["tables"]["consents"][-1].update(kind="treatment", party="gp"), "strider mod databasens regler"),
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


def _with_users(tmp_path, therapist=USERNAME):
    """A target installation with a real administrator (chef) and a therapist (anna unless told)."""
    from behandlerklient.services.accounts import users

    target = workspace.create(path=tmp_path / "mål.db", username="chef", full_name="Chef", passphrase=PASSPHRASE)
    users.add_user(ws=target, admin_passphrase=PASSPHRASE, username=therapist, full_name="Anna", role="therapist",
                   passphrase="annas-egen-kode")
    return target


def test_only_an_administrator_imports(filled, tmp_path) -> None:
    from behandlerklient.core.errors import RuleRefused

    target = _with_users(tmp_path)
    target.close()
    anna = workspace.unlock(path=tmp_path / "mål.db", passphrase="annas-egen-kode", username=USERNAME)
    try:
        with pytest.raises(RuleRefused, match="administrator"):
            transfer.import_json(ws=anna, text=transfer.export_json(ws=filled))
        assert children.count(ws=anna) == 0
    finally:
        anna.close()


def test_a_file_can_neither_promote_nor_demote_an_existing_user(filled, tmp_path) -> None:
    from behandlerklient.security import keyfile as kf
    from behandlerklient.services.accounts import users

    # The target's therapist is not one of the file's authors: an author who already exists in the target must
    # have signed with a key on record there, so a coup on an author's own row is refused whole.
    target = _with_users(tmp_path, therapist="bo")
    keys_before = kf.keyfile_path(target.path).read_bytes()

    def coup(d):  # the attack: bo becomes administrator, the real one a therapist, with a new name
        d["tables"]["users"].append({**d["tables"]["users"][0], "local_id": 998, "username": "bo", "role": "admin"})
        d["tables"]["users"].append({**d["tables"]["users"][0], "local_id": 999, "username": "chef",
                                     "role": "therapist", "full_name": "Afsat"})
    try:
        transfer.import_json(ws=target, text=_mutate(transfer.export_json(ws=filled), coup))
        roles = {u.username: (u.role, u.full_name) for u in users.list_users(ws=target)}
        assert (roles["chef"], roles["bo"]) == (("admin", "Chef"), ("therapist", "Anna"))
        assert kf.keyfile_path(target.path).read_bytes() == keys_before
    finally:
        target.close()


def test_a_user_new_to_the_installation_is_added_without_a_way_in(filled, tmp_path) -> None:
    from behandlerklient.core.errors import WrongPassphrase

    def add(d):
        d["tables"]["users"].append({**d["tables"]["users"][0], "local_id": 999, "username": "ny-admin",
                                     "role": "admin"})
    target = _fresh(tmp_path)
    try:
        transfer.import_json(ws=target, text=_mutate(transfer.export_json(ws=filled), add))
        assert target.keys.find("user:ny-admin") is None
    finally:
        target.close()
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=tmp_path / "kopi.db", passphrase=PASSPHRASE, username="ny-admin")


def _set(table, **values):
    return lambda d: d["tables"][table][-1].update(values)


@pytest.mark.parametrize(("mutation", "fragment"), [
    (_set("sessions", session_date="2026-13-45"), "'session_date' er ikke en dato"),
    (_set("contacts", contact_date="1066-10-14"), "'contact_date' har en dato uden for"),
    (_set("contacts", created_at="i går"), "'created_at' er ikke et tidspunkt"),
    (_set("courses", track_id="hjemmelavet-spor"), "forløbsspor, som ikke findes"),
    (_set("children", first_name="A" * 5000), "'first_name' er for langt"),
    (_set("journal_entries", body="x" * 60_000), "'body' er for langt"),
    (_set("children", last_name="Hansen\ud800"), "enligt surrogattegn"),
    (_set("guardians", has_custody=2), "'has_custody' skal være 0 eller 1"),
    (_set("sessions", duration_min=100_000), "'duration_min' skal være mellem"),
    (_set("sessions", duration_min="60"), "'duration_min' skal være et heltal"),
    (_set("courses", status="hemmelig"), "'status' har en ukendt værdi"),
    (_set("users", role="superadmin"), "'role' har en ukendt værdi"),
    (_set("sessions", state="draft"), "ikke markeret som underskrevet"),
])
def test_records_are_checked_like_typed_input(filled, tmp_path, mutation, fragment) -> None:
    data = json.loads(transfer.export_json(ws=filled))
    signed = [s for s in data["tables"]["sessions"] if s["signed_at"]]
    data["tables"]["sessions"].remove(signed[-1])
    data["tables"]["sessions"].append(signed[-1])  # so the last session is a signed one
    mutation(data)
    target = _fresh(tmp_path)
    try:
        with pytest.raises(InvalidInput) as info:
            transfer.import_json(ws=target, text=json.dumps(data))
        assert fragment in info.value.message and "Intet er importeret" in info.value.message
        assert children.count(ws=target) == 0
    finally:
        target.close()


def test_a_signed_record_needs_a_signer_among_the_files_users(filled, tmp_path) -> None:
    def orphan(d):
        entry = next(j for j in d["tables"]["journal_entries"] if j["signed_at"])
        entry["author_id"] = None
    target = _fresh(tmp_path)
    try:
        with pytest.raises(InvalidInput, match="underskriveren"):
            transfer.import_json(ws=target, text=_mutate(transfer.export_json(ws=filled), orphan))
    finally:
        target.close()


def test_every_imported_record_is_audited_with_the_files_origin_not_its_content(filled, tmp_path) -> None:
    import hashlib

    text = transfer.export_json(ws=filled)
    target = _fresh(tmp_path)
    try:
        counts, _ = transfer.import_json(ws=target, text=text, origin="overflytning.json")
        rows = target.db.query("SELECT object, detail, child_id FROM audit_log WHERE action = 'import'")
        per_record = [r for r in rows if r[0]]
        assert len(per_record) == sum(counts.values())  # every user of the file is new to the target
        digest = hashlib.sha256(text.encode()).hexdigest()
        assert all(r[1] == f"import overflytning.json sha256:{digest}" for r in per_record)
        child_rows = [r for r in per_record if r[0].startswith("children:")]
        assert len(child_rows) == 25 and all(r[2] == int(r[0].split(":")[1]) for r in child_rows)
        names = [r[0] for r in filled.db.query("SELECT last_name FROM children")]
        assert not any(n in r[1] for r in rows for n in names)
        from behandlerklient.services.signatures import audit

        assert audit.verify_chain(target.db).ok
        from behandlerklient.services.verify import integrity

        # Each per-record audit row is signed by the importing administrator like any other audit row.
        assert {c.name: c for c in integrity.verify(ws=target)}["audit_signatures"].ok
    finally:
        target.close()
