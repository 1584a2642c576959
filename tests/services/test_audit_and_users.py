import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused, WrongPassphrase
from behandlerklient.services.accounts import users
from behandlerklient.services.exchange import transfer
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import audit
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE


@pytest.fixture
def admin_ws(ws):
    ws.db.execute("UPDATE users SET role = 'admin' WHERE id = ?", (ws.user.id,))
    ws.user.role = "admin"
    return ws


def test_every_view_creation_and_export_is_logged(ws) -> None:
    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    children.overview(ws=ws, child_id=child.id)
    transfer.export_json(ws=ws)
    rows = audit.export_for_child(ws=ws, child_id=child.id)
    assert [r["action"] for r in rows] == ["create", "view"]
    assert rows[1]["user"] == "anna" and rows[1]["at"]
    actions = [r[0] for r in ws.db.query("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["export", "export"]  # the whole-database export, then the per-child log export


def test_the_log_is_append_only(ws) -> None:
    children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002")
    with pytest.raises(Exception, match="append-only"):
        ws.db.execute("UPDATE audit_log SET detail = 'x'")
    with pytest.raises(Exception, match="append-only"):
        ws.db.execute("DELETE FROM audit_log")


def _tamper(ws, sql: str) -> None:
    # Someone with the key and a SQLite shell: drops the guard triggers first.
    ws.db.execute("DROP TRIGGER audit_no_update")
    ws.db.execute("DROP TRIGGER audit_no_delete")
    ws.db.execute(sql)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET action = 'view' WHERE id = 1",
    "DELETE FROM audit_log WHERE id = 2",
    "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
])
def test_verify_detects_an_altered_or_deleted_row(ws, sql) -> None:
    child = children.register_child(ws=ws, first_name="Ella", last_name="Winther", cpr="010316-4002").child
    for _ in range(3):
        children.overview(ws=ws, child_id=child.id)
    assert audit.verify_chain(ws.db).ok
    _tamper(ws, sql)
    check = next(c for c in integrity.verify(ws=ws) if c.name == "audit_chain")
    assert not check.ok and "revisionssporet" in check.detail


def test_admin_adds_a_user_with_their_own_passphrase(admin_ws, db_path) -> None:
    user, _ = users.add_user(ws=admin_ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo Ørsted",
                             role="supervisor", passphrase="bos-egen-kode")
    admin_ws.close()
    bo = workspace.unlock(path=db_path, passphrase="bos-egen-kode", username="bo")
    try:
        assert bo.user.id == user.id and bo.user.role == "supervisor"
        child = children.register_child(ws=bo, first_name="Ida", last_name="Lund", cpr="010316-4002").child
        assert bo.db.scalar("SELECT created_by FROM children WHERE id = ?", (child.id,)) == user.id
    finally:
        bo.close()
    with pytest.raises(WrongPassphrase):
        workspace.unlock(path=db_path, passphrase=PASSPHRASE, username="bo")


def test_only_an_admin_adds_users_and_names_are_unique(ws, admin_ws) -> None:
    with pytest.raises(InvalidInput, match="optaget"):
        users.add_user(ws=admin_ws, admin_passphrase=PASSPHRASE, username="anna", full_name="X", role="therapist",
                       passphrase="lang-nok-kode")
    admin_ws.user.role = "therapist"
    with pytest.raises(RuleRefused, match="administrator"):
        users.add_user(ws=admin_ws, admin_passphrase=PASSPHRASE, username="cia", full_name="C", role="therapist",
                       passphrase="lang-nok-kode")
    assert UserRepository(ws.db).by_username("cia") is None
