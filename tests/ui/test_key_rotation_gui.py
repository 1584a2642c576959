"""The administrator rotates the data key from the menu: the app locks, re-encrypts, and asks again."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from behandlerklient.core.errors import CorruptDatabase
from behandlerklient.security import keyfile as kf
from behandlerklient.services.accounts import users
from behandlerklient.storage.database import Database
from behandlerklient.ui.controller import AppController
from tests.conftest import PASSPHRASE


def _unlock(qtbot, controller):
    qtbot.waitUntil(lambda: controller.unlock_dialog is not None and controller.unlock_dialog.isVisible())
    dlg = controller.unlock_dialog
    qtbot.keyClicks(dlg.passphrase, PASSPHRASE)
    qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    return controller.window


def test_admin_rotates_the_key_from_the_menu(qtbot, ws, db_path, _prompts) -> None:
    ws.db.execute("UPDATE users SET role = 'admin'")
    ws.user.role = "admin"
    users.add_user(ws=ws, admin_passphrase=PASSPHRASE, username="bo", full_name="Bo", role="therapist",
                   passphrase="bos-egen-kode")
    ws.close()
    old_key = kf.KeyFile.load(kf.keyfile_path(db_path)).unwrap("user:bo", "bos-egen-kode")
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    action = window.findChild(QAction, "action_rotate_key")
    assert action is not None
    _prompts.set_next_answer(True)  # yes, rotate
    _prompts.set_next_text(PASSPHRASE)
    _prompts.set_next_answer(True)  # the result message
    action.trigger()
    qtbot.waitUntil(lambda: controller.locked and controller.unlock_dialog.isVisible(), timeout=30_000)
    assert any(kind == "info" and "anna, bo" in text for kind, _, text in _prompts.shown)
    with pytest.raises(CorruptDatabase):
        Database.open(db_path, old_key)
    window = _unlock(qtbot, controller)  # the same passphrase opens the new key file
    assert controller.ws.user.username == "anna"
    controller.lock()
    qtbot.waitUntil(lambda: controller.locked)


def test_a_therapist_has_no_rotate_action(qtbot, db_path, _prompts) -> None:
    controller = AppController(path=db_path, lock_after_ms=60_000)
    controller.start()
    window = _unlock(qtbot, controller)
    assert window.findChild(QAction, "action_rotate_key") is None
    controller.lock()
    qtbot.waitUntil(lambda: controller.locked)
