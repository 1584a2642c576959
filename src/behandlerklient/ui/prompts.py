"""All message boxes go through here, so that tests can answer them in advance (KeePassXC's setNextAnswer)."""

from __future__ import annotations

from collections import deque

from PySide6.QtWidgets import QMessageBox, QWidget

_next_answers: deque[bool] = deque()
shown: list[tuple[str, str, str]] = []  # (kind, title, text) of every prompt, for tests and diagnostics


def set_next_answer(answer: bool) -> None:
    _next_answers.append(answer)


def _answered() -> bool | None:
    return _next_answers.popleft() if _next_answers else None


def _box(kind: str, parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon) -> None:
    shown.append((kind, title, text))
    if _answered() is not None:
        return
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(f"prompt_{kind}")
    box.exec()


def info(parent: QWidget | None, title: str, text: str) -> None:
    _box("info", parent, title, text, QMessageBox.Icon.Information)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _box("warning", parent, title, text, QMessageBox.Icon.Warning)


def error(parent: QWidget | None, title: str, text: str) -> None:
    _box("error", parent, title, text, QMessageBox.Icon.Critical)


def question(parent: QWidget | None, title: str, text: str, *, yes: str = "Ja", no: str = "Nej") -> bool:
    shown.append(("question", title, text))
    answer = _answered()
    if answer is not None:
        return answer
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("prompt_question")
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button
