"""The server's row-level security against the one rule table (core/access.py `rows()`, issue 13: "keep them in one
place in core/ so both sides can be tested against the same table"). For every server role and basis a fresh user
gets that basis to a fresh child; one record of every kind about the child is stored by its therapist; the user's
pull must bring exactly the kinds the table says 'yes' to, and the user's own push of each kind must be accepted
exactly where the table says she may write.

How the server holds the table's three words: `supervisor_sees_clinical_text` is a boolean there. On is 'always';
off is 'never' and also 'supervised' (the server cannot tell whether a course is in supervision, so the text stays
on the therapist's laptop). A basis the admin refuses for a role (a coordinator's caseload, a therapist as a
supervisor) is the table's 'none' for that role, which the table must agree with."""

from __future__ import annotations

import secrets
import uuid

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from behandlerklient.core import access
from behandlerklient.server import admin
from tests.server.conftest import Server, User
from tests.server.records import item, pull_all, push

SERVER_ROLES = admin.ROLES


def _staff(server: Server, role: str) -> str:
    name = f"x{role[0]}{secrets.token_hex(4)}"
    key = Ed25519PrivateKey.generate()
    password = secrets.token_urlsafe(16)
    with server.admin() as conn:
        admin.staff_add(conn, username=name, role=role, full_name=f"Test {name}",
                        pubkey=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw), password=password)
    server.users[name] = User(name, role, password, key)
    server.cluster.tls.issue(name)
    return name


def _give(server: Server, user: str, basis: str, child: uuid.UUID, owner: str) -> bool:
    """Give `user` the basis to `child` (whose caseload is `owner`'s); False when the admin refuses it."""
    try:
        with server.admin() as conn:
            if basis == "supervision":
                admin.supervision_add(conn, supervisor=user, therapist=owner)
            elif basis != "none":
                admin.caseload_grant(conn, child=str(child), username=user, basis=basis)
    except admin.AdminError:
        return False
    return True


def _store_every_kind(server: Server, owner: str, child: uuid.UUID) -> None:
    """One record of each kind by the child's therapist, stored by the owner (the read side is what is tested
    here; which kinds a therapist may push is the write half below)."""
    with server.admin() as conn, conn.transaction():
        for kind in access.KINDS:
            rec = item(server, owner, kind, child)
            conn.execute("INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version,"
                         " payload, content_hash, signature) VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb,"
                         " decode(%s, 'hex'), decode(%s, 'base64'))",
                         (rec["uid"], kind, child, owner, rec["device"], rec["signed_at"], rec["schema_version"],
                          psycopg.types.json.Json(rec["payload"]), rec["content_hash"], rec["signature"]))


def _expected(role: str, basis: str, mode: str, *, what: str) -> set[str]:
    table = access.rows({access.CLINICAL_TEXT_SETTING: mode}, bases=access.SERVER_BASES)
    if what == "read":
        return {r.kind for r in table if r.role == role and r.basis == basis and r.read == "yes"}
    return {r.kind for r in table if r.role == role and r.basis == basis and r.write}


@pytest.fixture(scope="module")
def cases(server: Server) -> list[tuple[str, str, str, uuid.UUID, str]]:
    """(role, basis as the table has it, user, child, the child's therapist) for every server role and basis."""
    out = []
    for role in SERVER_ROLES:
        for basis in access.SERVER_BASES:
            user, owner, child = _staff(server, role), _staff(server, "therapist"), uuid.uuid4()
            with server.admin() as conn:
                admin.caseload_grant(conn, child=str(child), username=owner)
            given = _give(server, user, basis, child, owner)
            if not given:   # the server refuses the basis for this role: the table must read it as 'none'
                for mode in access.CLINICAL_TEXT_MODES:
                    for what in ("read", "write"):
                        assert _expected(role, basis, mode, what=what) == _expected(role, "none", mode, what=what), \
                            (role, basis, mode, what)
            _store_every_kind(server, owner, child)
            out.append((role, basis if given else "none", user, child, owner))
    return out


def _kinds_read(server: Server, user: str, child: uuid.UUID) -> set[str]:
    with server.connect(user) as conn:
        kinds = {r[2] for r in pull_all(conn) if r[3] == child and r[4] != user}
        # What a supervisor reads of a session without the switch is its frame (server migration 0008_access14), never
        # the session record: the table's 'sessions' for her is the frame.
        if conn.execute("SELECT EXISTS (SELECT 1 FROM bk.session_frame WHERE child_uid = %s)", (child,)).fetchone()[0]:
            assert "sessions" not in kinds, (user, "a frame and the session record both")
            kinds.add("sessions")
        return kinds


@pytest.mark.parametrize("switch, mode", [(False, "never"), (False, "supervised"), (True, "always")])
def test_every_role_and_basis_reads_exactly_the_kinds_the_rule_table_allows(server, cases, switch, mode) -> None:
    with server.admin() as conn:
        admin.policy_set(conn, name=access.CLINICAL_TEXT_SETTING, value=switch)
    try:
        wrong = {}
        for role, basis, user, child, _owner in cases:
            got, want = _kinds_read(server, user, child), _expected(role, basis, mode, what="read")
            if got != want:
                wrong[(role, basis)] = {"extra": sorted(got - want), "missing": sorted(want - got)}
        assert not wrong, wrong
    finally:
        with server.admin() as conn:
            admin.policy_set(conn, name=access.CLINICAL_TEXT_SETTING, value=False)


def test_every_role_and_basis_may_push_exactly_the_kinds_the_rule_table_allows(server, cases) -> None:
    wrong = {}
    for role, basis, user, child, _owner in cases:
        records = {kind: item(server, user, kind, child) for kind in access.KINDS}
        with server.connect(user) as conn:
            answers = dict(push(conn, list(records.values())))
        accepted = {kind for kind, rec in records.items() if answers[rec["uid"]] == "accepted"}
        assert {answers[rec["uid"]] for rec in records.values()} <= {"accepted", "quarantined"}
        want = _expected(role, basis, "never", what="write")
        # A GP is nobody's child's record: the server takes it from every staff member. The table grants it with any
        # basis, and on a laptop every user has one to the installation's children ('team').
        want |= {"gps"}
        if accepted != want:
            wrong[(role, basis)] = {"extra": sorted(accepted - want), "missing": sorted(want - accepted)}
    assert not wrong, wrong


def test_a_role_that_does_not_supervise_cannot_be_made_a_supervisor(server) -> None:
    therapist, other = _staff(server, "therapist"), _staff(server, "therapist")
    coordinator = _staff(server, "coordinator")
    with server.admin() as conn:
        for who in (therapist, coordinator):
            with pytest.raises(admin.AdminError, match="supervis"):
                admin.supervision_add(conn, supervisor=who, therapist=other)
