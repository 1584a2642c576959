"""Every label readable on a 1280x720 laptop: no text cut off, no dialog taller than the screen, the signing
prompt wrapped to its text, and Qt's own file dialog in Danish."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QHeaderView, QLabel, QStyle, QWidget

from behandlerklient.ui import prompts

SCREEN_WIDTH, SCREEN_HEIGHT, TITLE_BAR = 1280, 720, 32


def clipped(top: QWidget) -> list[str]:
    """What a user cannot read whole: labels smaller than their text, table headings narrower than theirs, and
    a window bigger than the screen (with its title bar)."""
    problems = []
    if top.width() > SCREEN_WIDTH or top.height() + TITLE_BAR > SCREEN_HEIGHT:
        problems.append(f"{top.objectName()} is {top.width()}x{top.height()}")
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.text().strip():
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height():
                problems.append(f"{label.text()[:40]!r}: {need} px of text in {label.height()} px")
        else:
            hint = label.sizeHint()
            if hint.width() > label.width() or hint.height() > label.height():
                problems.append(f"{label.text()[:40]!r}: needs {hint.width()}x{hint.height()}, "
                                f"has {label.width()}x{label.height()}")
    for header in top.findChildren(QHeaderView):
        if not header.isVisibleTo(top):
            continue
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        for i in range(header.count()):
            text = str(header.model().headerData(i, header.orientation()) or "")
            need = header.fontMetrics().horizontalAdvance(text) + 2 * margin
            if header.orientation() == Qt.Orientation.Horizontal and not header.isSectionHidden(i) \
                    and need > header.sectionSize(i):
                problems.append(f"heading {text!r}: needs {need}, has {header.sectionSize(i)}")
    return problems


def _open(qtbot, window, trigger, name: str) -> QDialog:
    trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == name and window.dialog.isVisible())
    QApplication.processEvents()
    return window.dialog


def test_the_screening_form_fits_and_shows_every_label_whole(qtbot, window) -> None:
    child_id = window.ws.db.scalar("SELECT child_id FROM contacts ORDER BY id LIMIT 1")
    window.select_child(child_id)
    dlg = _open(qtbot, window, window.pathway.actions["screening"].trigger, "formDialog")
    assert len(dlg.widgets) > 15  # the long form, crisis plan included
    problems = clipped(dlg)
    assert problems == [], "\n".join(problems)
    dlg.done(0)


def test_the_cpr_hint_grows_with_its_text(qtbot, window) -> None:
    dlg = _open(qtbot, window, window.new_child_action.trigger, "newChildDialog")
    qtbot.keyClicks(dlg.cpr, "010316-4005")  # valid date, fails modulus 11: the longest hint
    qtbot.waitUntil(lambda: "modulus 11" in dlg.cpr_state.text())
    QApplication.processEvents()
    assert clipped(dlg) == []
    dlg.done(0)


def test_the_review_dialog_fits_and_its_headings_are_whole(qtbot, ws) -> None:
    from datetime import timedelta

    from behandlerklient.core.models import User
    from behandlerklient.services.journal import sessions
    from behandlerklient.services.pathway import pathway
    from behandlerklient.storage.users import UserRepository
    from behandlerklient.ui.main_window import MainWindow
    from tests.helpers import child_with_consent
    from tests.ui.conftest import TODAY

    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
    for n in range(4):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=TODAY + timedelta(days=7 * n))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
    ws.user = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    window = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    review_id = ws.db.scalar("SELECT id FROM reviews ORDER BY id LIMIT 1")
    dlg = _open(qtbot, window, lambda: window.pathway.open_review(review_id), "reviewDialog")
    assert "Kompetence 0-6" in [dlg.table.horizontalHeaderItem(i).text() for i in range(3)]
    assert clipped(dlg) == []
    dlg.done(0)


def _inspect_modal(qtbot, look) -> list:  # noqa: ANN001
    """Runs `look` on the modal dialog a prompt opens, then cancels it (the prompt blocks until then)."""
    seen: list = []

    def visit() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or not dlg.isVisible():
            QTimer.singleShot(20, visit)
            return
        QApplication.processEvents()
        seen.append(look(dlg))
        dlg.reject()

    QTimer.singleShot(0, visit)
    return seen


def test_the_signing_prompt_wraps_its_text_and_shows_it_whole(qtbot, window) -> None:
    prompts.strict = False
    text = ("Once the session is saved in the journal, it is signed with your name and the time and cannot be "
            "changed afterwards (only corrected by a new, signed addition).\n\nType your passphrase to sign:")
    seen = _inspect_modal(qtbot, lambda dlg: (clipped(dlg), dlg.width(),
                                              [b.text() for b in dlg.findChildren(QAbstractButton)]))
    assert prompts.passphrase(window, "Underskriv session 3", text) is None
    problems, width, buttons = seen[0]
    assert problems == []
    assert 400 <= width <= 640  # a paragraph at a reading width, not one line across the screen
    assert "Annuller" in [b.replace("&", "") for b in buttons]


def test_the_save_dialog_is_qts_own_and_in_danish(qtbot, window, tmp_path) -> None:
    prompts.strict = False

    def look(dlg) -> tuple:  # noqa: ANN001
        labels = {label.text().replace("&", "") for label in dlg.findChildren(QLabel) if label.isVisibleTo(dlg)}
        buttons = {b.text().replace("&", "") for b in dlg.findChildren(QAbstractButton) if b.isVisibleTo(dlg)}
        return type(dlg).__name__, labels, buttons, clipped(dlg)

    seen = _inspect_modal(qtbot, look)
    assert prompts.save_file(window, "Gem journaludskrift", tmp_path / "journaludskrift.pdf", "PDF (*.pdf)") is None
    kind, labels, buttons, problems = seen[0]
    assert kind == "QFileDialog"
    assert {"Kig i:", "Filnavn:", "Filtype:"} <= labels, labels
    assert {"Gem", "Annullér"} <= buttons, buttons
    assert not labels & {"Look in:", "File name:", "Files of type:"}
    assert problems == []
    assert not Path(tmp_path / "journaludskrift.pdf").exists()
