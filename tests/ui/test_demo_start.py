"""The first `--demo` start: the unlock dialog comes as soon as the key file exists, the synthetic children are
added meanwhile, and unlocking opens the whole demo database."""

from PySide6.QtCore import Qt

from behandlerklient import paths
from behandlerklient.services.demo import demo
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.ui.controller import AppController

CHILDREN = 300


def test_the_unlock_dialog_does_not_wait_for_the_demo_children(qtbot, _prompts) -> None:
    path = paths.demo_database_path()
    controller = AppController(path=path, demo=True, demo_children=CHILDREN, lock_after_ms=600_000)
    assert controller.start()
    dlg = controller.unlock_dialog
    assert dlg is not None and dlg.isVisible()
    # Another connection (as a second program would see it): the children are still being added.
    peek = workspace.unlock(path=path, passphrase=demo.DEMO_PASSPHRASE, username="demo")
    try:
        assert peek.db.scalar("SELECT count(*) FROM children") < CHILDREN
    finally:
        peek.close()
    qtbot.keyClicks(dlg.passphrase, demo.DEMO_PASSPHRASE)
    qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible(), timeout=180_000)
    ws = controller.ws
    assert ws.db.scalar("SELECT count(*) FROM children") == CHILDREN
    assert all(c.ok for c in integrity.verify(ws=ws))
    controller.window.close()
