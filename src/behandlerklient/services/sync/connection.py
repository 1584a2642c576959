"""The connection to the municipal server: TLS (verify-full against the municipality's CA), this device's client
certificate and the user's password, all read from the encrypted database (sync_state). psycopg is the optional
extra "server" and is imported here only, when a sync starts: the app itself never needs it.

libpq reads the CA, certificate and key from files, so they are written for the handshake into a private temporary
folder (mode 0700, files 0600) and removed as soon as the connection is made."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from behandlerklient.core.errors import KnownError


class DriverMissing(KnownError):
    exit_code = 1


class ServerUnreachable(KnownError):
    exit_code = 1


def driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise DriverMissing("Synkronisering kræver PostgreSQL-driveren psycopg, som ikke er installeret. "
                            "Installér den med: pip install 'behandlerklient[server]'") from None
    return psycopg


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def connect(state: Any, *, timeout: int = 10) -> Any:
    """An autocommit connection as the enrolled user (bk.push runs in its own explicit transaction)."""
    psycopg = driver()
    folder = tempfile.mkdtemp(prefix="bk-sync-")
    try:
        params: dict[str, Any] = {"host": state["server_host"], "port": state["server_port"],
                                  "dbname": state["dbname"], "user": state["username"],
                                  "password": state["password"], "connect_timeout": timeout,
                                  "sslmode": "verify-full" if state["ca_pem"] else "require",
                                  "application_name": "behandlerklient"}
        if state["ca_pem"]:
            params["sslrootcert"] = _write(folder, "ca.crt", state["ca_pem"])
        if state["cert_pem"] and state["key_pem"]:
            params["sslcert"] = _write(folder, "device.crt", state["cert_pem"])
            params["sslkey"] = _write(folder, "device.key", state["key_pem"])
        try:
            return psycopg.connect(autocommit=True, **params)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ServerUnreachable(f"Kunne ikke forbinde til synkroniseringsserveren "
                                    f"{state['server_host']}:{state['server_port']}: {first}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
