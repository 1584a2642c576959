"""A real PostgreSQL server for tests/server: started once per session (pgcluster.py), migrated with the
server's own migrations, with test staff: therapists t01 and t02, supervisor s01 (supervises t01) and
coordinator c01, each with a password, a client certificate and an Ed25519 signing key.

No PostgreSQL (or no plpython3u) here: as root on Debian the harness installs them itself
(packaging/install-server-deps.sh, the script .ci/run uses); otherwise the tests skip with a message saying
what to install, except under CI=true, where they fail."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.server.pgcluster import Cluster, find_bindir, missing_parts

STAFF = {"t01": "therapist", "t02": "therapist", "s01": "supervisor", "c01": "coordinator"}


def _unavailable(reason: str) -> None:
    message = f"no PostgreSQL server for tests/server: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: .ci/run must install it; see docs/server.md)", pytrace=False)
    pytest.skip(message + " (install: apt-get install postgresql-15 postgresql-plpython3-15 python3-cryptography)")


INSTALL = Path(__file__).resolve().parents[2] / "packaging" / "install-server-deps.sh"


def _install_if_possible() -> None:
    """The project's own script installs the Debian packages where the tests may (root with apt-get)."""
    if os.geteuid() != 0 or not shutil.which("apt-get") or os.environ.get("BK_TEST_NO_INSTALL") == "1":
        return
    subprocess.run(["bash", str(INSTALL)], check=False, timeout=900)


@dataclass
class User:
    name: str
    role: str
    password: str
    key: Ed25519PrivateKey


@dataclass
class Server:
    cluster: Cluster
    users: dict[str, User]

    def admin(self):  # noqa: ANN201
        import psycopg

        return psycopg.connect(self.cluster.admin_dsn(), autocommit=True)

    def dsn(self, user: str, **kwargs: object) -> str:
        return self.cluster.user_dsn(user, self.users[user].password, **kwargs)  # type: ignore[arg-type]

    def connect(self, user: str, **kwargs: object):  # noqa: ANN201
        import psycopg

        return psycopg.connect(self.dsn(user, **kwargs), autocommit=True, connect_timeout=10)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test,server]')")
    bindir = find_bindir()
    if bindir is None or missing_parts(bindir):
        _install_if_possible()
        bindir = find_bindir()
    if bindir is None:
        _unavailable("no postgres/initdb (pg_config --bindir, /usr/lib/postgresql/*/bin)")
    assert bindir is not None
    missing = missing_parts(bindir)
    if missing:
        _unavailable("missing " + "; ".join(missing))
    if os.geteuid() == 0 and not shutil.which("runuser"):
        _unavailable("running as root needs runuser to start PostgreSQL as the postgres user")

    from behandlerklient.server import admin, migrate

    root = Path(tempfile.mkdtemp(prefix="bk-pg-"))
    cluster = Cluster(bindir, root)
    cluster.start()
    try:
        with psycopg.connect(cluster.admin_dsn("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bk")
        users = {}
        with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
            migrate.apply(conn)
            for name, role in STAFF.items():
                key = Ed25519PrivateKey.generate()
                users[name] = User(name, role, secrets.token_urlsafe(16), key)
                admin.staff_add(conn, username=name, role=role, full_name=f"Test {name}",
                                pubkey=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
                                password=users[name].password)
                cluster.tls.issue(name)
            admin.supervision_add(conn, supervisor="s01", therapist="t01")
        yield Server(cluster, users)
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
