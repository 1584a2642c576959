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
            f"Manualer: {tracks} spor", f"zxcvbn {_pkg('zxcvbn')} (adgangskodestyrke)"]
