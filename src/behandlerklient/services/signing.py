"""Confirming the signer: the logged-in user's passphrase must unwrap the data key again."""

from __future__ import annotations

from behandlerklient.core.errors import WrongPassphrase
from behandlerklient.security import keyfile as kf
from behandlerklient.services.workspace import Workspace


def confirm_identity(*, ws: Workspace, passphrase: str) -> None:
    """Raises WrongPassphrase unless `passphrase` is the logged-in user's own."""
    if not passphrase:
        raise WrongPassphrase("Skriv din adgangskode for at underskrive.")
    try:
        ws.keys.unwrap(kf.user_wrap_id(ws.user.username), passphrase)
    except WrongPassphrase:
        raise WrongPassphrase("Forkert adgangskode; intet er underskrevet.") from None
