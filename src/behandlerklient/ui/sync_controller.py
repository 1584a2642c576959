"""Sync with the municipal server from the GUI (docs/sync.md): after unlock, every `sync_minutes` while unlocked, on
"Synchronise now" (F9) and once more before locking; its state in the status bar.

Nothing waits for the network. The sync runs on a worker thread with a database connection of its own
(workspace.in_own_connection: an SQLCipher connection belongs to the thread that opened it, so the window's is
never touched there); the window's thread only reads the local counts. One worker for the whole app: two syncs
never run at once, not even one left running past a lock and the next unlock's first. Locking waits at most
LOCK_WAIT_S for the last sync, then stops it and locks anyway: what was not sent waits in the outbox, and a page
half received is not kept (each page is applied in one transaction with its cursor)."""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QToolButton

from behandlerklient.core.errors import KnownError
from behandlerklient.services import sync as sync_service
from behandlerklient.services.changes import Changes
from behandlerklient.services.overview import work_queue
from behandlerklient.services.sync import connection
from behandlerklient.services.workspace import settings as settings_service
from behandlerklient.services.workspace import workspace
from behandlerklient.ui import background
from behandlerklient.ui.i18n import fill

log = logging.getLogger(__name__)

LOCK_WAIT_S = 5.0  # the longest a lock waits for its last sync
CONNECT_TIMEOUT_S = 10
POLL_MS = 100
STATUS_MS = 15_000  # the counts change as the user signs: re-read now and then (five local counts, no network)

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="behandlerklient-sync")


class Stopped(Exception):
    """The sync was stopped because the app locked."""


class _Guarded:
    """The server connection as the sync sees it: once stopped, the next server call raises."""

    def __init__(self, conn: Any, stop: threading.Event) -> None:
        self._inner, self._stop = conn, stop  # the SQL itself stays in storage/sync_server.py

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        if self._stop.is_set():
            raise Stopped()
        return self._inner.execute(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Run:
    """One sync's server connection, stoppable from the window's thread."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._conn: Any = None
        self._lock = threading.Lock()

    def connect(self, state: Any) -> Any:
        conn = connection.connect(state, timeout=CONNECT_TIMEOUT_S)
        with self._lock:
            self._conn = conn
        if self.stop.is_set():
            conn.close()
            raise Stopped()
        return _Guarded(conn, self.stop)

    def cancel(self) -> None:
        """Stop at the next server call and cancel the one in flight (psycopg's cancel is thread-safe)."""
        self.stop.set()
        with self._lock:
            conn = self._conn
        if conn is not None:
            # Already closed or unreachable: the stop flag ends it all the same.
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=1.0)


def drain(timeout: float = 30.0) -> None:
    """Block until a sync still running (stopped by a lock) has let go of its connection (key rotation)."""
    wait_futures([_worker.submit(lambda: None)], timeout=timeout)


class SyncController(QObject):
    finished = Signal()  # a sync ended, either way (views and tests)

    def __init__(self, window: QMainWindow, ws: workspace.Workspace) -> None:
        super().__init__(window)
        self.window: Any = window  # the MainWindow (apply_changes, work_queue, show_queue)
        self.ws = ws
        self.label = QLabel("")
        self.label.setObjectName("syncStatus")
        window.statusBar().addPermanentWidget(self.label)
        # The quarantine count opens the list of what is in it (a button: a click and the keyboard both work).
        self.quarantine_button = QToolButton()
        self.quarantine_button.setObjectName("syncQuarantine")
        self.quarantine_button.setAutoRaise(True)
        self.quarantine_button.setVisible(False)
        self.quarantine_button.clicked.connect(lambda _checked=False: self.show_quarantine())
        window.statusBar().addPermanentWidget(self.quarantine_button)
        self.quarantine_dialog: Any = None
        self.runs = 0  # started this session
        self.error: str | None = None
        self.offline = True
        self.last_ok: datetime | None = None
        self.summary = ""
        self._future: Future | None = None
        self._run: _Run | None = None
        self.sync_action = QAction(self.tr("S&ynchronise now"), window, shortcut=QKeySequence("F9"))
        self.sync_action.setObjectName("action_sync_now")
        self.sync_action.triggered.connect(lambda _checked=False: self.sync_now())
        self.issues_action = QAction(self.tr("&Conflicts and quarantine"), window, shortcut=QKeySequence("Shift+F9"))
        self.issues_action.setObjectName("action_sync_issues")
        self.issues_action.triggered.connect(lambda _checked=False: self.show_issues())
        self.quarantine_action = QAction(self.tr("Quarantined &records…"), window,
                                         shortcut=QKeySequence("Ctrl+F9"))
        self.quarantine_action.setObjectName("action_sync_quarantine")
        self.quarantine_action.triggered.connect(lambda _checked=False: self.show_quarantine())
        menu = window.menuBar().actions()[0].menu()
        assert isinstance(menu, QMenu)
        last = next((a for a in menu.actions() if a.objectName() == "action_quit"), menu.actions()[-1])  # before Quit
        menu.insertAction(last, self.sync_action)
        menu.insertAction(last, self.issues_action)
        menu.insertAction(last, self.quarantine_action)
        menu.insertSeparator(last)
        minutes = settings_service.get(ws=ws, key="sync_minutes")
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(minutes)) * 60_000 if minutes.isdigit() else 5 * 60_000)
        self.timer.timeout.connect(self.sync_now)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.timeout.connect(self.refresh)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)

    # -- when -----------------------------------------------------------------------------
    def start(self) -> None:
        """After unlock: the counts at once, the first sync as soon as the window is up, then every few minutes."""
        self.refresh()
        self.timer.start()
        self._status_timer.start()
        QTimer.singleShot(0, self, self.sync_now)

    def running(self) -> bool:
        return self._future is not None

    def sync_now(self) -> bool:
        """Starts a sync on the worker unless one is running or this computer is not enrolled (then nothing
        touches the network). True when one started."""
        ws = self.ws
        if self.running() or ws.db.closed or ws.data_key is None:
            return False
        status = self.refresh()
        if status is None or not status.enrolled:
            return False
        run = _Run()
        self._run = run
        self._future = _worker.submit(workspace.in_own_connection(
            ws, lambda own: sync_service.sync(ws=own, connect=run.connect)))
        self.runs += 1
        self._poll.start()
        self._show(status)
        return True

    def _check(self) -> None:
        future = self._future
        if future is None or not future.done():
            return
        self._poll.stop()
        self._future = self._run = None
        exc = future.exception()
        if exc is None:
            result = future.result()
            self.error, self.last_ok, self.summary = None, datetime.now().astimezone(), result.summary()
            if result.pull.received or result.pull.purged:
                self.window.apply_changes(Changes(children=True, courses=True, sessions=True, journal=True))
        elif isinstance(exc, Stopped):
            pass
        elif isinstance(exc, KnownError):
            self.error, self.offline = exc.message, isinstance(exc, connection.ServerUnreachable)
        elif type(exc).__module__.startswith("psycopg"):  # the connection broke off mid-sync
            self.error, self.offline = fill(self.tr("The connection to the server broke off: %1"),
                                            str(exc).strip().splitlines()[0] if str(exc).strip() else
                                            type(exc).__name__), True
        else:
            log.error("sync failed: %s", type(exc).__name__)  # the type only: a message may hold record text
            self.error, self.offline = fill(self.tr("The sync failed (%1); the next one tries again."),
                                            type(exc).__name__), False
        self.refresh()
        self.finished.emit()

    def before_lock(self) -> None:
        """The last sync before the key goes: started (or the running one awaited) for at most LOCK_WAIT_S, then
        stopped. Locking goes on either way."""
        self.timer.stop()
        self._status_timer.stop()
        if not (self.running() or self.sync_now()):
            return
        future, run = self._future, self._run
        assert future is not None and run is not None
        try:
            background.wait_for(self.window, self.tr("Synchronising before locking…"),
                                lambda: wait_futures([future], timeout=LOCK_WAIT_S))
        finally:
            if not future.done():
                run.cancel()
            self._poll.stop()

    # -- what ------------------------------------------------------------------------------
    def refresh(self) -> sync_service.SyncStatus | None:
        if self.ws.db.closed:
            return None
        status = sync_service.status(ws=self.ws)
        self._show(status)
        return status

    def _show(self, st: sync_service.SyncStatus) -> None:
        self._show_quarantine_count(st)
        if not st.enrolled:
            self.label.setText(self.tr("Not enrolled with a server"))
            self.label.setToolTip(self.tr("This computer works on its own and sends nothing. An administrator "
                                          "enrols it with: behandlerklient sync enroll"))
            return
        waiting = fill(self.tr("%1 waiting"), st.waiting)
        conflicts = work_queue.conflict_count(ws=self.ws)  # the list itself may be stale behind the child's view
        conflict_text = self.tr("1 conflict") if conflicts == 1 else fill(self.tr("%1 conflicts"), conflicts)
        error = self.error or st.last_error
        if self.running():
            parts = [self.tr("Synchronising…"), waiting]
        elif error:
            parts = [fill(self.tr("Offline: %1 waiting") if self.offline else self.tr("Not synchronised: %1 waiting"),
                          st.waiting)]
            parts += [conflict_text] if conflicts else []
        else:
            when = self.last_ok or _latest(st.last_push_at, st.last_pull_at)
            head = fill(self.tr("Synchronised %1"), _when(when)) if when else self.tr("Not synchronised yet")
            parts = [head, waiting, conflict_text]  # the quarantine count beside it is a button (its list)
        if st.backlog_waiting and not self.running():  # written before the outbox, their author has not unlocked
            parts.append(fill(self.tr("%1 waiting for their author's key"), st.backlog_waiting))
        self.label.setText(" · ".join(parts))
        tips = [fill(self.tr("Server %1, as %2"), st.server, st.username)]
        if error:
            tips.append(fill(self.tr("Last error: %1"), error))
        elif self.summary:
            tips.append(self.summary)
        tips.append(fill(self.tr("Quarantine: %1 received records refused here; %2 of yours held by the server "
                                 "(%3 of them as conflicts)."), st.quarantined, st.refused + st.conflicts,
                         st.conflicts))
        self.label.setToolTip("\n".join(tips))

    def _show_quarantine_count(self, st: sync_service.SyncStatus) -> None:
        quarantined = st.quarantined + st.refused + st.conflicts
        self.quarantine_button.setVisible(st.enrolled)
        self.quarantine_button.setText(fill(self.tr("%1 in quarantine"), quarantined))
        self.quarantine_button.setToolTip(self.tr("Show the records in quarantine (Ctrl+F9)"))

    def show_quarantine(self) -> None:
        """The list of quarantined records, record by record (never their content)."""
        from behandlerklient.ui.dialogs.quarantine_dialog import QuarantineDialog

        if self.ws.db.closed:
            return
        if self.quarantine_dialog is not None:
            self.quarantine_dialog.close()
        self.quarantine_dialog = QuarantineDialog(ws=self.ws, parent=self.window)
        self.quarantine_dialog.open()

    def show_issues(self) -> None:
        """The work list narrowed to the conflicts between devices (each opens its resolution dialog), with what
        is in quarantine said above it."""
        window: Any = self.window
        window.show_queue()
        st = self.refresh()
        if st is None or not st.enrolled:
            note = self.tr("This computer is not enrolled with a sync server: nothing is in quarantine.")
        else:
            note = fill(self.tr("In quarantine: %1 records received from the server were refused on this computer, "
                                "and the server holds %2 of yours (%3 of them as conflicts with another device's "
                                "record). Nothing in quarantine is deleted; the administrator goes through it."),
                        st.quarantined, st.refused + st.conflicts, st.conflicts)
        window.work_queue.show_only("conflicts", note)


def _latest(*texts: str | None) -> datetime | None:
    times = [datetime.fromisoformat(t) for t in texts if t]
    return max(times).astimezone() if times else None


def _when(at: datetime) -> str:
    local = at.astimezone()
    return f"{local:%H:%M}" if local.date() == datetime.now().astimezone().date() else f"{local:%d.%m. %H:%M}"
