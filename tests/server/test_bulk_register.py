"""Server migration 0006: bk.register_child answers at most 60 new registrations an hour per user (a guard against
probing CPRs), which stalled a first upload of more children. A retry of one's own registration is now free, an
administrator grants a one-off bulk allowance (`behandlerklient-server staff allow-bulk`, logged), and
bk.register_children registers a batch in one round trip."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from behandlerklient.services import sync as syncing
from behandlerklient.services.registration import children
from behandlerklient.storage.clock import now_utc
from tests.server.laptops import laptop, new_name


def _cprs(n: int) -> list[str]:
    """n distinct CPRs born 2015 (other tests use 2016), random serials."""
    found: set[str] = set()
    while len(found) < n:
        found.add(f"{secrets.randbelow(28) + 1:02d}{secrets.randbelow(12) + 1:02d}15-4{secrets.randbelow(1000):03d}")
    return sorted(found)


def _register(conn, cpr: str, uid: str) -> str:  # noqa: ANN001
    return str(conn.execute("SELECT status FROM bk.register_child(%s, %s::uuid)", (cpr, uid)).fetchone()[0])


def test_the_hourly_limit_holds_a_retry_is_free_and_an_allowance_lets_a_bulk_upload_through(server,
                                                                                              tmp_path) -> None:
    import uuid

    from behandlerklient.server import admin

    ws = laptop(server, tmp_path / "l", new_name("t"), "therapist", enroll=False)
    import psycopg

    name, password = ws.user.username, ws.server_password
    ws.close()
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        uids = [str(uuid.uuid4()) for _ in range(63)]
        cprs = ["9" + f"{secrets.randbelow(10**9):09d}" for _ in uids]
        assert {_register(conn, c, u) for c, u in zip(cprs[:60], uids[:60], strict=True)} == {"registered"}
        assert _register(conn, cprs[60], uids[60]) == "rate_limited"  # the guard is still there
        assert _register(conn, cprs[0], uids[0]) == "registered"  # my own again (a lost reply, a kill): free
        with server.admin() as adm:
            admin.bulk_allow(adm, username=name, children=2)
            logged = adm.execute("SELECT args FROM bk.admin_log WHERE command = 'staff allow-bulk' ORDER BY id DESC"
                                 " LIMIT 1").fetchone()[0]
        assert logged == {"username": name, "children": 2}
        items = [{"cpr": c, "uid": u, "registered_at": None} for c, u in zip(cprs[60:], uids[60:], strict=True)]
        answers = conn.execute("SELECT uid::text, status FROM bk.register_children(%s::jsonb)",
                               (json.dumps(items),)).fetchall()
        assert [s for _u, s in answers] == ["registered", "registered", "rate_limited"]  # the allowance is used up
        assert [u for u, _s in answers] == uids[60:]


def test_a_first_upload_of_more_children_than_the_hourly_limit_is_accepted_with_an_allowance(server, tmp_path,
                                                                                              monkeypatch) -> None:
    from behandlerklient.server import admin
    from behandlerklient.services.signatures import seal

    ws = laptop(server, tmp_path / "l", new_name("t"), "therapist")
    try:
        for i, cpr in enumerate(_cprs(70)):
            if i == 60:  # ten children registered half a year ago: beyond the 90 days a single registration dates back
                back = now_utc() - timedelta(days=180)
                monkeypatch.setattr(seal, "now_utc", lambda back=back: back)
                ws.clock = lambda back=back: back
            children.register_child(ws=ws, first_name=f"Barn{i}", last_name="Østergård", cpr=cpr)
        with server.admin() as conn:
            admin.bulk_allow(conn, username=ws.user.username, children=100)
        ws.clock = now_utc
        got = syncing.sync(ws=ws)
        assert got.push.quarantined == 0 and got.push.cpr_known == 0, got.summary()
        assert got.push.sent == ws.db.scalar("SELECT count(*) FROM sync_outbox")
        with server.admin() as conn:
            held = conn.execute("SELECT count(*) FROM bk.access WHERE username = %s AND revoked_at IS NULL",
                                (ws.user.username,)).fetchone()[0]
            left = conn.execute("SELECT remaining FROM bk.bulk_allowance WHERE username = %s",
                                (ws.user.username,)).fetchone()[0]
        assert held == 70 and left == 100 - 70
    finally:
        ws.close()
