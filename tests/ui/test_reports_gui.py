"""The report dialog computes on a worker: it opens at once, says it is working, and fills in when done."""

import time

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QPushButton

from behandlerklient.services.reports import reports


def _open(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "reportDialog")
    return window.dialog


def test_the_overview_fills_in_from_a_worker_and_the_pdf_is_saved(qtbot, window, tmp_path, _prompts) -> None:
    dlg = _open(qtbot, window)
    qtbot.waitUntil(lambda: not dlg.computing(), timeout=5000)
    assert "sessioner" in dlg.summary.text()
    assert dlg.tables["by_track"].rowCount() > 0
    out = tmp_path / "manualtroskab.pdf"
    _prompts.set_next_path(out)
    _prompts.set_next_answer(True)  # dismisses the "Rapport gemt" message
    qtbot.mouseClick(dlg.findChild(QPushButton, "save_fidelity_pdf"), Qt.MouseButton.LeftButton)
    assert out.read_bytes().startswith(b"%PDF")
    assert _prompts.shown[-1] == ("info", "Rapport gemt", str(out))


def test_a_slow_overview_keeps_the_dialog_live_and_a_new_period_wins(qtbot, window, monkeypatch) -> None:
    real = reports.fidelity_data
    periods = []

    def slow(**kw):
        periods.append((kw["start"], kw["end"]))
        time.sleep(0.3)
        return real(**kw)

    monkeypatch.setattr(reports, "fidelity_data", slow)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    dlg = _open(qtbot, window)
    assert dlg.summary.text() == "Beregner…" and dlg.computing()
    end = dlg.end.date()
    dlg.start.setDate(QDate(end.year(), 1, 1))  # changed while the first computation runs
    qtbot.waitUntil(lambda: not dlg.computing() and dlg.summary.text() != "Beregner…", timeout=5000)
    timer.stop()
    assert len(ticks) >= 20  # the event loop kept running through two 0.3 s computations
    assert len(periods) == 2 and periods[-1][0].month == 1 and periods[-1][0].day == 1


def test_a_period_that_cannot_be_reported_says_why_in_the_dialog(qtbot, window) -> None:
    dlg = _open(qtbot, window)
    qtbot.waitUntil(lambda: not dlg.computing(), timeout=5000)
    dlg.start.setDate(dlg.end.date().addDays(1))  # starts after it ends
    qtbot.waitUntil(lambda: not dlg.computing() and dlg.summary.text() != "Beregner…", timeout=5000)
    assert dlg.summary.text() == "Slutdatoen ligger før startdatoen."
