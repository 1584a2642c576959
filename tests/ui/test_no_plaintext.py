"""After a whole GUI session, no synthetic name or CPR exists in plaintext anywhere the app writes, except
the PDF the user asked for; logs and crash reports carry no record data; a second instance is refused."""

import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient import paths
from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services.demo import demo
from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import children
from behandlerklient.ui.controller import AppController
from tests.conftest import PASSPHRASE
from tests.helpers import give_consent


def _needles(ws) -> list[bytes]:
    out = []
    for r in ws.db.query("SELECT first_name, last_name, cpr FROM children"):
        for text in (f"{r[0]} {r[1]}", r[1] if len(r[1]) > 5 else None, r[2], f"{r[2][:6]}-{r[2][6:]}"):
            if text:
                out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def _scan(folders: list[Path], needles: list[bytes], allowed: set[Path]) -> list[str]:
    hits = []
    for folder in folders:
        if not folder.exists():
            continue
        for p in folder.rglob("*"):
            if p.is_file() and p.resolve() not in allowed:
                data = p.read_bytes()
                hits += [f"{p}: {n[:12]!r}" for n in needles if n in data]
    return hits


def test_full_session_leaves_no_plaintext(qtbot, ws, db_path, tmp_path, monkeypatch, _prompts) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    demo.generate(ws=ws, children_count=25, seed=5, today=date(2026, 11, 23))
    gp = GeneralPractitioner(None, "Lægehuset Zeta", "Xerxes Quist", gp_phone := "11 22 33 44")
    child = children.register_child(ws=ws, first_name="Zacharias", last_name="Quistgaard", cpr="240314-4321", gp=gp,
                                    guardians=[Guardian(None, "Mor Quistgaard", "mother", True)]).child
    child = children.overview(ws=ws, child_id=child.id, log_view=False).child
    give_consent(ws, child, on=date(2026, 1, 1))
    pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 1, 5))
    needles = _needles(ws)
    ws.close()
    assert gp_phone

    controller = AppController(path=db_path, lock_after_ms=600_000)
    controller.start()
    qtbot.waitUntil(lambda: controller.unlock_dialog is not None and controller.unlock_dialog.isVisible())
    qtbot.keyClicks(controller.unlock_dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(controller.unlock_dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None)
    window = controller.window
    qtbot.keyClicks(window.search, "Zach")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.new_session_button.isEnabled())
    assert "Zacharias" not in window.windowTitle()
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None)
    editor = window.editor
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    qtbot.keyClicks(editor.parts["exercise"], " Zacharias Quistgaard øvede trin 1.")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=3000):
        qtbot.keyClick(editor.parts["exercise"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    chosen = tmp_path / "valgt"
    chosen.mkdir()
    pdf = chosen / "journaludskrift.pdf"
    _prompts.set_next_path(pdf)
    _prompts.set_next_answer(False)
    window.documents.journal_summary()
    assert pdf.exists()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    QApplication.clipboard().setText("Zacharias Quistgaard 240314-4321")  # as if copied from the record
    controller.lock()
    assert QApplication.clipboard().text() == ""
    controller.unlock_dialog.reject()

    folders = [db_path.parent, paths.data_dir(), paths.config_dir(), paths.log_dir(), private_tmp,
               Path(os.environ["XDG_CONFIG_HOME"]), Path(os.environ["XDG_CACHE_HOME"]), Path(os.environ["XDG_DATA_HOME"])]
    hits = _scan(folders, needles, allowed={pdf.resolve()})
    assert hits == [], hits[:5]
    assert len(needles) > 50


def test_crash_report_carries_no_record_data(caplog, _prompts) -> None:
    from behandlerklient.ui import errors

    _prompts.set_next_answer(True)
    try:
        raise RuntimeError("Zacharias Quistgaard 240314-4321 gik galt")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            errors.report(None, exc)
    text = caplog.text + " ".join(str(p) for p in _prompts.shown)
    assert "RuntimeError" in text and "240314" not in text and "Zacharias" not in text


def test_second_instance_is_refused(qtbot, db_path) -> None:
    from behandlerklient.ui import single_instance

    first = single_instance.acquire(db_path)
    assert first is not None and single_instance.acquire(db_path) is None
    first.unlock()
    again = single_instance.acquire(db_path)
    assert again is not None
    again.unlock()
