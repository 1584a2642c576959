"""Access grants travel in the export (caseloads, shared children, supervision pairs, with child uids and user
names) and an import reads them back as untrusted rows: a bad grant refuses the whole file, in Danish."""

import dataclasses
import json
from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.accounts import access
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE


@pytest.fixture
def granted(ws):
    """A small demo (each child on its registering clinician's caseload, the demo's supervision pairs) plus a
    shared child, a handed-over caseload and an ended pair: revoked rows must travel too."""
    demo.generate(ws=ws, children_count=12, seed=5, today=date(2026, 11, 23))
    admin = dataclasses.replace(ws, user=UserRepository(ws.db).by_username("chef") or _admin(ws))
    child = ws.db.scalar("SELECT min(id) FROM children")
    access.grant(ws=admin, child_id=child, username="lhv", kind="shared", note="gruppe")
    access.revoke(ws=admin, child_id=child, username="lhv", kind="shared")
    access.grant(ws=admin, child_id=child, username="lhv", kind="shared", note="igen")
    access.revoke_pair(ws=admin, supervisor="lhv", therapist="anna")
    return ws


def _admin(ws):
    from behandlerklient.core.models import User

    return UserRepository(ws.db).add(User(None, "chef", "Chef", "admin"), now=ws.clock())


def _fresh(tmp_path):
    return workspace.create(path=tmp_path / "kopi.db", username="ny", full_name="Ny Admin", passphrase=PASSPHRASE)


def _grants(data: dict) -> dict:
    return {t: data["tables"][t] for t in ("caseloads", "supervision_pairs")}


def test_grants_round_trip_with_child_uids_and_user_names(granted, tmp_path) -> None:
    data = json.loads(transfer.export_json(ws=granted))
    grants = _grants(data)
    assert len(grants["caseloads"]) >= 12 and grants["supervision_pairs"]
    child_uids = {c["uid"] for c in data["tables"]["children"]}
    assert {g["child_uid"] for g in grants["caseloads"]} <= child_uids
    assert {"kind": "shared", "username": "lhv", "note": "gruppe"}.items() <= grants["caseloads"][-2].items()
    assert grants["caseloads"][-2]["revoked_by"] == "chef" and grants["caseloads"][-1]["revoked_at"] is None
    assert any(p["revoked_at"] for p in grants["supervision_pairs"])
    assert all(isinstance(g["username"], str) and "user_id" not in g for g in grants["caseloads"])

    target = _fresh(tmp_path)
    try:
        counts, _ = transfer.import_json(ws=target, text=transfer.export_json(ws=granted))
        assert counts["caseloads"] == len(grants["caseloads"])
        assert _grants(json.loads(transfer.export_json(ws=target))) == grants
        # The rules read them: the shared child is lhv's here too, and the importer got nothing for importing.
        lhv = UserRepository(target.db).by_username("lhv")
        child = target.db.scalar("SELECT id FROM children WHERE uid = ?", (grants["caseloads"][-1]["child_uid"],))
        assert "shared" in access.bases(ws=dataclasses.replace(target, user=lhv), child_id=child)
        assert target.db.scalar("SELECT count(*) FROM caseloads WHERE user_id = ?", (target.user.id,)) == 0
        audited = target.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'import' AND object LIKE "
                                   "'caseloads:%'")
        assert audited == len(grants["caseloads"])
    finally:
        target.close()


def _mutated(ws, change) -> str:  # noqa: ANN001
    data = json.loads(transfer.export_json(ws=ws))
    change(data["tables"])
    return json.dumps(data, ensure_ascii=False)


def _set(table: str, field: str, value, row: int = 0):  # noqa: ANN001, ANN202
    return lambda t: t[table][row].__setitem__(field, value)


@pytest.mark.parametrize(("change", "fragment"), [
    (_set("caseloads", "username", "ukendt"), "caseloads række 1: feltet 'username' henviser til en bruger, som "
                                              "ikke findes i filen"),
    (_set("caseloads", "username", "kko"), "caseloads række 1: brugeren i feltet 'username' er koordinator her"),
    (_set("caseloads", "child_uid", "0192f0c4-0000-7000-8000-000000000000"), "feltet 'child_uid' henviser til et "
                                                                              "barn, som ikke findes i filen"),
    (_set("caseloads", "kind", "owner"), "feltet 'kind' skal være caseload eller shared"),
    (_set("caseloads", "granted_at", "i går"), "feltet 'granted_at' er ikke et tidspunkt"),
    (lambda t: t["caseloads"][0].pop("note"), "caseloads række 1 har ikke de rigtige felter (mangler note)"),
    (_set("caseloads", "revoked_by", "chef"), "'revoked_at' og 'revoked_by' skal begge være udfyldt"),
    (_set("supervision_pairs", "supervisor", "kko"), "supervision_pairs række 1: brugeren i feltet 'supervisor' "
                                                     "er ikke supervisor her"),
    (lambda t: t["supervision_pairs"][0].__setitem__("therapist", t["supervision_pairs"][0]["supervisor"]),
     "feltet 'therapist' er ikke en anden behandler"),
])
def test_a_malformed_grant_refuses_the_whole_import_in_danish(granted, tmp_path, change, fragment) -> None:
    target = _fresh(tmp_path)
    try:
        with pytest.raises(InvalidInput, match="Importfilen kan ikke bruges") as refused:
            transfer.import_json(ws=target, text=_mutated(granted, change))
        assert fragment in refused.value.message and refused.value.message.endswith("Intet er importeret.")
        assert children.count(ws=target) == 0
        assert target.db.scalar("SELECT count(*) FROM caseloads") == 0
        assert target.db.scalar("SELECT count(*) FROM supervision_pairs") == 0
    finally:
        target.close()


def test_a_file_cannot_give_access_to_a_child_the_database_held_before(granted, tmp_path) -> None:
    target = _fresh(tmp_path)
    try:
        own = children.register_child(ws=target, first_name="Egen", last_name="Pige", cpr="010115-4002").child
        uid = target.db.scalar("SELECT uid FROM children WHERE id = ?", (own.id,))
        with pytest.raises(InvalidInput, match="'child_uid' henviser til et barn, som ikke findes i filen"):
            transfer.import_json(ws=target, text=_mutated(granted, _set("caseloads", "child_uid", uid)))
        assert children.count(ws=target) == 1
    finally:
        target.close()
