"""bk.check_items (server migration 0008): every sync is a new server process, so what the check loads is paid by
every push. It verifies Ed25519 through OpenSSL by ctypes without importing the `cryptography` package, and its
verdicts are those of before: a uuid in canonical lowercase form only, a real calendar time, the exact signature."""

from __future__ import annotations

import base64
import json
import uuid

from tests.server.records import item, new_child, push

PROBE = f"bk_test_loaded_{uuid.uuid4().hex[:8]}"


def test_a_push_in_a_new_connection_loads_no_cryptography_package(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    with server.admin() as conn:  # a PL/Python probe of the modules loaded in the calling server process
        conn.execute(f"CREATE FUNCTION public.{PROBE}(name text) RETURNS boolean LANGUAGE plpython3u "
                     "AS $$\nimport sys\nreturn name in sys.modules\n$$")
        conn.execute(f"GRANT EXECUTE ON FUNCTION public.{PROBE}(text) TO bk_user")
    try:
        with server.connect("t01") as conn:
            assert push(conn, [item(server, "t01", "sessions", child)])[0][1] == "accepted"
            bad = item(server, "t01", "sessions", child)
            bad["signature"] = base64.b64encode(bytes(64)).decode()
            assert push(conn, [bad])[0][1] == "quarantined"
            loaded = conn.execute(f"SELECT public.{PROBE}('cryptography'), public.{PROBE}('ctypes')").fetchone()
        assert loaded == (False, True)
    finally:
        with server.admin() as conn:
            conn.execute(f"DROP FUNCTION public.{PROBE}(text)")


def _verdicts(server, items, signer: str = "t01") -> list[str]:  # noqa: ANN001
    with server.admin() as conn:
        key = conn.execute("SELECT signing_pubkey FROM bk.staff WHERE username = %s", (signer,)).fetchone()[0]
        return list(conn.execute("SELECT bk.check_items(%s::jsonb, %s)", (json.dumps(items), key)).fetchone()[0])


def test_the_checks_answer_as_before(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    good = item(server, "t01", "sessions", child)
    upper = {**good, "uid": good["uid"].upper()}
    braces = {**good, "device": "{" + good["device"] + "}"}
    no_day = {**good, "signed_at": "2026-02-30T10:00:00.000000Z"}
    leap_second = {**good, "signed_at": "2026-06-30T23:59:60.000000Z"}
    other_key = item(server, "t01", "sessions", child, signer="t02")
    short = {**good, "signature": base64.b64encode(bytes(32)).decode()}
    not_base64 = {**good, "signature": "ikke base64!"}
    tampered = {**good, "payload": {"text": "ændret"}}
    assert _verdicts(server, [good, upper, braces, no_day, leap_second, other_key, short, not_base64, tampered]) == [
        "ok", "malformed", "malformed", "malformed", "malformed", "bad_signature", "bad_signature", "bad_signature",
        "bad_content_hash"]
    assert _verdicts(server, [good], signer="t02") == ["bad_signature"]
