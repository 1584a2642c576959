"""When the start screen's work list is read: the first time on a worker, later here, and only when it is seen.

A save or a signing redraws what is on screen; the list (hundreds of tasks at 10,000 children) is marked stale while
the child's view covers it and read again when it comes to the front."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStackedWidget

from behandlerklient.services.overview import work_queue
from behandlerklient.services.workspace import workspace
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import background
from behandlerklient.ui.widgets.work_queue import WorkQueueWidget

log = logging.getLogger(__name__)


class WorkListFeed(QObject):
    def __init__(self, parent: QObject, *, ws: Workspace, stack: QStackedWidget, widget: WorkQueueWidget,
                 today: Callable[[], date]) -> None:
        super().__init__(parent)
        self.ws, self.stack, self.widget, self.today = ws, stack, widget, today
        self.stale, self.builds, self.loading = False, 0, False
        stack.currentChanged.connect(self._page_shown)

    def start(self) -> None:
        """The first work list is read on a worker with its own connection: on a cold disk cache it took 190 ms of
        the cold start at 10,000 children, and the window answers (search, open a child) meanwhile. Later reads
        find the pages cached and stay on this thread."""
        if self.ws.data_key is None:  # no key kept: no second connection, read it here
            self.refresh()
            return
        self.loading = True
        self.widget.show_loading()
        # Started once the window is up (the event loop's first turn): started now, the read competes with building
        # and painting the window for the CPU and the GIL, and both end later.
        QTimer.singleShot(0, self, self._start_read)

    def _start_read(self) -> None:
        if self.ws.db.closed or self.ws.data_key is None:  # closed or locked before the event loop turned
            self.loading = False
            return
        today = self.today()
        background.start(self, workspace.in_own_connection(self.ws, lambda own: work_queue.build(ws=own, today=today)),
                         done=self._filled, failed=self._fill_failed, holds_lock=False)

    def _filled(self, tasks: list[work_queue.Task]) -> None:
        self.loading = False
        if self.ws.db.closed:  # closed or locked meanwhile
            return
        if self.stale and self.stack.currentWidget() is self.widget:
            self.refresh()  # changed (or asked for) while the worker read: its snapshot may miss that
            return
        self.builds += 1
        self.widget.show_tasks(tasks)  # behind the child's view and stale: read again when shown

    def _fill_failed(self, exc: BaseException) -> None:
        log.error("reading the first work list on a worker failed: %s", type(exc).__name__)  # no text: names
        self.loading = False
        if not self.ws.db.closed:
            self.stale = True
            self._page_shown(0)  # read here, where a failure is reported the usual way

    def refresh(self) -> None:
        """Rebuilds the work list, or marks it stale while the child's view covers it or the first read runs (it is
        read again when the worker is done)."""
        if self.stack.currentWidget() is not self.widget or self.loading:
            self.stale = True
            return
        self.stale = False
        self.builds += 1
        self.widget.show_tasks(work_queue.build(ws=self.ws, today=self.today()))

    def bring_to_front(self, builds: int) -> None:
        """Shows the list, read once: unless it was read since `builds` (coming to the front, or clearing the
        selection that showed a child, just read it)."""
        self.stale = True
        self.stack.setCurrentWidget(self.widget)
        if self.builds == builds:
            self.refresh()

    def _page_shown(self, _index: int) -> None:
        if self.stale and self.stack.currentWidget() is self.widget:
            self.refresh()
