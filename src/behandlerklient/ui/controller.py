"""Start-up flow of the GUI: demo database, first-run set-up or unlock, then the main window."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog

from behandlerklient import paths
from behandlerklient.core.errors import KnownError
from behandlerklient.security import remember
from behandlerklient.services.demo import demo as demo_service
from behandlerklient.services.workspace import backup as backup_service
from behandlerklient.services.workspace import settings as settings_service
from behandlerklient.services.workspace import workspace
from behandlerklient.ui import background, key_rotation, lock_drafts, prompts, sync_controller
from behandlerklient.ui.clipboard_guard import ClipboardGuard
from behandlerklient.ui.dialogs.setup_dialog import SetupDialog
from behandlerklient.ui.dialogs.unlock_dialog import UnlockDialog
from behandlerklient.ui.errors import report
from behandlerklient.ui.i18n import fill
from behandlerklient.ui.inactivity import InactivityWatcher
from behandlerklient.ui.main_window import MainWindow

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
LOCK_WAIT_S = 30.0


class AppController:
    """Owns the unlocked workspace and the main window; locking drops both and asks for the passphrase again."""

    def __init__(self, *, path: Path, demo: bool = False, demo_children: int = 2000,
                 lock_after_ms: int | None = None) -> None:
        self.path, self.demo, self.demo_children = Path(path), demo, demo_children
        self.lock_after_ms = lock_after_ms
        self.ws: workspace.Workspace | None = None
        self.window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.watcher: InactivityWatcher | None = None
        self.clipboard = ClipboardGuard()
        self.locked = False
        self._lock_wanted_at: float | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup")
        self._backup_future = None
        self._demo_build = None  # (future, progress) while the demo database is still being built
        self._resume: lock_drafts.ResumePoint | None = None  # where the user was when the lock came
        self._hidden: list = []  # windows hidden while a stuck caller delays the lock
        self.sync: sync_controller.SyncController | None = None

    # -- start ----------------------------------------------------------------------------
    def start(self) -> bool:
        try:
            if self.demo and not self.path.exists():
                self._create_demo()
            if not self.path.exists():
                ws = self._setup()
                if ws is None:
                    return False
                self._start_main(ws)
                return True
            return self.show_unlock(allow_remembered=True)
        except KnownError as exc:
            report(None, exc)
            return False

    def _start_main(self, ws: workspace.Workspace) -> None:
        self.ws, self.locked = ws, False
        self.window = MainWindow(ws, demo=self.demo)
        lock_action = QAction(translate("AppController", "&Lock"), self.window, shortcut=QKeySequence("Ctrl+L"), triggered=self.lock)
        lock_action.setObjectName("action_lock")
        self.window.menuBar().actions()[0].menu().insertAction(self.window.menuBar().actions()[0].menu().actions()[0],
                                                               lock_action)
        self.window.lock_action = lock_action
        key_rotation.install(self)
        self.sync = sync_controller.SyncController(self.window, ws)
        self.window.show()
        resume, self._resume = self._resume, None
        lock_drafts.resume(self.window, resume)
        minutes = int(settings_service.get(ws=ws, key="lock_after_minutes") or 5)
        self.watcher = InactivityWatcher(self.lock_after_ms or minutes * 60_000)
        self.watcher.idle.connect(self.lock)
        self.watcher.lock_requested.connect(self.lock)
        self.watcher.start()
        self.sync.start()  # on its worker: the window is usable at once, online or not
        QTimer.singleShot(2000, self._automatic_backup)  # after the window is usable, never before

    def _automatic_backup(self) -> None:
        """Today's backup on a worker thread with its own connection: a large journal takes seconds to copy,
        and the window stays usable meanwhile."""
        ws = self.ws
        if ws is None or ws.db.closed or ws.data_key is None or self._backup_future is not None:
            return
        try:
            target = backup_service.automatic_target(ws=ws, today=date.today())
        except KnownError as exc:
            self.window.statusBar().showMessage(
                fill(translate("AppController", "Automatic backup failed: %1"), exc.message), 15000)
            return
        if target is None:
            return
        self.window.statusBar().showMessage(translate("AppController", "Taking today's backup in the background…"))
        self._backup_future = self._executor.submit(workspace.in_own_connection(
            ws, lambda own: backup_service.write_unlogged(ws=own, out=target)))
        self._poll_backup()

    def _poll_backup(self) -> None:
        future = self._backup_future
        if future is None:
            return
        if not future.done():
            QTimer.singleShot(200, self._poll_backup)
            return
        self._backup_future = None
        window = self.window
        try:
            made = future.result()
        except KnownError as exc:
            if window is not None:
                window.statusBar().showMessage(
                    fill(translate("AppController", "Automatic backup failed: %1"), exc.message), 15000)
            return
        backup_service.rotate(made.parent)
        if self.ws is not None and not self.ws.db.closed:
            backup_service.log_written(ws=self.ws, made=made)
        if window is not None:
            window.statusBar().showMessage(fill(translate("AppController", "Backup saved: %1"), made.name), 8000)

    def wait_for_background_work(self, timeout: float = 60.0) -> None:
        """Locking waits for a running backup (style.md §5: wait for a running save), with the window painting
        and a busy dialog meanwhile (a backup at 10,000 children takes seconds). UI work has had its chance
        already (lock defers to it for up to LOCK_WAIT_S); a stuck one is not waited for."""
        background.wait_idle(1.0)
        future = self._backup_future
        if future is not None and not future.done():
            background.wait_for(self.window, translate("AppController", "Finishing today's backup before locking…"),
                                lambda: future.result(timeout=timeout))
        elif future is not None:
            future.result()

    def _create_demo(self) -> None:
        """2,000 synthetic children take seconds to build. The database and its key file come first (a second of
        KDF); the children are then added on a worker while the unlock dialog asks for the passphrase, so the
        user types while it builds, and unlocking waits only for what is left (with a progress bar)."""
        paths.ensure_private_dir(self.path.parent)
        progress = background.Progress()
        progress(0, self.demo_children)
        path, count = self.path, self.demo_children
        keys_ready = threading.Event()

        def build() -> None:  # one connection, made and used on this one worker thread
            ws = workspace.create(path=path, username=demo_service.DEMO_USERNAME, full_name="Demo Behandler",
                                  passphrase=demo_service.DEMO_PASSPHRASE, role="therapist", title="Psykolog",
                                  phone="59 66 60 00", profession="psychologist", demo=True)
            try:
                demo_service.enable_demo_logins(ws=ws, passphrase=demo_service.DEMO_PASSPHRASE)
                keys_ready.set()
                demo_service.generate(ws=ws, children_count=count, seed=1, progress=progress)
            finally:
                ws.close()
            log.info("created the demo database")

        future = self._executor.submit(build)
        self._demo_build = (future, progress)

        def key_file_written() -> None:
            while not keys_ready.wait(0.05):
                if future.done():
                    future.result()  # a failure before the key file: raised here, reported by start()
                    return

        background.wait_for(None, translate("AppController", "Creating the demo database with synthetic children…"),
                            key_file_written)

    def _wait_for_demo(self) -> None:
        """Unlocking the demo opens it only when all its children are there."""
        if self._demo_build is None:
            return
        future, progress = self._demo_build
        background.wait_for(self.unlock_dialog, translate("AppController", "Creating the demo database with synthetic children…"),
                            future.result, progress=progress, show_after_ms=0)
        self._demo_build = None

    def _setup(self) -> workspace.Workspace | None:
        paths.ensure_private_dir(self.path.parent)

        def create(values: dict) -> workspace.Workspace:
            def build() -> bytes:  # the KDF wraps the new key: on a worker, in a connection of its own
                ws = workspace.create(path=self.path, username=values["username"], full_name=values["full_name"],
                                      passphrase=values["passphrase"], role="admin", title=values["title"],
                                      phone=values["phone"], profession=values.get("profession", ""))
                key = ws.data_key
                ws.close()
                return key

            key = background.wait_for(dlg, translate("AppController", "Creating the encrypted database…"), build)
            return workspace.open_with_key(path=self.path, key=key, username=values["username"])

        dlg = SetupDialog(create=create, path_label=str(self.path))
        return dlg.workspace if dlg.exec() else None  # type: ignore[return-value]

    def show_unlock(self, *, allow_remembered: bool = False) -> bool:
        """Non-blocking: the event loop keeps running while the dialog waits (tests and timers too)."""
        keys = workspace.load_keys(self.path)
        users = keys.usernames()
        if allow_remembered:  # never after a lock: locking must really ask again
            for username in users:
                key = remember.recall(keys.key_id, username)
                keys.remember_signing_key(username, remember.recall_signing(keys.key_id, username))
                if key is not None:
                    try:
                        self._start_main(workspace.open_with_key(path=self.path, key=key, username=username, keys=keys))
                        return True
                    except KnownError:
                        remember.forget(keys.key_id, username)  # stale entry: fall back to the passphrase

        def unlock(username: str, passphrase: str, keep: bool) -> workspace.Workspace:
            name, data_key = background.wait_for(self.unlock_dialog, translate("AppController", "Unlocking…"), lambda: workspace.unwrap(
                keys=keys, passphrase=passphrase, username=username or None))
            self._wait_for_demo()
            ws = workspace.open_with_key(path=self.path, key=data_key, username=name, keys=keys)
            if keep:
                if not remember.remember(keys.key_id, ws.user.username, data_key, keys.signing_key(ws.user.username)):
                    prompts.warning(None, "Behandlerklient", remember.UNAVAILABLE_MESSAGE)
            return ws

        dlg = UnlockDialog(usernames=users, unlock=unlock, keyring_available=remember.available(),
                           demo_passphrase=demo_service.DEMO_PASSPHRASE if self.demo else None,
                           database_label=self.path.name)
        self.unlock_dialog = dlg
        dlg.accepted.connect(lambda: self._start_main(dlg.workspace))
        dlg.rejected.connect(self._unlock_cancelled)
        dlg.open()
        return True

    def _unlock_cancelled(self) -> None:
        if self.window is None:
            QApplication.quit()

    # -- lock -----------------------------------------------------------------------------
    def lock(self, *, before_unlock: Callable[[], None] | None = None) -> None:
        """Save what is being typed (as an encrypted draft), close dialogs, clear copied text, drop the key and
        every decrypted view, and ask for the passphrase (KeePassXC's DatabaseWidget::lock).
        `before_unlock` runs with every connection closed, before the passphrase is asked (key rotation)."""
        if self.window is None or self.locked:
            return
        now = time.monotonic()
        self._lock_wanted_at = self._lock_wanted_at or now
        prompts.close_open()  # a question left open must not keep the journal open; its caller sees "No"
        if background.busy() or background.nested():
            # A caller of background work, or of a prompt, is on the stack and returns into this window: lock
            # once it has returned, never from inside its event loop. A stuck worker must not keep the journal
            # on screen: after LOCK_WAIT_S the window is hidden, and torn down when its caller returns.
            if now - self._lock_wanted_at >= LOCK_WAIT_S:
                if background.nested():
                    self._hide_everything()
                else:
                    self._lock_now(before_unlock=before_unlock)
                    return
            QTimer.singleShot(50, lambda: self.lock(before_unlock=before_unlock))
            return
        self._lock_now(before_unlock=before_unlock)

    def _hide_everything(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget is not self.unlock_dialog:
                widget.hide()
                self._hidden.append(widget)  # an editor hidden here still has its typing kept

    def _lock_now(self, *, before_unlock: Callable[[], None] | None = None) -> None:
        self._lock_wanted_at = None
        self.locked = True
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        window = self.window
        ws = self.ws
        try:
            self._resume = (lock_drafts.keep_open_editors(window, hidden=self._hidden) if ws is not None
                            else None)
        except Exception as exc:  # noqa: BLE001 - a bug here must not keep the journal open: lock anyway
            log.error("keeping the open editors' drafts failed: %s", type(exc).__name__)  # no text: it may hold names
            self._resume = None
        sync, self.sync = self.sync, None
        try:
            if sync is not None:
                sync.before_lock()  # bounded: offline, what is not sent waits in the outbox
            if before_unlock is not None:
                sync_controller.drain()  # a sync stopped by the lock has let go of the database
        except Exception as exc:  # noqa: BLE001 - a failed sync must not stop the lock
            log.error("the sync before locking failed: %s", type(exc).__name__)
        try:
            self.wait_for_background_work()
        except Exception:  # noqa: BLE001 - a failed backup must not stop the lock; it is retried next start
            pass
        background.drop_callbacks()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and (widget.isVisible() or widget in self._hidden):
                widget.done(QDialog.DialogCode.Rejected)
        self._hidden = []
        self.clipboard.clear()
        window.editor = None
        window.hide()
        window.deleteLater()  # the models holding names and CPR go with it
        self.window = None
        if self.ws is not None:
            self.ws.close()  # the connection held the only copy of the data key
            self.ws = None
        log.info("locked")
        if before_unlock is not None:
            before_unlock()
        self.show_unlock(allow_remembered=False)
