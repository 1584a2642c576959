"""All message boxes go through here, so that tests can answer them in advance (KeePassXC's setNextAnswer)."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeView,
    QWidget,
)

from behandlerklient.ui.background import nested_loop

_next_answers: deque[bool] = deque()
_next_texts: deque[str | None] = deque()
shown: list[tuple[str, str, str]] = []  # (kind, title, text) of every prompt, for tests and diagnostics
# Under test, a prompt nobody prepared an answer for fails at once instead of blocking in exec().
strict = False


class UnexpectedPrompt(AssertionError):
    pass


_open: list[QDialog] = []  # prompts waiting in exec(), for the lock routine


def _run(dialog: QDialog) -> int:
    """exec() a prompt, known to the lock routine as a local event loop it must not tear down from inside."""
    _open.append(dialog)
    try:
        with nested_loop():
            return dialog.exec()
    finally:
        _open.remove(dialog)


def close_open() -> None:
    """Locking: every prompt waiting for an answer is cancelled (its caller sees 'No' / None and returns)."""
    for dialog in list(_open):
        dialog.done(QDialog.DialogCode.Rejected)
    for widget in QApplication.topLevelWidgets():  # Qt's own input and file dialogs run their own exec()
        if isinstance(widget, (QInputDialog, QFileDialog)) and widget.isVisible():
            widget.done(QDialog.DialogCode.Rejected)


def _refuse_unprepared(kind: str, title: str, text: str) -> None:
    if strict:
        raise UnexpectedPrompt(f"unexpected {kind} prompt: {title}: {text}")


def set_next_answer(answer: bool) -> None:
    _next_answers.append(answer)


def set_next_text(text: str | None) -> None:
    """The next text or passphrase prompt answers `text` (None: the user cancels)."""
    _next_texts.append(text)


def reset() -> None:
    _next_answers.clear()
    _next_texts.clear()
    _next_paths.clear()
    shown.clear()


def _answered() -> bool | None:
    return _next_answers.popleft() if _next_answers else None


def _box(kind: str, parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon) -> None:
    shown.append((kind, title, text))
    if _answered() is not None:
        return
    _refuse_unprepared(kind, title, text)
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(f"prompt_{kind}")
    _run(box)


def info(parent: QWidget | None, title: str, text: str) -> None:
    _box("info", parent, title, text, QMessageBox.Icon.Information)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _box("warning", parent, title, text, QMessageBox.Icon.Warning)


def error(parent: QWidget | None, title: str, text: str) -> None:
    _box("error", parent, title, text, QMessageBox.Icon.Critical)


def question(parent: QWidget | None, title: str, text: str, *, yes: str | None = None, no: str | None = None) -> bool:
    shown.append(("question", title, text))
    answer = _answered()
    if answer is not None:
        return answer
    _refuse_unprepared("question", title, text)
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("prompt_question")
    yes_button = box.addButton(yes or QCoreApplication.translate("prompts", "Yes"), QMessageBox.ButtonRole.YesRole)
    box.addButton(no or QCoreApplication.translate("prompts", "No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button)
    _run(box)
    return box.clickedButton() is yes_button


def passphrase(parent: QWidget | None, title: str, text: str) -> str | None:
    """Ask for the logged-in user's passphrase again (signing). None when cancelled."""
    shown.append(("passphrase", title, text))
    if _next_texts:
        return _next_texts.popleft()
    _refuse_unprepared("passphrase", title, text)
    dlg = passphrase_dialog(parent, title, text)
    with nested_loop():
        ok = dlg.exec()
    return dlg.textValue() if ok else None


# The signing prompt's text is a paragraph or two: wrapped at a reading width, never one line across the screen
# and never cut off.
PROMPT_TEXT_WIDTH = 440


def passphrase_dialog(parent: QWidget | None, title: str, text: str) -> QInputDialog:
    dlg = QInputDialog(parent)
    dlg.setObjectName("prompt_passphrase")
    dlg.setWindowTitle(title)
    dlg.setInputMode(QInputDialog.InputMode.TextInput)
    dlg.setTextEchoMode(QLineEdit.EchoMode.Password)
    dlg.setLabelText(text)
    label = dlg.findChild(QLabel)
    label.setWordWrap(True)
    label.setMinimumWidth(min(PROMPT_TEXT_WIDTH, label.fontMetrics().horizontalAdvance(text) + 8))
    label.setMinimumHeight(label.heightForWidth(label.minimumWidth()))
    dlg.adjustSize()
    return dlg


def text(parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
    """One line of text (e.g. a reason). None when cancelled."""
    shown.append(("text", title, label))
    if _next_texts:
        return _next_texts.popleft()
    _refuse_unprepared("text", title, label)
    with nested_loop():
        value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return value if ok else None


_next_paths: deque[Path | None] = deque()


def set_next_path(path: Path | None) -> None:
    _next_paths.append(path)


def save_file(parent: QWidget | None, title: str, suggested: Path, filter: str) -> Path | None:
    """Where the user wants a document written. None when cancelled."""
    shown.append(("save_file", title, str(suggested.name)))
    if _next_paths:
        return _next_paths.popleft()
    _refuse_unprepared("save_file", title, suggested.name)
    dlg = save_file_dialog(parent, title, suggested, filter)
    with nested_loop():
        ok = dlg.exec()
    if not ok or not dlg.selectedFiles():
        return None
    return Path(dlg.selectedFiles()[0])


def save_file_dialog(parent: QWidget | None, title: str, suggested: Path, filter: str) -> QFileDialog:
    """Qt's own dialog, not the desktop's: the same on every machine and in Danish. Qt's Danish catalogue lacks
    some of its labels ("Look in:", "Files of type:"), so every label is set from ours."""
    dlg = QFileDialog(parent, title, str(suggested.parent), filter)
    dlg.setObjectName("prompt_save_file")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    dlg.selectFile(suggested.name)
    for which, text_ in ((QFileDialog.DialogLabel.LookIn, QCoreApplication.translate("prompts", "Look in:")),
                         (QFileDialog.DialogLabel.FileName, QCoreApplication.translate("prompts", "File &name:")),
                         (QFileDialog.DialogLabel.FileType, QCoreApplication.translate("prompts", "File &type:")),
                         (QFileDialog.DialogLabel.Accept, QCoreApplication.translate("prompts", "&Save")),
                         (QFileDialog.DialogLabel.Reject, QCoreApplication.translate("prompts", "Cancel"))):
        dlg.setLabelText(which, text_)
    dlg.resize(760, 460)
    files = dlg.findChild(QTreeView, "treeView")
    if files is not None:  # the modification date takes the room left, instead of being cut to "30 11 2…"
        files.header().setStretchLastSection(True)
    return dlg
