"""Confirming the signer: the logged-in user's passphrase must unwrap the data key again.

The check costs a deliberate KDF (about half a second), so the window runs it on a worker with `confirm`
and hands the signing call a short-lived `Confirmation` instead of the passphrase.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from behandlerklient.core.errors import WrongPassphrase
from behandlerklient.security import keyfile as kf
from behandlerklient.services.workspace.workspace import Workspace

# Long enough for the signing call that follows the check, too short to be reused later.
VALID_SECONDS = 60.0


@dataclass(frozen=True)
class Confirmation:
    """The user `username` typed their own passphrase at `at` (time.monotonic)."""

    username: str
    at: float = field(default_factory=time.monotonic)


Proof = str | Confirmation


def confirm(*, keys: kf.KeyFile, username: str, passphrase: str) -> Confirmation:
    """Pure computation on the key file (no database): safe on a worker thread."""
    if not passphrase:
        raise WrongPassphrase("Skriv din adgangskode for at underskrive.")
    try:
        keys.unwrap(kf.user_wrap_id(username), passphrase)
    except WrongPassphrase:
        raise WrongPassphrase("Forkert adgangskode; intet er underskrevet.") from None
    return Confirmation(username)


def confirm_identity(*, ws: Workspace, passphrase: Proof) -> None:
    """Raises WrongPassphrase unless `passphrase` is the logged-in user's own, or a fresh confirmation of it."""
    if isinstance(passphrase, Confirmation):
        if passphrase.username != ws.user.username or not 0 <= time.monotonic() - passphrase.at <= VALID_SECONDS:
            raise WrongPassphrase("Bekræftelsen af adgangskoden er udløbet; skriv den igen. Intet er underskrevet.")
        return
    confirm(keys=ws.keys, username=ws.user.username, passphrase=passphrase)
