"""Laptop databases for the sync tests: a real encrypted journal per user (fast KDF), enrolled with the test server
as a fresh server user whose registered key is the laptop's own signing key, so nothing is shared between tests."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from behandlerklient.security import kdf
from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.signatures import SignatureRepository
from tests.conftest import FAST_KDF
from tests.helpers import child_with_consent
from tests.server.conftest import Server

PASSPHRASE = "laptop-adgangskode-7"
START = date(2026, 1, 5)


def new_name(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3)}"


def laptop(server: Server, folder: Path, username: str, role: str, *, enroll: bool = True) -> Any:
    """A new laptop database for `username`, the same user on the server with the laptop's key, enrolled."""
    import base64

    from behandlerklient.server import admin

    folder.mkdir(parents=True, exist_ok=True)
    old = kdf._default
    kdf._default = FAST_KDF
    try:
        ws = workspace.create(path=folder / "journal.db", username=username, full_name=f"Test {username}",
                              passphrase=PASSPHRASE, role=role)
    finally:
        kdf._default = old
    key = SignatureRepository(ws.db).keys_of(ws.user.id)[-1]["public_key"]
    password = secrets.token_urlsafe(16)
    with server.admin() as conn:
        admin.staff_add(conn, username=username, role=role, full_name=f"Test {username}",
                        pubkey=base64.b64decode(key), password=password)
    tls = server.cluster.tls
    tls.issue(username)
    ws.server_password = password  # for a test that enrolls through the CLI
    if not enroll:
        return ws
    syncing.enroll(ws=ws, host="127.0.0.1", port=server.cluster.port, user=username, password=password,
                   ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{username}.crt").read_text(),
                   key_pem=(tls.folder / f"{username}.key").read_text())
    return ws


@contextmanager
def supervised_pair(server: Server, folder: Path) -> Iterator[tuple[Any, Any]]:
    """A therapist's and her supervisor's laptops, enrolled, the server pairing them; closed afterwards."""
    from behandlerklient.server import admin

    therapist, supervisor = new_name("t"), new_name("s")
    a = laptop(server, folder / "a", therapist, "therapist")
    b = laptop(server, folder / "b", supervisor, "supervisor")
    with server.admin() as conn:
        admin.supervision_add(conn, supervisor=supervisor, therapist=therapist)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def assert_verified(*laptops: Any) -> None:
    """Each laptop's integrity check passes whole (signatures, audit chain, seals)."""
    for ws in laptops:
        problems = [c for c in integrity.verify(ws=ws) if not c.ok]
        assert not problems, (ws.user.username, [(c.name, c.detail) for c in problems])


def signed_session(ws: Any, cpr: str, first: str = "Noa") -> tuple[Any, Any, Any]:
    """A child with consent, a course and one signed session, written offline. (child, course, session id)"""
    child = child_with_consent(ws, first, "Brøndum", cpr)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text: a template-only session is refused
    sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    return child, course, s.id


_USED_CPRS: set[str] = set()


def new_cpr() -> str:
    """A CPR born in March 2016 that no other test registered on the shared server (7-12: Cool Kids' ages).
    Random, but never twice in one test session: 28,000 numbers, and a session registers a few hundred."""
    while (cpr := f"{secrets.randbelow(28) + 1:02d}0316-4{secrets.randbelow(1000):03d}") in _USED_CPRS:
        pass
    _USED_CPRS.add(cpr)
    return cpr


def quarantined(ws: Any, *authors: str) -> int:
    """Received records of these authors refused here. (The server is shared by the whole test session: records
    other tests pushed, such as GPs with test payloads, are readable by every user and rightly refused here.)"""
    marks = ", ".join("?" for _ in authors)
    return int(ws.db.scalar(f"SELECT count(*) FROM sync_quarantine WHERE author IN ({marks})", authors))
