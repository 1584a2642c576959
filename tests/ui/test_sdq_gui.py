"""SDQ the way clinicians use it, through the real widgets: the dialog in Danish by item number and scale, the time
point read from the pathway, "Gem" signing with the passphrase, and the child view's SDQ tab with the PDF's chart."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from behandlerklient.core import sdq
from behandlerklient.core.sdq_progress import UNCONFIRMED_NOTE
from behandlerklient.services.documents import documents
from behandlerklient.services.measures import sdq_records
from behandlerklient.ui.widgets.sdq_tab import SERIES_COLOR
from tests.conftest import PASSPHRASE
from tests.ui.conftest import TODAY

LABEL = re.compile(r"^(\d+)  (Emo\.|Adf\.|Hyp\.|Jævn\.|Pro\.)( O)?$")
DANISH_SCALE = {"E": "Emo.", "C": "Adf.", "H": "Hyp.", "Pe": "Jævn.", "P": "Pro."}


def _select(qtbot, window, child_id: int) -> None:
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.current_child_id == child_id)


def _open_sdq(qtbot, window):
    window.pathway.actions["sdq"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "sdqDialog"
                    and window.dialog.isVisible())
    dlg = window.dialog
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    return dlg


def _pick(qtbot, combo, data) -> None:
    """Choose from a combo box with the keyboard, as a user would."""
    combo.setFocus()
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
        for _ in range(combo.count()):
            if combo.currentData() == data:
                return
            qtbot.keyClick(combo, key)
    assert combo.currentData() == data


def _child_without_course(ws) -> int:
    return ws.db.scalar("SELECT id FROM children WHERE id NOT IN (SELECT child_id FROM courses) "
                        "AND id IN (SELECT child_id FROM contacts) ORDER BY id LIMIT 1")


def test_the_dialog_is_danish_by_item_number_and_scale_with_labelled_impact_questions(qtbot, window, demo_ws) -> None:
    _select(qtbot, window, _child_without_course(demo_ws))
    dlg = _open_sdq(qtbot, window)
    texts = [w.text() for w in dlg.findChildren(QLabel)]
    for n in range(1, 26):
        found = LABEL.match(dlg.findChild(QLabel, f"itemLabel{n}").text())
        assert found and int(found[1]) == n and found[2] == DANISH_SCALE[sdq.ITEMS[n][1]], n
        assert bool(found[3]) == sdq.ITEMS[n][2]  # "O": reverse-scored
    short_names = {name for name, _scale, _rev in sdq.ITEMS.values()}
    assert not [t for t in texts if set(re.findall(r"[a-z]+", t)) & short_names]  # not even the neutral names
    impact = [dlg.findChild(QLabel, f"impactLabel{n}") for n in range(6)]
    assert [label.text() for label in impact] == ["Vanskeligheder samlet (0-3)", "Belastning", "Hjemmet",
                                                  "Venskaber", "Læring i skolen", "Fritid"]
    _pick(qtbot, dlg.informant, "teacher")
    assert [label.text() for label in impact if label.isVisible()] == [
        "Vanskeligheder samlet (0-3)", "Belastning", "Kammerater", "Læring i skolen"]
    assert dlg.informant.currentText() == "Lærer" and dlg.phase.currentText() == "Før forløb"
    assert dlg.findChild(QPushButton, "saveSdqButton").text() == "&Gem og underskriv…"


def test_the_time_point_is_suggested_from_the_childs_pathway(qtbot, window, demo_ws) -> None:
    _select(qtbot, window, _child_without_course(demo_ws))
    dlg = _open_sdq(qtbot, window)
    assert dlg.phase.currentData() == "baseline" and "intet forløb" in dlg.suggestion.text()
    dlg.close_without_asking()
    ended = demo_ws.db.scalar(
        "SELECT c.child_id FROM courses c WHERE c.status = 'completed' AND NOT EXISTS (SELECT 1 FROM courses o "
        "WHERE o.child_id = c.child_id AND o.status IN ('active', 'planned')) AND NOT EXISTS (SELECT 1 FROM "
        "contacts k WHERE k.child_id = c.child_id AND k.contact_date > c.end_date) ORDER BY c.id LIMIT 1")
    _select(qtbot, window, ended)
    dlg = _open_sdq(qtbot, window)
    assert dlg.phase.currentData() == "follow_up" and dlg.phase.currentText() == "Opfølgning"
    assert "forløbet sluttede" in dlg.suggestion.text()


def test_gem_asks_for_the_passphrase_and_signs_then_the_sdq_tab_shows_it(qtbot, window, demo_ws, _prompts) -> None:
    child_id = _child_without_course(demo_ws)
    _select(qtbot, window, child_id)
    before = demo_ws.db.scalar("SELECT count(*) FROM sdq_responses WHERE child_id = ?", (child_id,))
    dlg = _open_sdq(qtbot, window)
    for box in dlg.items:  # every answer from the keyboard
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_1)
    save = dlg.findChild(QPushButton, "saveSdqButton")
    _prompts.set_next_text(None)  # the user cancels the passphrase: nothing is saved, the form stays
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert _prompts.shown[-1][0] == "passphrase" and dlg.isVisible()
    _prompts.set_next_text("forkert-kode-123")  # a wrong one: said in the form, nothing saved
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "adgangskode" in dlg.error.text())
    assert demo_ws.db.scalar("SELECT count(*) FROM sdq_responses WHERE child_id = ?", (child_id,)) == before
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dialog is None)
    row = demo_ws.db.query_one("SELECT signed_at, phase, author_id FROM sdq_responses WHERE child_id = ? "
                               "ORDER BY id DESC LIMIT 1", (child_id,))
    assert row["signed_at"] and row["phase"] == "baseline" and row["author_id"] == demo_ws.user.id
    assert demo_ws.db.scalar("SELECT count(*) FROM signatures_pending") == 0
    tab = window.child_view.sdq
    qtbot.waitUntil(lambda: tab.table.topLevelItemCount() == before + 1)
    assert tab.table.topLevelItem(before).text(1) == "Forælder"


def _with_progress(demo_ws) -> int:
    """A demo child with parent and self-report forms before and at the end of a course."""
    return demo_ws.db.scalar("SELECT child_id FROM sdq_responses GROUP BY child_id HAVING sum(informant = 'self') > 1 "
                             "AND sum(informant = 'parent') > 1 AND sum(phase = 'closing') > 0 "
                             "ORDER BY child_id LIMIT 1")


def test_the_sdq_tab_shows_bands_the_change_since_the_same_informant_and_the_pdfs_chart(qtbot, window,
                                                                                          demo_ws) -> None:
    child_id = _with_progress(demo_ws)
    _select(qtbot, window, child_id)
    cv = window.child_view
    bar = cv.tabs.tabBar()
    index = cv.tabs.indexOf(cv.sdq)
    assert bar.tabText(index) == "SD&Q"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert cv.tabs.currentWidget() is cv.sdq
    tab = cv.sdq
    headers = [tab.table.headerItem().text(i) for i in range(tab.table.columnCount())]
    assert headers[:6] == ["Dato", "Besvaret af", "Tidspunkt", "Samlet", "Bånd (samlet)", "Ændring siden før"]
    progress = sdq_records.progress(ws=demo_ws, child_id=child_id)
    rows = {(tab.table.topLevelItem(i).text(1), tab.table.topLevelItem(i).text(2)): tab.table.topLevelItem(i)
            for i in range(tab.table.topLevelItemCount())}
    for p in progress.rows:
        base = [q for q in progress.rows if q.response.informant == p.response.informant
                and q.response.phase == "baseline" and q.response.answered_on <= p.response.answered_on]
        if p.response.phase == "closing" and base:
            name = {"parent": "Forælder", "self": "Selvrapport"}[p.response.informant]
            item = rows[(name, "Ved afslutning")]
            expected = p.scores["total_difficulties"] - base[-1].scores["total_difficulties"]
            assert item.text(5) == f"{expected:+d}" and item.text(4) == p.bands["total_difficulties"]
    # The chart draws exactly the PDF's series, and both informants' lines are on the screen.
    summary = documents.summary_data(ws=demo_ws, child_id=child_id, on=TODAY)
    assert tab.chart.series == summary.sdq_series and set(summary.sdq_series) >= {"parent", "self"}
    image = tab.chart.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert {QColor(SERIES_COLOR["parent"]).name(), QColor(SERIES_COLOR["self"]).name()} <= colours


def _visible_texts(widget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget) and w.text()]


def test_unconfirmed_bands_are_said_once_in_a_footnote_in_dialog_tab_and_pdf(qtbot, window, demo_ws) -> None:
    child_id = _with_progress(demo_ws)
    _select(qtbot, window, child_id)
    dlg = _open_sdq(qtbot, window)
    _pick(qtbot, dlg.informant, "self")  # the self-report's tables are not confirmed
    for box in dlg.items:
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_2)
    texts = _visible_texts(dlg)
    assert sum(t.count(UNCONFIRMED_NOTE) for t in texts) == 1 and dlg.footnote_label.text() == UNCONFIRMED_NOTE
    assert "bekræftet" not in dlg.result.text() and "*" in dlg.result.text()
    dlg.close_without_asking()
    qtbot.waitUntil(lambda: window.dialog is None)
    cv = window.child_view
    cv.tabs.setCurrentWidget(cv.sdq)
    texts = _visible_texts(cv.sdq)
    assert sum(t.count(UNCONFIRMED_NOTE) for t in texts) == 1
    assert not [t for t in texts if "bekræftet" in t and t != UNCONFIRMED_NOTE]
    pdf = documents.journal_summary_pdf(ws=demo_ws, child_id=child_id, on=TODAY)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count(" ".join(UNCONFIRMED_NOTE.split())) == 1
    sdq_part = text[text.index("SDQ (spørgeskemaer"):text.index("Samlet vanskelighedsscore over tid")]
    assert "ikke bekræftet)" not in sdq_part and "*" in sdq_part
