"""The first-start dialog refuses a commonly used passphrase with the service's Danish reason, and its live
strength line judges the user's own names as guessable."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from behandlerklient.services.workspace import workspace
from behandlerklient.ui.dialogs.setup_dialog import SetupDialog


def _dialog(qtbot, tmp_path):
    def create(values: dict):
        return workspace.create(path=tmp_path / "ny.db", username=values["username"], full_name=values["full_name"],
                                passphrase=values["passphrase"], role="admin", title=values["title"],
                                phone=values["phone"])

    dlg = SetupDialog(create=create, path_label=str(tmp_path / "ny.db"))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.fields["username"], "bo.oersted")
    qtbot.keyClicks(dlg.fields["full_name"], "Bo Ørsted")
    return dlg


def _type_passphrase(qtbot, dlg, text: str) -> None:
    for key in ("passphrase", "repeat"):
        dlg.fields[key].clear()
        qtbot.keyClicks(dlg.fields[key], text)


def test_password_is_refused_with_a_danish_reason(qtbot, tmp_path) -> None:
    dlg = _dialog(qtbot, tmp_path)
    _type_passphrase(qtbot, dlg, "password")
    assert "mest brugte" in dlg.strength.text()
    qtbot.mouseClick(dlg.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    assert dlg.workspace is None and "for let at gætte" in dlg.error.text()
    assert not (tmp_path / "ny.db").exists()


def test_the_live_strength_counts_the_users_own_name_as_guessable(qtbot, tmp_path) -> None:
    dlg = _dialog(qtbot, tmp_path)
    _type_passphrase(qtbot, dlg, "oerstedbo99")
    assert "dit navn" in dlg.strength.text()
    _type_passphrase(qtbot, dlg, "kvarts lygte pudsig fjeldvej")
    assert dlg.strength.text().count("Stærk") == 1
    qtbot.mouseClick(dlg.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    assert dlg.workspace is not None
    dlg.workspace.close()
