"""Menus declared as rows (key, text, shortcut, slot): one way to build them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


def add_menu(window: QMainWindow, title: str, rows: Iterable[tuple[str, str, str, Callable]]) -> dict[str, QAction]:
    """`title` and the row texts come translated by the caller (whose class is their translation context)."""
    menu = window.menuBar().addMenu(title)
    actions = {}
    for key, text, shortcut, slot in rows:
        action = QAction(text, window)
        action.setObjectName(f"action_{key}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        # The slot is called without arguments: triggered's `checked` must never reach a parameter with a default.
        action.triggered.connect(lambda _checked=False, run=slot: run())
        menu.addAction(action)
        actions[key] = action
    return actions
