from PySide6.QtCore import Qt

from behandlerklient.storage.sessions import JournalRepository
from tests.exports.conftest import build
from tests.helpers import own_sender


def test_journal_summary_from_the_child_view(qtbot, window, demo_ws, tmp_path, _prompts) -> None:
    child, _course = build(demo_ws)
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    out = tmp_path / "udskrift.pdf"
    _prompts.set_next_path(out)
    _prompts.set_next_answer(False)  # do not open the folder
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert out.read_bytes().startswith(b"%PDF")
    assert _prompts.shown[0] == ("save_file", "Gem journaludskrift", "journaludskrift.pdf")  # no name in the file name


def test_letter_is_previewed_before_it_is_written(qtbot, window, demo_ws, tmp_path, _prompts) -> None:
    own_sender()  # the shipped example sender writes the PDF but no MedCom file
    child, course = build(demo_ws)
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    window.documents.actions["letter_end"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "letterPreview")
    preview = window.dialog
    assert "Tilbagemelding ved afslutning" in preview.text.toPlainText()
    out = tmp_path / "breve"
    out.mkdir()
    assert not list(out.iterdir())  # nothing on disk while previewing
    _prompts.set_next_path(out / "brev.pdf")
    _prompts.set_next_answer(False)
    qtbot.mouseClick(preview.both_button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in out.iterdir()) == ["brev.medcom.json", "brev.pdf"]
    assert any(e.kind == "disclosure" for e in JournalRepository(demo_ws.db).for_child(child.id))


def test_refused_letter_shows_why(qtbot, window, demo_ws, _prompts) -> None:
    child, _course = build(demo_ws, gp_consent=False)
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    _prompts.set_next_answer(True)
    window.documents.actions["letter_start"].trigger()
    assert _prompts.shown[-1][0] == "error" and "egen læge mangler" in _prompts.shown[-1][2]
    assert window.dialog is None
