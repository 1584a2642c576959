"""All message boxes go through here, so that tests can answer them in advance (KeePassXC's setNextAnswer)."""

from __future__ import annotations

from collections import deque

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

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
    with nested_loop():
        value, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Password)
    return value if ok else None


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
    with nested_loop():
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter)
    return Path(chosen) if chosen else None
