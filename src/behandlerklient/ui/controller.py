"""Start-up flow of the GUI: demo database, first-run set-up or unlock, then the main window."""

from __future__ import annotations

import logging
from pathlib import Path

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from behandlerklient import paths
from behandlerklient.core.errors import KnownError
from behandlerklient.security import keyfile as kf
from behandlerklient.security import remember
from behandlerklient.services import backup as backup_service
from behandlerklient.services import demo as demo_service
from behandlerklient.services import workspace
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.setup_dialog import SetupDialog
from behandlerklient.ui.dialogs.unlock_dialog import UnlockDialog
from behandlerklient.ui.errors import report
from behandlerklient.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class AppController:
    def __init__(self, *, path: Path, demo: bool = False, demo_children: int = 2000) -> None:
        self.path, self.demo, self.demo_children = Path(path), demo, demo_children
        self.ws: workspace.Workspace | None = None
        self.window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None

    # -- start ----------------------------------------------------------------------------
    def start(self) -> bool:
        try:
            if self.demo and not self.path.exists():
                self._create_demo()
            if not self.path.exists():
                ws = self._setup()
            else:
                ws = self._unlock()
        except KnownError as exc:
            report(None, exc)
            return False
        if ws is None:
            return False
        self.ws = ws
        self.window = MainWindow(ws, demo=self.demo)
        self.window.show()
        QTimer.singleShot(2000, self._automatic_backup)  # after the window is usable, never before
        return True

    def _automatic_backup(self) -> None:
        if self.ws is None or self.ws.db.closed:
            return
        try:
            made = backup_service.automatic(ws=self.ws, today=date.today())
        except KnownError as exc:
            self.window.statusBar().showMessage(f"Automatisk sikkerhedskopi mislykkedes: {exc.message}", 15000)
            return
        if made is not None:
            self.window.statusBar().showMessage(f"Sikkerhedskopi gemt: {made.name}", 8000)

    def _create_demo(self) -> None:
        paths.ensure_private_dir(self.path.parent)
        progress = QProgressDialog("Opretter demodatabase med syntetiske børn…", "", 0, self.demo_children)
        progress.setObjectName("demoProgress")
        progress.setWindowTitle("Behandlerklient")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.show()
        ws = workspace.create(path=self.path, username=demo_service.DEMO_USERNAME, full_name="Demo Behandler",
                              passphrase=demo_service.DEMO_PASSPHRASE, role="therapist", title="Psykolog",
                              phone="59 66 60 00")

        def step(done: int, total: int) -> None:
            progress.setValue(done)
            QApplication.processEvents()

        try:
            demo_service.generate(ws=ws, children_count=self.demo_children, seed=1, progress=step)
            demo_service.enable_demo_logins(ws=ws, passphrase=demo_service.DEMO_PASSPHRASE)
        finally:
            ws.close()
            progress.close()
        log.info("created the demo database")

    def _setup(self) -> workspace.Workspace | None:
        paths.ensure_private_dir(self.path.parent)

        def create(values: dict) -> workspace.Workspace:
            return workspace.create(path=self.path, username=values["username"], full_name=values["full_name"],
                                    passphrase=values["passphrase"], role="admin", title=values["title"],
                                    phone=values["phone"])

        dlg = SetupDialog(create=create, path_label=str(self.path))
        return dlg.workspace if dlg.exec() else None  # type: ignore[return-value]

    def _unlock(self) -> workspace.Workspace | None:
        keys = workspace.load_keys(self.path)
        users = keys.usernames()
        for username in users:
            key = remember.recall(keys.key_id, username)
            if key is not None:
                try:
                    return workspace.open_with_key(path=self.path, key=key, username=username, keys=keys)
                except KnownError:
                    remember.forget(keys.key_id, username)  # stale entry: fall back to the passphrase

        def unlock(username: str, passphrase: str, keep: bool) -> workspace.Workspace:
            ws = workspace.unlock(path=self.path, passphrase=passphrase, username=username or None)
            if keep:
                data_key = keys.unwrap(kf.user_wrap_id(ws.user.username), passphrase)
                if not remember.remember(keys.key_id, ws.user.username, data_key):
                    prompts.warning(None, "Behandlerklient", remember.UNAVAILABLE_MESSAGE)
            return ws

        self.unlock_dialog = UnlockDialog(
            usernames=users, unlock=unlock, keyring_available=remember.available(),
            demo_passphrase=demo_service.DEMO_PASSPHRASE if self.demo else None,
            database_label=self.path.name)
        ok = self.unlock_dialog.exec()
        ws = self.unlock_dialog.workspace if ok else None
        self.unlock_dialog = None
        return ws  # type: ignore[return-value]
