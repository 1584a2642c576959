"""The first-start dialog asks the administrator's profession (a letter's MedCom file names the author's role)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from behandlerklient.services.workspace import workspace
from behandlerklient.ui.dialogs.setup_dialog import SetupDialog


def test_the_chosen_profession_is_stored_and_names_the_role(qtbot, tmp_path) -> None:
    made = {}

    def create(values: dict):
        made.update(values)
        return workspace.create(path=tmp_path / "ny.db", username=values["username"],
                                full_name=values["full_name"], passphrase=values["passphrase"], role="admin",
                                title=values["title"], phone=values["phone"], profession=values["profession"])

    dlg = SetupDialog(create=create, path_label=str(tmp_path / "ny.db"))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.fields["username"], "bo.oersted")
    qtbot.keyClicks(dlg.fields["full_name"], "Bo Ørsted")
    combo = dlg.findChild(QComboBox, "professionCombo")
    assert combo.currentData() == "psychologist"  # the offer's usual profession comes first
    combo.setFocus()
    qtbot.keyClicks(combo, "Soc")
    assert combo.currentData() == "social_worker"
    dlg.fields["title"].clear()
    for key in ("passphrase", "repeat"):
        qtbot.keyClicks(dlg.fields[key], "kvarts lygte pudsig fjeldvej")
    qtbot.mouseClick(dlg.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    assert made["profession"] == "social_worker" and dlg.workspace is not None
    assert dlg.workspace.user.role_text == "Socialrådgiver"
    dlg.workspace.close()
