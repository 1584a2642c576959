"""The grant dialog's use cases: share a child, hand its caseload over, pair and unpair a supervisor; only a role
the core rules allow (core.access.GRANTING_ROLES), each grant and revocation audited."""

import dataclasses

import pytest

from behandlerklient.core import access as rules
from behandlerklient.core.errors import RuleRefused
from behandlerklient.core.models import User
from behandlerklient.services.accounts import access
from behandlerklient.services.registration import children
from behandlerklient.storage.users import UserRepository


def _user(ws, username: str, role: str) -> User:
    return UserRepository(ws.db).add(User(None, username, username.capitalize(), role), now=ws.clock())


def _audit(ws, child_id=None) -> list[tuple[str, str]]:  # noqa: ANN001
    where, params = ("AND child_id = ?", (child_id,)) if child_id is not None else ("", ())
    return [(r["object"], r["detail"]) for r in ws.db.query(
        f"SELECT object, detail FROM audit_log WHERE action = 'user' {where} ORDER BY id", params)]


@pytest.fixture
def team(ws):
    child = children.register_child(ws=ws, first_name="Alma", last_name="Andersen", cpr="010314-4002").child
    bo, lhv = _user(ws, "bo", "therapist"), _user(ws, "lhv", "supervisor")
    admin = dataclasses.replace(ws, user=_user(ws, "chef", "admin"))
    return child.id, bo, lhv, admin


@pytest.mark.parametrize(("call", "what"), [
    (lambda ws, c: access.grant(ws=ws, child_id=c, username="bo", kind="shared"), "give adgang til et barn"),
    (lambda ws, c: access.hand_over(ws=ws, child_id=c, username="bo"), "overdrage et barns sagsstamme"),
    (lambda ws, c: access.revoke(ws=ws, child_id=c, username="anna"), "fjerne adgang til et barn"),
    (lambda ws, c: access.add_pair(ws=ws, supervisor="lhv", therapist="bo"), "oprette et supervisionspar"),
    (lambda ws, c: access.revoke_pair(ws=ws, supervisor="lhv", therapist="bo"), "fjerne et supervisionspar"),
])
def test_a_therapist_without_the_right_is_refused_in_danish(ws, team, call, what) -> None:
    child_id, *_ = team
    assert not access.may_grant(ws=ws) and ws.user.role == "therapist"
    before = _audit(ws)
    with pytest.raises(RuleRefused, match=f"^Kun en administrator kan {what}.$"):
        call(ws, child_id)
    assert _audit(ws) == before
    assert [(g.username, g.kind) for g in access.holders(ws=ws, child_id=child_id)] == [("anna", "caseload")]


def test_the_core_rule_says_who_grants() -> None:
    assert [r for r in rules.ROLES if rules.may_grant(r)] == ["admin"]
    with pytest.raises(ValueError):
        rules.may_grant("janitor")


def test_handing_over_a_caseload_ends_the_old_holders_and_keeps_the_shared_colleague(ws, team) -> None:
    child_id, bo, lhv, admin = team
    assert access.may_grant(ws=admin)
    access.grant(ws=admin, child_id=child_id, username="lhv", kind="shared")
    changes = access.hand_over(ws=admin, child_id=child_id, username="bo", note="barsel")
    assert changes.children and changes.child_id == child_id
    assert [(g.username, g.kind) for g in access.holders(ws=ws, child_id=child_id)] == [("bo", "caseload"),
                                                                                        ("lhv", "shared")]
    assert access.hand_over(ws=admin, child_id=child_id, username="bo").children is False  # hers already
    anna = ws.user.id
    assert _audit(ws, child_id)[-3:] == [(f"shared:user:{lhv.id}", "grant"), (f"caseload:user:{anna}", "revoke"),
                                         (f"caseload:user:{bo.id}", "grant")]
    with pytest.raises(RuleRefused, match="koordinator og kan ikke have børn"):
        _user(ws, "kko", "coordinator")
        access.hand_over(ws=admin, child_id=child_id, username="kko")


def test_pairs_are_audited_when_made_and_ended(ws, team) -> None:
    _child, bo, lhv, admin = team
    access.add_pair(ws=admin, supervisor="lhv", therapist="bo")
    access.revoke_pair(ws=admin, supervisor="lhv", therapist="bo")
    assert _audit(ws)[-2:] == [(f"supervision:{lhv.id}:{bo.id}", "grant"), (f"supervision:{lhv.id}:{bo.id}", "revoke")]
    assert [u.username for u in access.supervisors(ws=ws)] == ["chef", "lhv"]
    assert {u.username for u in access.clinicians(ws=ws)} == {"anna", "bo", "lhv", "chef"}
