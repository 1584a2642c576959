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


# libpq's reasons (English, one line) as a Danish sentence saying what is wrong; never the password (libpq does not
# echo it, and nothing here adds it).
_REASONS = (
    ("does not support ssl", "serveren tilbyder ikke en krypteret forbindelse (TLS), så forbindelsen blev ikke "
                             "oprettet"),
    ("no encryption", "serveren afviser forbindelser uden kryptering (TLS)"),
    ("certificate verify failed", "serverens certifikat er ikke udstedt af kommunens certifikatudsteder (CA); "
                                  "kontrollér CA-filen fra tilmeldingen"),
    ("signature failure", "serverens certifikat er ikke udstedt af kommunens certifikatudsteder (CA); "
                          "kontrollér CA-filen fra tilmeldingen"),
    ("does not match host name", "serverens certifikat gælder ikke for denne værtsadresse"),
    ("certificate authentication failed", "serveren afviste denne computers klientcertifikat (det tilhører en "
                                          "anden bruger eller enhed)"),
    ("certificate", "serveren afviste denne computers klientcertifikat"),
    # PostgreSQL answers a client certificate that is not the user's (clientcert=verify-full) the same way.
    ("password authentication failed", "serveren afviste brugernavn og adgangskode eller denne computers "
                                       "klientcertifikat"),
    ("ssl error", "den krypterede forbindelse (TLS) kunne ikke oprettes"),
    ("connection refused", "serveren svarer ikke (forbindelsen blev afvist)"),
    ("timeout expired", "serveren svarede ikke i tide"),
)


def refused_message(state: Any, reason: str) -> str:
    """A Danish message for a refused or failed connection, with libpq's first line for the technician."""
    first = reason.strip().splitlines()[0] if reason.strip() else "ukendt fejl"
    low = reason.lower()
    why = next((danish for key, danish in _REASONS if key in low), "forbindelsen mislykkedes")
    text = (f"Kunne ikke forbinde til synkroniseringsserveren {state['server_host']}:{state['server_port']}: "
            f"{why}. (Teknisk: {first})")
    password = state["password"]
    return text.replace(password, "***") if password else text


def lost(state: Any, exc: Exception) -> ServerUnreachable:
    """The connection broke after it was made (server stopped, network cut): nothing half-done stays here (each
    page and each batch's answers are stored in one transaction), and the next sync picks up where this stopped."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ServerUnreachable(f"Forbindelsen til synkroniseringsserveren {state['server_host']}:{state['server_port']}"
                             f" blev afbrudt undervejs; det, der nåede at blive gemt, er gemt, og næste "
                             f"synkronisering fortsætter derfra. (Teknisk: {first})")


def is_connection_error(exc: Exception) -> bool:
    """Whether `exc` is the driver's broken-connection error (psycopg.OperationalError), without importing it."""
    return any(c.__name__ == "OperationalError" and c.__module__.startswith("psycopg") for c in type(exc).__mro__)


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _memory_folder() -> str | None:
    """Where the handshake's files go: a folder in memory when the system has one (the user's runtime folder, else
    /dev/shm), so the device key never reaches a disk, and writing and removing the three files costs 0.15 ms rather
    than 1-3.5 ms on a journalled /tmp (measured; part of every sync, issue 14: nothing new under 100 ms)."""
    for folder in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return folder
    return None


def connect(state: Any, *, timeout: int = 10) -> Any:
    """An autocommit connection as the enrolled user (bk.push runs in its own explicit transaction)."""
    psycopg = driver()
    folder = tempfile.mkdtemp(prefix="bk-sync-", dir=_memory_folder())
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
            raise ServerUnreachable(refused_message(state, str(exc))) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
