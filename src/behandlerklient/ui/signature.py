"""The passphrase typed to sign, checked on a worker: the window stays live during the deliberate KDF."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from behandlerklient.services.accounts import signing
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import background


def confirmed(parent: QWidget | None, ws: Workspace, passphrase: str) -> signing.Confirmation:
    """Raises WrongPassphrase (a KnownError) like the signing call itself would."""
    keys, username = ws.keys, ws.user.username
    return background.wait_for(parent, QCoreApplication.translate("signature", "Checking the passphrase…"),
                               lambda: signing.confirm(keys=keys, username=username, passphrase=passphrase))
