"""Work longer than a frame (KDF, reports, PDFs, the demo database) runs on a worker thread; the window keeps
painting and answering while a busy dialog says what is happening.

`wait_for` keeps call sites sequential (ask, work, report) by spinning a local event loop, the way
QDialog.exec does; `start` hands the result to a callback instead. The worker never touches a widget or
the window's database connection: work that reads the database opens its own
(`workspace.in_own_connection`).

Locking asks `busy()` and `nested()`: it counts callers, not futures. A future is done before its caller
has resumed (wait_for's loop notices on its next poll), and a lock torn down in that gap deletes the window
under the caller. A caller counts from entering wait_for/start until it has its result back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")

POLL_MS = 15
# Short work finishes before the busy dialog would appear, so it never flashes.
SHOW_AFTER_MS = 250

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="behandlerklient-arbejde")
_running: set[Future] = set()
_lock = threading.Lock()
# Both touched on the UI thread only.
_callers = 0  # wait_for calls that have not returned, start calls whose callback has not run
_loops = 0  # local event loops (wait_for, modal prompts) on the stack
_pending_callbacks: list["_Callback"] = []


class Progress:
    """Written by the worker, read by the UI thread's timer: (done, total)."""

    def __init__(self) -> None:
        self.done, self.total = 0, 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def busy() -> bool:
    """A caller is waiting for work: tearing the window down now would pull it from under that caller."""
    return _callers > 0


def nested() -> bool:
    """A local event loop is on the stack: whatever runs now returns into a caller that expects its window."""
    return _loops > 0


@contextmanager
def nested_loop() -> Iterator[None]:
    """Mark a local event loop (QDialog.exec, QEventLoop.exec) for the lock routine."""
    global _loops
    _loops += 1
    try:
        yield
    finally:
        _loops -= 1


@contextmanager
def _caller() -> Iterator[None]:
    global _callers
    _callers += 1
    try:
        yield
    finally:
        _callers -= 1


def wait_idle(timeout: float = 60.0) -> None:
    """Block until running work has finished (locking and quitting must not pull the key from under it)."""
    with _lock:
        futures = list(_running)
    for f in futures:
        try:
            f.result(timeout=timeout)
        except Exception:  # noqa: BLE001 - its own caller reports the failure
            pass


def _submit(work: Callable[[], T]) -> Future:
    future = _pool.submit(work)
    with _lock:
        _running.add(future)

    def forget(f: Future) -> None:
        with _lock:
            _running.discard(f)

    future.add_done_callback(forget)
    return future


def _busy_dialog(parent: QWidget | None, text: str, progress: Progress | None) -> QProgressDialog:
    dlg = QProgressDialog(text, "", 0, 0, parent)
    dlg.setObjectName("busyDialog")
    dlg.setWindowTitle("Behandlerklient")
    dlg.setCancelButton(None)
    dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
    dlg.setMinimumDuration(0)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    if progress is not None and progress.total:
        dlg.setRange(0, progress.total)
    return dlg


def wait_for(parent: QWidget | None, text: str, work: Callable[[], T], *, progress: Progress | None = None,
             show_after_ms: int = SHOW_AFTER_MS) -> T:
    """Run `work` on a worker and return its result (or raise its exception) while the UI stays live."""
    with _caller():
        return _wait_for(parent, text, work, progress, show_after_ms)


def _wait_for(parent: QWidget | None, text: str, work: Callable[[], T], progress: Progress | None,
              show_after_ms: int) -> T:
    future = _submit(work)
    dialog: QProgressDialog | None = None
    loop = QEventLoop()
    elapsed = 0

    def poll() -> None:
        nonlocal dialog, elapsed
        elapsed += POLL_MS
        if future.done():
            loop.quit()
            return
        if dialog is None and elapsed >= show_after_ms:
            dialog = _busy_dialog(parent, text, progress)
            dialog.show()
        if dialog is not None and progress is not None and progress.total:
            dialog.setMaximum(progress.total)
            dialog.setValue(min(progress.done, progress.total))

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    if not future.done():
        timer.start()
        # Keys and clicks wait in the queue until the work is done: nothing is lost, nothing starts twice.
        with nested_loop():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    timer.stop()
    if dialog is not None:
        dialog.close()
        dialog.deleteLater()
    return future.result()


class _Callback:
    """One start() caller: counted until its callback has returned, its owner is gone or the lock drops it."""

    def __init__(self, *, counted: bool = True) -> None:
        global _callers
        self.counted = counted
        if counted:
            _callers += 1
        self.live = True
        _pending_callbacks.append(self)

    def release(self) -> None:
        global _callers
        if self.live:
            self.live = False
            if self.counted:
                _callers -= 1
            _pending_callbacks.remove(self)


def drop_callbacks() -> None:
    """Locking: callbacks still waiting will not run (their window and key are going)."""
    for cb in list(_pending_callbacks):
        cb.release()


def start(owner: QObject, work: Callable[[], T], *, done: Callable[[T], None],
          failed: Callable[[BaseException], None], holds_lock: bool = True) -> Future:
    """Run `work` on a worker; `done` or `failed` is called on the UI thread unless `owner` is gone by then.

    `holds_lock=False`: a read whose result may simply be dropped (the first work list) does not keep the
    lock waiting; the lock drops its callback like any other."""
    caller = _Callback(counted=holds_lock)
    future = _submit(work)
    timer = QTimer(owner)
    timer.setInterval(POLL_MS)
    owner.destroyed.connect(lambda *_: caller.release())

    def poll() -> None:
        if not future.done():
            return
        timer.stop()
        timer.deleteLater()
        if not caller.live:
            return
        try:
            exc = future.exception()
            if exc is None:
                done(future.result())
            else:
                failed(exc)
        finally:
            caller.release()

    timer.timeout.connect(poll)
    timer.start()
    return future
