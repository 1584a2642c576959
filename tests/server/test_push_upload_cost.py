"""A first upload's cost per record (issue 14: a 10,000-child municipality in under 2 minutes; server migration
0013_upload14). The write rule checked for every pushed record (bk.may_write, by bk.record's write policy) is
planned once per connection, not once per record, and bk.push's classification asks it only for records it does not
know to pass by one probe of my caseload; bk.check_items verifies with
libsodium where it is installed and answers a mixed batch exactly as it answers each record alone."""

from __future__ import annotations

import base64
import ctypes
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.server.records import item, new_child, push

PROBE = f"bk_test_ed25519_{uuid.uuid4().hex[:8]}"


def _sodium_installed() -> bool:
    try:
        ctypes.CDLL("libsodium.so.23")
    except OSError:
        return False
    return True


def test_the_write_rule_is_not_planned_again_for_every_pushed_record(server) -> None:  # noqa: ANN001
    # Many access rows, as in a municipality's first upload: a plan that scans bk.access costs more than one made
    # for the child at hand, and the plan cache then re-planned bk.may_write's look-up at every call (each
    # planning folds bk.coordinator_writes(), so its calls count the plannings).
    from behandlerklient.server import admin

    colleague = f"u{uuid.uuid4().hex[:8]}"  # a colleague of this test's own: the other tests' users keep their rows
    with server.admin() as conn:
        never_signs = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        admin.staff_add(conn, username=colleague, role="therapist", full_name="Test colleague", pubkey=never_signs,
                        password=f"pw-{colleague}-test")
        with conn.transaction():
            conn.execute("SET LOCAL ROLE bk_owner")  # admin.caseload_grant's rows, 2,000 at once
            conn.execute("INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq) "
                         "SELECT gen_random_uuid(), %s, 'caseload', 'test', clock_timestamp(), bk.high_water() "
                         "FROM generate_series(1, 2000)", (colleague,))
    mine = [new_child(server, ("t01", "caseload")) for _ in range(40)]
    batch = [item(server, "t01", "journal_entries", mine[i % len(mine)]) for i in range(120)]
    with server.admin() as conn, conn.transaction():
        conn.execute("SET LOCAL track_functions = 'all'")
        conn.execute('SET LOCAL ROLE "t01"')
        answers = conn.execute("SELECT status FROM bk.push(%s::jsonb)", (json.dumps(batch),)).fetchall()
        plannings = conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                                 "WHERE schemaname = 'bk' AND funcname = 'coordinator_writes'").fetchone()
        checks = conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                              "WHERE schemaname = 'bk' AND funcname = 'may_write'").fetchone()
    assert [a for (a,) in answers] == ["accepted"] * len(batch)
    # The write policy asks the rule for every row; the classification knew these by one probe of my caseload.
    assert checks is not None and int(checks[0]) == len(batch)
    assert plannings is not None and int(plannings[0]) <= 12        # the plan cache's first custom plans only


def _verdicts(conn: Any, items: list[Any], key: bytes | None) -> list[str]:
    return list(conn.execute("SELECT bk.check_items(%s::jsonb, %s)", (json.dumps(items), key)).fetchone()[0])


def test_a_batch_gets_the_verdicts_its_records_get_alone(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    good = [item(server, "t01", "sessions", child) for _ in range(40)]
    bad_signature = {**good[3], "signature": base64.b64encode(bytes(64)).decode()}
    other_key = item(server, "t01", "sessions", child, signer="t02")
    flipped = bytearray(base64.b64decode(good[5]["signature"]))
    flipped[10] ^= 1
    one_bit = {**good[5], "signature": base64.b64encode(bytes(flipped)).decode()}
    with_float = {**good[8], "payload": {"score": {"values": [1, 2.5]}}}  # no canonical form: never signable
    tampered = {**good[7], "payload": {"text": "ændret"}}
    batch = good[:10] + [bad_signature, other_key, one_bit, with_float, tampered, 7, "x"] + good[10:]
    expected = (["ok"] * 10 + ["bad_signature", "bad_signature", "bad_signature", "malformed", "bad_content_hash",
                               "malformed", "malformed"] + ["ok"] * 30)
    with server.admin() as conn:
        key = conn.execute("SELECT signing_pubkey FROM bk.staff WHERE username = 't01'").fetchone()[0]
        assert _verdicts(conn, batch, key) == expected
        assert [_verdicts(conn, [one], key)[0] for one in batch] == expected
        assert _verdicts(conn, batch, None) == [v if v != "ok" and v != "bad_signature" else "unknown_signer"
                                                for v in expected]
        assert _verdicts(conn, batch, b"\1" * 31) == _verdicts(conn, batch, None)  # not an Ed25519 key


@pytest.mark.skipif(not _sodium_installed(), reason="libsodium is not installed here (Debian: libsodium23)")
def test_signatures_are_verified_by_libsodium_where_it_is_installed(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    with server.admin() as conn:  # a PL/Python probe of the library the calling server process verified with
        conn.execute(f"CREATE FUNCTION public.{PROBE}() RETURNS text LANGUAGE plpython3u "
                     "AS $$\nfound = GD.get('bk_ed25519_lib')\nreturn found[0] if found else None\n$$")
        conn.execute(f"GRANT EXECUTE ON FUNCTION public.{PROBE}() TO bk_user")
    try:
        with server.connect("t01") as conn, conn.transaction():
            rows = conn.execute("SELECT status FROM bk.push(%s::jsonb)",
                                (json.dumps([item(server, "t01", "sessions", child)]),)).fetchall()
            used = conn.execute(f"SELECT public.{PROBE}()").fetchone()
        assert rows == [("accepted",)]
        assert used == ("sodium",)
    finally:
        with server.admin() as conn:
            conn.execute(f"DROP FUNCTION public.{PROBE}()")


def test_the_quick_caseload_test_accepts_only_what_the_write_rule_accepts(server) -> None:  # noqa: ANN001
    from behandlerklient.server import admin

    now = dt.datetime.now(dt.UTC)
    child = new_child(server, ("t01", "caseload"))
    revoked = new_child(server, ("t01", "shared"))
    coordinated = new_child(server, ("c01", "coordinator"))
    with server.admin() as conn:
        admin.caseload_revoke(conn, child=str(revoked), username="t01")
    after = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    batch = [item(server, "t01", "sessions", child),
             item(server, "t01", "sessions", child, signed_at=now - dt.timedelta(days=1)),   # before the grant
             item(server, "t01", "supervision_meetings", child),                             # not a therapist's
             item(server, "t01", "journal_entries", revoked, signed_at=now),                 # while shared
             item(server, "t01", "journal_entries", revoked, signed_at=after),               # after the revocation
             item(server, "c01", "children", coordinated),
             item(server, "t01", "gps", None)]
    with server.connect("t01") as conn:
        got = [status for _uid, status in push(conn, batch[:5] + batch[6:])]
    with server.connect("c01") as conn:
        coordinator = [status for _uid, status in push(conn, batch[5:6])]
    assert got == ["accepted", "quarantined", "quarantined", "accepted", "quarantined", "accepted"]
    assert coordinator == ["accepted"]
