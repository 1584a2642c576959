"""The server starts, migrates idempotently, speaks TLS 1.3 only, and accepts a signed record."""

from __future__ import annotations

from behandlerklient.server import migrate
from tests.server.records import item, new_child, pull_all, push


def test_migrations_are_idempotent_and_complete(server):
    with server.admin() as conn:
        assert migrate.apply(conn) == []
        assert migrate.current_version(conn) == migrate.latest_version()


def test_connections_use_tls_13(server):
    with server.connect("t01") as conn:
        version, = conn.execute("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert version == "TLSv1.3"


def test_a_signed_record_about_my_child_is_accepted_and_pulled(server):
    child = new_child(server, ("t01", "caseload"))
    record = item(server, "t01", "sessions", child)
    with server.connect("t01") as conn:
        assert push(conn, [record]) == [(record["uid"], "accepted")]
        assert record["uid"] in {str(r[1]) for r in pull_all(conn)}
