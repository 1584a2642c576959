"""The quarantine, record by record (issue 14): the status bar's count and File > Quarantined records (Ctrl+F9)
open a list naming each quarantined record's kind, date, author and reason in Danish, and never its text."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.storage.sync_state import SyncRepository
from behandlerklient.ui import sync_controller
from behandlerklient.ui.sync_controller import SyncController
from tests.helpers import child_with_consent
from tests.ui.test_sync_gui import _enroll_offline, _press

SECRET = "Barnet fortalte om mareridt hver nat"  # clinical text: never in the list


def _quarantine(ws) -> None:  # noqa: ANN001
    """Two received records refused here and one of this laptop's own held by the server."""
    item = {"uid": "0190f0a0-0000-7000-8000-0000000000a1", "kind": "journal_entries", "author": "svend",
            "signed_at": "2026-02-03T10:00:00.000000Z", "payload": {"body": SECRET}}
    repo = SyncRepository(ws.db)
    child_with_consent(ws, "Karan", "Tæne", "010316-4010")
    with ws.db.transaction():
        repo.quarantine(seq=7, uid=item["uid"], kind="journal_entries", author="svend", reason="bad_signature",
                        item=json.dumps(item), at="2026-02-04T08:00:00+00:00")
        repo.quarantine(seq=8, uid="0190f0a0-0000-7000-8000-0000000000a2", kind="course_events", author="svend",
                        reason=f"invalid_row: feltet 'note' har værdien '{SECRET}'", item="{}",
                        at="2026-02-04T08:00:00+00:00")
        own = ws.db.scalar("SELECT id FROM sync_outbox WHERE kind = 'children' ORDER BY id DESC LIMIT 1")
        repo.ack([(own, "quarantined")], "2026-02-05T09:00:00+00:00")


def test_the_quarantine_count_and_ctrl_f9_list_each_record_without_its_text(qtbot, window, demo_ws) -> None:
    _enroll_offline(demo_ws)
    _quarantine(demo_ws)
    sync = SyncController(window, demo_ws)
    sync.refresh()
    button = sync.quarantine_button
    assert button.isVisible() and button.text() == "3 i karantæne"
    qtbot.waitUntil(lambda: button.width() >= button.sizeHint().width())  # the status bar laid out anew

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = sync.quarantine_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    table = dialog.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [table.horizontalHeaderItem(c).text() for c in range(5)] == ["Post", "Dato", "Forfatter", "Årsag",
                                                                         "Holdes"]
    assert rows[0][0] == "Barn" and rows[0][4] == "Holdt af serveren"
    assert rows[0][2].endswith(f"({demo_ws.user.username})")
    assert rows[0][3].startswith("Serveren afviste posten")
    assert rows[1] == ["Hændelse (forløb)", "04.02.2026", "svend", "Posten overholder ikke reglerne på denne computer",
                       "Afvist på denne computer"]
    assert rows[2] == ["Journalnotat", "03.02.2026", "svend",
                       "Signaturen passer ikke til forfatterens registrerede nøgle", "Afvist på denne computer"]
    assert not any(SECRET in text for row in rows for text in row)
    assert "3 poster er i karantæne" in dialog.summary.text()
    if os.environ.get("BK_SCREENSHOT_DIR"):
        dialog.grab().save(str(Path(os.environ["BK_SCREENSHOT_DIR"]) / "quarantine_dialog.png"))
        window.grab().save(str(Path(os.environ["BK_SCREENSHOT_DIR"]) / "quarantine_statusbar.png"))
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # The menu entry and its shortcut open it again.
    menu = window.menuBar().actions()[0].menu()
    assert sync.quarantine_action in menu.actions() and sync.quarantine_action.text() == "&Poster i karantæne…"
    _press(qtbot, window, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: sync.quarantine_dialog is not dialog and sync.quarantine_dialog.isVisible())
    assert sync.quarantine_dialog.table.rowCount() == 3
    assert QApplication.activeModalWidget() in (sync.quarantine_dialog, None)
    sync.quarantine_dialog.close()
    sync_controller.drain()


def test_not_enrolled_shows_no_quarantine_count_and_an_empty_list(qtbot, window) -> None:
    sync = SyncController(window, window.ws)
    sync.refresh()
    assert not sync.quarantine_button.isVisible()
    sync.quarantine_action.trigger()
    qtbot.waitUntil(lambda: sync.quarantine_dialog is not None and sync.quarantine_dialog.isVisible())
    assert sync.quarantine_dialog.table.rowCount() == 0
    assert sync.quarantine_dialog.summary.text() == "Intet er i karantæne."
    sync.quarantine_dialog.close()
