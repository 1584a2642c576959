"""`--self-check`: prove every part of an installed (or frozen) program loads, without touching user data."""

from __future__ import annotations

import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from behandlerklient import __version__
from behandlerklient.core import passphrase
from behandlerklient.security import keyfile
from behandlerklient.services.measures.scoring import band_scheme
from behandlerklient.services.workspace import catalogue
from behandlerklient.storage.database import Database
from behandlerklient.storage.migrate import latest_version, migrate


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "ukendt"


def _check_process() -> str:
    """The sync's check process starts (a frozen program runs itself again as the worker: packaging/entry.py) and
    gives a signed envelope's verdict."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from behandlerklient.services.signatures import envelope_checks
    from behandlerklient.services.sync.page_checks import CheckProcess

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    head = ("selvtjek", "sessions", None, "selvtjek", "selvtjek", "2026-01-01T00:00:00.000000Z", 1, {"tekst": "æøå"})
    body = envelope_checks.envelope_bytes(*head)
    fields = (*head, hashlib.sha256(body).hexdigest(), base64.b64encode(key.sign(body)).decode("ascii"))
    process = CheckProcess()
    try:
        job = process.submit([fields], {"selvtjek": public})
        verdict = job.result(timeout=120)[0] if job is not None else None
    finally:
        process.close()
    if verdict != body:
        raise RuntimeError(f"the sync's check process did not answer as checked in place: {verdict!r}")
    return "Synkroniseringens kontrolproces: OK"


def run() -> list[str]:
    import keyring
    import reportlab

    with tempfile.TemporaryDirectory(prefix="bk-selfcheck-") as tmp:
        db = Database.open(Path(tmp) / "check.db", keyfile.new_data_key(), create=True)
        try:
            migrate(db)
            cipher = db.cipher_version()
        finally:
            db.close()
    tracks = len(catalogue.bundled().tracks)
    band_scheme()
    # The estimator's word lists must be in the bundle: "password" is found in them, a random phrase is not.
    weak, strong = passphrase.strength("password").score, passphrase.strength("kvarts lygte pudsig fjeldvej").score
    if not (weak < passphrase.MIN_SCORE <= strong):
        raise RuntimeError("passphrase estimator's word lists are missing")
    return [f"Behandlerklient {__version__}", f"SQLCipher {cipher}, skema {latest_version()}",
            f"reportlab {reportlab.Version}", f"keyring {_pkg('keyring')} ({type(keyring.get_keyring()).__name__})",
            f"Manualer: {tracks} spor", f"zxcvbn {_pkg('zxcvbn')} (adgangskodestyrke)", _check_process()]
