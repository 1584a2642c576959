"""The administrator's "Rotate data key…": the app locks (every connection closed), the database is
re-encrypted under a new key on a worker, and the passphrase is asked again (docs/keys.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from behandlerklient.core.errors import KnownError
from behandlerklient.services.accounts import rotation
from behandlerklient.ui import background, prompts
from behandlerklient.ui.errors import report
from behandlerklient.ui.i18n import fill

if TYPE_CHECKING:
    from behandlerklient.services.workspace.workspace import Workspace


class Locking(Protocol):
    """What rotation needs of the app controller (which installs it, so this module does not import it back)."""

    @property
    def window(self) -> QMainWindow | None: ...

    @property
    def ws(self) -> Workspace | None: ...

    @property
    def path(self) -> Path: ...

    def lock(self, *, before_unlock: Callable[[], None] | None = None) -> None: ...


translate = QCoreApplication.translate


def install(controller: Locking) -> QAction | None:
    """An entry in the first menu, for administrators only."""
    window, ws = controller.window, controller.ws
    if window is None or ws is None or ws.user.role != "admin":
        return None
    action = QAction(translate("key_rotation", "Rotate data &key…"), window)
    action.setObjectName("action_rotate_key")
    action.triggered.connect(lambda: start(controller))
    window.menuBar().actions()[0].menu().addAction(action)
    return action


def start(controller: Locking) -> None:
    window, ws = controller.window, controller.ws
    if window is None or ws is None:
        return
    title = translate("key_rotation", "Rotate data key")
    explanation = translate(
        "key_rotation", "Re-encrypt the whole database with a new key? Afterwards no earlier key file, backup key "
        "file or remembered key opens it; every current user keeps their passphrase. The program locks while "
        "this runs, and everyone else must close the database first.")
    if not prompts.question(window, title, explanation):
        return
    passphrase = prompts.passphrase(window, title, translate("key_rotation", "Your passphrase:"))
    if not passphrase:
        return
    db_path, username = controller.path, ws.user.username

    def rotate() -> None:
        try:
            result = background.wait_for(
                None, translate("key_rotation", "Re-encrypting the database with a new key…"),
                lambda: rotation.rotate_data_key(db_path=db_path, passphrase=passphrase, username=username,
                                                 instance_lock_held=True))
        except KnownError as exc:
            report(None, exc)
            return
        text = fill(translate("key_rotation", "The database now has a new key. Users with access: %1. "
                                              "Unlock with your passphrase."), ", ".join(sorted(result.kept_users)))
        if result.dropped:
            text += " " + fill(translate("key_rotation", "Not carried over (older key format), add them again: %1."),
                               ", ".join(result.dropped))
        prompts.info(None, title, text)

    controller.lock(before_unlock=rotate)
