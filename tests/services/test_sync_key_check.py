"""`sync enroll` asks the server which signing key it holds for the user and refuses a laptop that signs with another
(or when it holds none), storing nothing; enrolled offline, the first sync refuses before anything is pushed. The
server here is a stand-in answering bk.staff; tests/server/test_sync_second_laptop.py does it against PostgreSQL."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from behandlerklient.core.key_fingerprint import fingerprint
from behandlerklient.security import keyfile as kf
from behandlerklient.services import sync as syncing
from behandlerklient.services.accounts import key_transfer
from behandlerklient.services.sync import key_check
from behandlerklient.services.sync.connection import ServerUnreachable


class StaffOnly:
    """A connection that answers the staff list (and a sync's first probe) and fails the test on anything else
    (nothing may be pushed)."""

    def __init__(self, staff: list[tuple[str, str, str, bytes | None]]) -> None:
        self.staff, self.closed, self.statements = staff, False, []

    def execute(self, statement: str, params: Any = None) -> Any:
        self.statements.append(statement)
        if "to_regclass('bk.staff_key_released')" in statement:  # read with the staff list: no key was replaced
            return type("Rows", (), {"fetchone": lambda _self: (False,)})()
        assert "FROM bk.staff" in statement, statement
        rows = self.staff
        probe = (0, None, None, False, "staff-tag", "duplicates-tag")  # bk.high_water() and the tags (a sync)
        return type("Rows", (), {"fetchall": lambda _self: rows, "fetchone": lambda _self: probe})()

    def close(self) -> None:
        self.closed = True


def _other_key() -> bytes:
    return base64.b64decode(kf.public_key_of(kf.new_signing_key()))


def _enroll(ws: Any, conn: Any) -> str | None:
    return syncing.enroll(ws=ws, host="server.kommune.dk", port=5432, user=ws.user.username, password="hemmelig",
                          connect=lambda state: conn)


def test_enroll_refuses_a_laptop_whose_key_the_server_does_not_hold_and_stores_nothing(ws) -> None:
    mine, theirs = key_transfer.own_public_key(ws), _other_key()
    assert mine is not None
    server = StaffOnly([(ws.user.username, "therapist", "Anna", theirs), ("t02", "therapist", "Bo", mine)])
    with pytest.raises(key_check.KeyMismatch) as refused:
        _enroll(ws, server)
    text = refused.value.message
    assert f"Serverens nøgle: {fingerprint(theirs)}. Denne computers nøgle: {fingerprint(mine)}" in text
    assert "keys export-signing" in text and "--signing-key" in text and "sync public-key" in text
    assert "Intet er gemt" in text and server.closed
    assert syncing.status(ws=ws).enrolled is False

    with pytest.raises(key_check.KeyMismatch, match="Serveren har ingen underskriftsnøgle registreret for anna"):
        _enroll(ws, StaffOnly([("t02", "therapist", "Bo", mine)]))
    assert syncing.status(ws=ws).enrolled is False


def test_enroll_with_the_servers_key_is_checked_and_stored(ws) -> None:
    server = StaffOnly([(ws.user.username, "therapist", "Anna", key_transfer.own_public_key(ws))])
    assert _enroll(ws, server) is None
    assert syncing.status(ws=ws).enrolled and server.closed


def test_offline_enroll_stores_and_says_so_and_the_first_sync_refuses_before_pushing(ws) -> None:
    def offline(state: Any) -> Any:
        raise ServerUnreachable("Kunne ikke forbinde til synkroniseringsserveren server.kommune.dk:5432: "
                                "serveren svarer ikke.")

    unchecked = syncing.enroll(ws=ws, host="server.kommune.dk", port=5432, user=ws.user.username,
                               password="hemmelig", connect=offline)
    assert unchecked is not None and "serveren svarer ikke" in unchecked
    assert syncing.status(ws=ws).enrolled

    server = StaffOnly([(ws.user.username, "therapist", "Anna", _other_key())])
    with pytest.raises(key_check.KeyMismatch, match="Intet er sendt"):
        syncing.sync(ws=ws, connect=lambda state: server)
    assert not any("bk.push" in s or "bk.pull" in s for s in server.statements) and server.closed  # no push, pull
    status = syncing.status(ws=ws)
    assert status.last_error is not None and "anden underskriftsnøgle" in status.last_error
