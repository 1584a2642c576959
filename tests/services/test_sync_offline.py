"""Sync without the server's driver or without enrolment: the app works as before, and `sync` says in Danish what is
missing (psycopg is the optional extra "server")."""

from __future__ import annotations

import sys

import pytest

from behandlerklient.core.errors import RuleRefused
from behandlerklient.services import sync as syncing
from behandlerklient.services.sync import connection


def test_without_psycopg_sync_names_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(connection.DriverMissing, match=r"pip install 'behandlerklient\[server\]'"):
        connection.driver()


def test_an_unenrolled_laptop_reports_no_sync_and_refuses_to_sync(ws) -> None:
    assert syncing.status(ws=ws).enrolled is False
    with pytest.raises(RuleRefused, match="ikke tilmeldt"):
        syncing.sync(ws=ws)


def test_enrolment_is_for_the_unlocked_user_only_and_stays_in_the_database(ws) -> None:
    with pytest.raises(RuleRefused, match="ikke den bruger, der er låst op"):
        syncing.enroll(ws=ws, host="server.kommune.dk", port=5432, user="someone-else", password="x")
    def offline(_state: object) -> object:  # no name look-up or connect attempt from a test
        raise connection.ServerUnreachable("Kunne ikke forbinde til server.kommune.dk:5432 (testen er offline)")

    unchecked = syncing.enroll(ws=ws, host="server.kommune.dk", port=5432, user=ws.user.username, password="hemmelig",
                               connect=offline)
    assert unchecked is not None and "offline" in unchecked  # stored, and said that the key was not checked
    state = syncing.status(ws=ws)
    assert state.enrolled and state.server == "server.kommune.dk:5432" and state.waiting == 0
