"""The start screen: the work queue, grouped by what kind of attention each item needs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from behandlerklient.services.overview.work_queue import APPROVAL, SECTIONS, Task
from behandlerklient.ui.i18n import fill

TASK_ROLE = Qt.ItemDataRole.UserRole + 10
SECTION_ROLE = Qt.ItemDataRole.UserRole + 11


def _d(text: str) -> str:
    return f"{text[8:10]}.{text[5:7]}.{text[0:4]}" if len(text) >= 10 else ""


class WorkQueueWidget(QWidget):
    task_opened = Signal(object)  # a work_queue.Task
    approvals_seen = Signal()  # "mark all as seen"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workQueue")
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("<h2>Work list</h2>What is waiting for you. Double-click or press Enter to "
                                      "open. Choose a child on the left to see the journal."))
        self.heading.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        self.seen_button = QPushButton(self.tr("Mar&k all as seen"))
        self.seen_button.setObjectName("markAllSeenButton")
        self.seen_button.setToolTip(self.tr("The supervisor's approvals need nothing done: clears them from the list"))
        self.seen_button.clicked.connect(self.approvals_seen)
        top.addWidget(self.seen_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)
        self.note = QLabel("")  # what a narrowed list leaves out (show_only)
        self.note.setObjectName("workQueueNote")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        self.only: str | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("workQueueTree")
        self.tree.setHeaderLabels([self.tr("Task"), self.tr("Child"), self.tr("Date"), self.tr("Days")])
        # Column widths from the first rows, not every task (hundreds at 10,000 children: 12 ms a column).
        self.tree.header().setResizeContentsPrecision(60)
        # One line per task: the view need not measure every row to lay out hundreds (10,000 children).
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.tasks: list[Task] = []
        self.loading = False

    def show_loading(self) -> None:
        """Until the first list is read (on a worker): says so. An empty list would read as "nothing waiting"."""
        self.loading, self.tasks = True, []
        self.tree.clear()
        item = QTreeWidgetItem([self.tr("Loading the work list…"), "", "", ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # nothing to select or open
        self.tree.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)
        self.seen_button.hide()

    def show_tasks(self, tasks: list[Task]) -> None:
        if tasks == self.tasks and self.tree.topLevelItemCount() and not self.loading:
            return  # nothing to redraw (most changes leave the list as it was); keeps the reader's place too
        self.tasks, self.loading = tasks, False
        self.tree.clear()
        # Items are built detached and added in one call: styling an item already in the tree makes the view
        # lay out everything again (13 ms a heading with 800 tasks at 10,000 children).
        heads, folded = [], set()
        for section, title in SECTIONS.items():
            mine = [t for t in tasks if t.section == section]
            approvals = [t for t in mine if t.kind == APPROVAL]
            # The count is what is shown under the heading: approvals are counted on their own folded line.
            head = QTreeWidgetItem([f"{title} ({len(mine) - len(approvals)})", "", ""])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setData(0, SECTION_ROLE, section)
            for t in sorted(mine, key=lambda t: (not t.own, t.day)):  # her own caseload first
                if t.kind != APPROVAL:
                    self._item(head, t)
            heads.append(head)
            if approvals:  # they need nothing done: one collapsed heading, opened on demand or marked seen at once
                fold = QTreeWidgetItem([fill(self.tr("Approved by the supervisor (%1)"), len(approvals)), "", "", ""])
                fold.setData(0, SECTION_ROLE, section)
                for t in sorted(approvals, key=lambda t: t.day):
                    self._item(fold, t)
                heads.append(fold)
                folded.add(id(fold))
        self.tree.addTopLevelItems(heads)
        for head in heads:
            head.setFirstColumnSpanned(True)
            head.setExpanded(id(head) not in folded)
        for i in range(4):
            self.tree.resizeColumnToContents(i)
        self._narrow()

    def show_only(self, section: str | None, note: str = "") -> None:
        """One section alone (None: the whole list again), with `note` above it; kept until the next call."""
        self.only = section
        self.note.setText(note)
        self.note.setVisible(bool(section and note))
        self._narrow()
        if section is not None:
            first = next((item for item in self._heads() if not item.isHidden()), None)
            if first is not None:
                self.tree.setCurrentItem(first.child(0) or first)
            self.tree.setFocus()

    def _heads(self) -> list[QTreeWidgetItem]:
        return [item for i in range(self.tree.topLevelItemCount()) if (item := self.tree.topLevelItem(i)) is not None]

    def _narrow(self) -> None:
        for item in self._heads():
            item.setHidden(self.only is not None and item.data(0, SECTION_ROLE) != self.only)
        self.seen_button.setVisible(any(t.kind == APPROVAL and self.only in (None, t.section) for t in self.tasks))

    @staticmethod
    def _item(parent: QTreeWidgetItem, t: Task) -> None:
        days = "" if t.days is None else str(t.days)
        item = QTreeWidgetItem(parent, [t.text, t.child_name, _d(t.day), days])
        item.setData(0, TASK_ROLE, t)
        if days:
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def count(self, section: str) -> int:
        return sum(1 for t in self.tasks if t.section == section)

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        task = item.data(0, TASK_ROLE)
        if task is not None:
            self.task_opened.emit(task)
