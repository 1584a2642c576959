"""A user's second laptop against the real server (docs/sync.md, "A user's second laptop"): the server holds one
signing key per user, so a second laptop created with the key moved from the first pushes records that are accepted
and that other laptops receive; one with its own new key is refused at `sync enroll`, with both fingerprints, and
pushes nothing (before: everything it pushed landed in the server's quarantine as bad_signature)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from behandlerklient.core.key_fingerprint import fingerprint
from behandlerklient.services import sync as syncing
from behandlerklient.services.accounts import key_transfer
from behandlerklient.services.sync import key_check
from behandlerklient.services.sync.connection import ServerUnreachable
from behandlerklient.services.workspace import workspace
from tests.server.laptops import (
    PASSPHRASE,
    assert_verified,
    new_cpr,
    quarantined,
    signed_session,
    supervised_pair,
)

MOVE_PASSPHRASE = "flyttekasse-blomst-tagrende-9"


def _second_laptop(folder: Path, first: Any, signing_key: bytes | None) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    return workspace.create(path=folder / "journal.db", username=first.user.username, full_name=first.user.full_name,
                            passphrase=PASSPHRASE, role=first.user.role, signing_key=signing_key)


def _enroll(server: Any, ws: Any, password: str, **kwargs: Any) -> str | None:
    tls, name = server.cluster.tls, ws.user.username
    return syncing.enroll(ws=ws, host="127.0.0.1", port=server.cluster.port, user=name, password=password,
                          ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{name}.crt").read_text(),
                          key_pem=(tls.folder / f"{name}.key").read_text(), **kwargs)


def _from_device(server: Any, ws: Any) -> tuple[int, int]:
    """(records, quarantined items) the server holds from this laptop."""
    device = ws.db.device_uid
    with server.admin() as conn:
        records = conn.execute("SELECT count(*) FROM bk.record WHERE device = %s::uuid", (device,)).fetchone()[0]
        refused = conn.execute("SELECT count(*) FROM bk.quarantine WHERE item ->> 'device' = %s",
                               (device,)).fetchone()[0]
    return int(records), int(refused)


def test_a_second_laptop_with_the_moved_key_pushes_what_the_others_receive(server, tmp_path) -> None:  # noqa: ANN001
    with supervised_pair(server, tmp_path) as (first, supervisor):
        key_file = tmp_path / "signing.key"
        key_transfer.export_signing_key(ws=first, passphrase=MOVE_PASSPHRASE, out=key_file)
        moved = key_transfer.read_signing_key(path=key_file, passphrase=MOVE_PASSPHRASE,
                                              username=first.user.username)
        second = _second_laptop(tmp_path / "second", first, moved)
        try:
            assert _enroll(server, second, first.server_password) is None  # reached, and the key is the server's
            _child, _course, session_id = signed_session(second, new_cpr())
            pushed = syncing.sync(ws=second)
            assert pushed.push.sent > 0 and pushed.push.quarantined == 0, pushed.summary()
            records, refused = _from_device(server, second)
            assert records >= pushed.push.sent and refused == 0

            session_uid = second.db.scalar("SELECT uid FROM sessions WHERE id = ?", (session_id,))
            for other in (supervisor, first):  # the supervisor's laptop and the user's own first laptop
                got = syncing.sync(ws=other)
                assert quarantined(other, first.user.username) == 0, got.summary()
                assert other.db.scalar("SELECT state FROM sessions WHERE uid = ?", (session_uid,)) == "signed"
            assert_verified(first, second, supervisor)
        finally:
            second.close()


def test_a_second_laptop_with_its_own_new_key_is_refused_at_enroll_and_pushes_nothing(server, tmp_path,
                                                                                      monkeypatch,
                                                                                      capsys) -> None:  # noqa: ANN001
    from behandlerklient import cli

    with supervised_pair(server, tmp_path) as (first, _supervisor):
        second = _second_laptop(tmp_path / "second", first, None)
        theirs, mine = key_transfer.own_public_key(first), key_transfer.own_public_key(second)
        assert theirs is not None and mine is not None and theirs != mine
        signed_session(second, new_cpr())
        path = second.path
        second.close()

        name, tls = first.user.username, server.cluster.tls
        monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
        monkeypatch.setenv("BEHANDLERKLIENT_SERVER_PASSWORD", first.server_password)
        code = cli.main(["sync", "enroll", "--db", str(path), "--server", f"127.0.0.1:{server.cluster.port}",
                         "--user", name, "--ca", str(tls.ca_file), "--cert", str(tls.folder / f"{name}.crt"),
                         "--key", str(tls.folder / f"{name}.key")])
        err = capsys.readouterr().err
        assert code == 5 and err.count("\n") == 1
        assert f"Serverens nøgle: {fingerprint(theirs)}. Denne computers nøgle: {fingerprint(mine)}" in err
        assert "keys export-signing" in err and "Intet er gemt" in err
        assert cli.main(["sync", "--db", str(path)]) == 5  # not enrolled: nothing stored
        assert "ikke tilmeldt" in capsys.readouterr().err

        second = workspace.unlock(path=path, passphrase=PASSPHRASE, username=name)
        try:
            assert _from_device(server, second) == (0, 0)

            # Enrolled while the server could not be reached: stored, said so; the first sync refuses before pushing.
            def offline(state: Any) -> Any:
                raise ServerUnreachable("serveren svarer ikke")

            assert _enroll(server, second, first.server_password, connect=offline) == "serveren svarer ikke"
            with pytest.raises(key_check.KeyMismatch, match="Intet er sendt"):
                syncing.sync(ws=second)
            assert _from_device(server, second) == (0, 0)
            assert "anden underskriftsnøgle" in (syncing.status(ws=second).last_error or "")
        finally:
            second.close()


def test_the_laptops_public_key_file_registers_the_user_and_both_sides_print_one_fingerprint(
        server, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    """`sync public-key` on the laptop, `behandlerklient-server staff add --pubkey-file` by the admin: the two
    fingerprints printed are the same, and the laptop then enrols with its key checked."""
    from behandlerklient import cli
    from behandlerklient.server.cli import main as server_cli
    from tests.server.laptops import new_name

    name = new_name("t")
    folder = tmp_path / "new"
    folder.mkdir()
    ws = workspace.create(path=folder / "journal.db", username=name, full_name="Test", passphrase=PASSPHRASE,
                          role="therapist")
    path = ws.path
    ws.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    pub = tmp_path / f"{name}-signing.pub"
    assert cli.main(["sync", "public-key", "--db", str(path), "--out", str(pub)]) == 0
    laptop_print = capsys.readouterr().out
    monkeypatch.setenv("BK_NEW_PASSWORD", "a-long-test-password")
    assert server_cli(["staff", "add", "--dsn", server.cluster.admin_dsn(), "--username", name, "--role",
                       "therapist", "--full-name", "Test", "--pubkey-file", str(pub)]) == 0
    admin_print = capsys.readouterr().out
    ws = workspace.unlock(path=path, passphrase=PASSPHRASE, username=name)
    try:
        raw = key_transfer.own_public_key(ws)
        assert raw is not None
        assert fingerprint(raw) in laptop_print
        assert f"signing key fingerprint (SHA-256): {fingerprint(raw)}" in admin_print
        server.cluster.tls.issue(name)
        assert _enroll(server, ws, "a-long-test-password") is None
    finally:
        ws.close()
