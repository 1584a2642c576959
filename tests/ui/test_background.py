"""Work over a frame runs on a worker: the window keeps running, progress shows, errors and locks wait their turn."""

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from behandlerklient.core.errors import StorageFull
from behandlerklient.ui import background
from behandlerklient.ui.controller import AppController
from tests.ui.test_lock import _unlock


def _ticking(ms: int = 10) -> tuple[QTimer, list[float]]:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(ms)
    return timer, ticks


def test_work_runs_on_a_worker_while_the_event_loop_keeps_running(qtbot) -> None:
    timer, ticks = _ticking()

    def work() -> int:
        time.sleep(0.4)
        return threading.get_ident()

    started = time.perf_counter()
    worker = background.wait_for(None, "Arbejder…", work)
    timer.stop()
    assert worker != threading.get_ident()
    during = [t for t in ticks if t >= started]
    assert len(during) >= 10  # a frozen UI thread would tick once, after the work
    assert max(b - a for a, b in zip([started, *during], during)) < 0.2


def test_long_work_shows_a_progress_bar_that_moves_and_goes_away(qtbot) -> None:
    progress = background.Progress()
    seen: list[tuple[int, int]] = []

    def look() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QProgressDialog) and w.objectName() == "busyDialog" and w.isVisible():
                seen.append((w.value(), w.maximum()))

    def work() -> None:
        for i in range(1, 6):
            progress(i, 5)
            time.sleep(0.08)

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    background.wait_for(None, "Opretter…", work, progress=progress, show_after_ms=0)
    timer.stop()
    assert seen and {m for _v, m in seen} == {5}
    assert len({v for v, _m in seen}) >= 3  # it moved
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_short_work_never_flashes_a_busy_dialog(qtbot) -> None:
    shown: list[bool] = []
    timer = QTimer()
    timer.timeout.connect(lambda: shown.append(any(
        w.objectName() == "busyDialog" and w.isVisible() for w in QApplication.topLevelWidgets())))
    timer.start(5)
    assert background.wait_for(None, "Kort…", lambda: time.sleep(0.05) or 42) == 42
    timer.stop()
    assert shown and not any(shown)


def test_a_known_error_from_the_worker_reaches_the_caller(qtbot) -> None:
    def work() -> None:
        raise StorageFull("Disken er fuld.")

    with pytest.raises(StorageFull, match="Disken er fuld"):
        background.wait_for(None, "Gemmer…", work)
    assert not background.busy()


def test_locking_waits_until_running_work_has_returned(qtbot, db_path, _prompts) -> None:
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    order: list[str] = []

    def work() -> None:
        time.sleep(0.3)
        order.append("work done")

    QTimer.singleShot(50, controller.lock)  # e.g. the idle timer firing while a report is made
    background.wait_for(window, "Laver rapporten…", work)
    order.append("caller resumed")
    assert not controller.locked and controller.ws is not None  # the caller still had its window and key
    qtbot.waitUntil(lambda: controller.locked, timeout=3000)
    assert order == ["work done", "caller resumed"] and controller.ws is None


def test_a_lock_in_the_gap_after_the_work_finished_waits_for_the_caller(qtbot, db_path, _prompts) -> None:
    """The work is done but wait_for's loop has not yet noticed: the caller has not got its result back."""
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    release = threading.Event()
    future_done = []

    def in_the_gap() -> None:  # runs inside wait_for's loop, like the idle timer would
        release.set()
        while background._running:  # the future is done and forgotten; wait_for's poll has not run yet
            time.sleep(0.001)
        future_done.append(True)
        controller.lock()

    QTimer.singleShot(50, in_the_gap)
    result = background.wait_for(window, "Laver rapporten…", lambda: release.wait(5) and "rapport")
    assert future_done and result == "rapport"
    assert not controller.locked and controller.window is window and controller.ws is not None
    window.statusBar().showMessage("Rapporten er gemt.")  # the caller still has its window
    qtbot.waitUntil(lambda: controller.locked, timeout=3000)
    assert controller.ws is None


@pytest.mark.parametrize("kind", ["question", "passphrase"])
def test_a_lock_while_a_question_waits_cancels_it_and_locks_after_it_returned(qtbot, db_path, _prompts,
                                                                              kind) -> None:
    from behandlerklient.ui import prompts

    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    prompts.strict = False  # a real question box, left open by a user who walked away
    QTimer.singleShot(100, controller.lock)
    if kind == "question":
        assert prompts.question(window, "Fravær", "Mødte barnet ikke op?") is False  # never a "yes" nobody gave
    else:
        assert prompts.passphrase(window, "Underskriv", "Din adgangskode:") is None
    assert not controller.locked and controller.ws is not None  # not torn down under the caller
    qtbot.waitUntil(lambda: controller.locked, timeout=3000)
    assert controller.ws is None


def test_a_stuck_worker_does_not_keep_the_journal_open(qtbot, db_path, _prompts, monkeypatch) -> None:
    from behandlerklient.ui import controller as controller_module

    monkeypatch.setattr(controller_module, "LOCK_WAIT_S", 0.3)
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    release = threading.Event()
    background.start(window, lambda: release.wait(10), done=lambda _r: None, failed=lambda _e: None)
    try:
        controller.lock()
        assert not controller.locked  # deferred at first
        qtbot.waitUntil(lambda: controller.locked, timeout=3000)
        assert controller.ws is None
    finally:
        release.set()


def test_a_stuck_caller_gets_its_window_hidden_and_the_lock_when_it_returns(qtbot, db_path, _prompts,
                                                                          monkeypatch) -> None:
    from behandlerklient.ui import controller as controller_module

    monkeypatch.setattr(controller_module, "LOCK_WAIT_S", 0.2)
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    window.new_child_action.trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    qtbot.keyClicks(window.dialog.first, "Åse")
    release = threading.Event()

    def watch() -> None:  # the journal must leave the screen although the caller is still waiting
        if not window.isVisible():
            release.set()

    watcher = QTimer()
    watcher.timeout.connect(watch)
    watcher.start(20)
    QTimer.singleShot(20, controller.lock)
    background.wait_for(window, "Laver rapporten…", lambda: release.wait(10))
    watcher.stop()
    assert release.is_set() and not controller.locked and controller.ws is not None
    qtbot.waitUntil(lambda: controller.locked, timeout=3000)
    assert controller.ws is None and controller.unlock_dialog.isVisible()
    window = _unlock(qtbot, controller)  # the hidden editor's typing was kept all the same
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "newChildDialog")
    assert window.dialog.first.text() == "Åse"


def test_locking_during_a_backup_waits_for_it_with_the_window_painting(qtbot, db_path, _prompts) -> None:
    from concurrent.futures import ThreadPoolExecutor

    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    _unlock(qtbot, controller)
    pool = ThreadPoolExecutor(max_workers=1)
    ticked = threading.Event()
    # Stands in for a large journal's backup copy: it ends once the window has painted ten times meanwhile
    # (a lock that blocked the event loop would make it run into its 10 s limit instead).
    backup = pool.submit(ticked.wait, 10)
    controller._backup_future = backup
    timer, ticks = _ticking()
    timer.timeout.connect(lambda: len(ticks) >= 10 and ticked.set())
    controller.lock()
    timer.stop()
    assert backup.done() and backup.result() is True  # the event loop ran while the lock waited
    assert controller.locked and controller.ws is None
    pool.shutdown()
