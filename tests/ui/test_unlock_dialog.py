from PySide6.QtCore import Qt

from behandlerklient.services.workspace import workspace
from behandlerklient.ui.dialogs.unlock_dialog import UnlockDialog
from tests.conftest import PASSPHRASE, USERNAME


def _dialog(qtbot, db_path, **kw):
    opened = []

    def unlock(user, passphrase, remember):
        ws = workspace.unlock(path=db_path, passphrase=passphrase, username=user)
        opened.append(ws)
        return ws

    dlg = UnlockDialog(usernames=[USERNAME], unlock=unlock, keyring_available=kw.pop("keyring", False), **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg, opened


def test_wrong_passphrase_shows_message_and_keeps_dialog(qtbot, db_path) -> None:
    dlg, opened = _dialog(qtbot, db_path)
    qtbot.keyClicks(dlg.passphrase, "forkert-kode")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and not opened
    assert dlg.error.isVisible() and "Forkert adgangskode" in dlg.error.text()
    assert dlg.passphrase.hasSelectedText()  # ready to retype


def test_right_passphrase_with_enter_unlocks(qtbot, db_path) -> None:
    dlg, opened = _dialog(qtbot, db_path)
    qtbot.keyClicks(dlg.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    assert opened and dlg.workspace is opened[0] and dlg.passphrase.text() == ""
    opened[0].close()


def test_empty_passphrase_is_not_tried(qtbot, db_path) -> None:
    dlg, opened = _dialog(qtbot, db_path)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert not opened and "Skriv din adgangskode" in dlg.error.text()


def test_without_keyring_remember_is_disabled_and_explained(qtbot, db_path) -> None:
    dlg, _ = _dialog(qtbot, db_path, keyring=False)
    assert not dlg.remember.isEnabled()
    assert dlg.findChild(type(dlg.error), "keyringNote").text().startswith("Ingen nøglering")


def test_demo_mode_shows_the_demo_passphrase_only_in_demo(qtbot, db_path) -> None:
    demo_dlg, _ = _dialog(qtbot, db_path, demo_passphrase="demo-behandler")
    assert "demo-behandler" in demo_dlg.findChild(type(demo_dlg.error), "demoHint").text()
    plain, _ = _dialog(qtbot, db_path)
    assert plain.findChild(type(plain.error), "demoHint") is None
