"""The first work list is read on a worker: the window answers at once (search, open a child) while the list says
it is loading, a change made meanwhile ends on the list, and locking or closing meanwhile breaks nothing.

The worker's read is held on a threading.Event (the service's build, patched), so "meanwhile" is certain."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from behandlerklient.services.overview import work_queue
from behandlerklient.services.pathway import pathway
from behandlerklient.ui.controller import AppController
from behandlerklient.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY, wait_for_work_list

LOADING = "Henter arbejdslisten…"


class HeldBuild:
    """work_queue.build, held on a worker thread until released (after its read: what it returns may be stale)."""

    def __init__(self) -> None:
        self.real = work_queue.build
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, *, ws, today):  # noqa: ANN001, ANN204
        tasks = self.real(ws=ws, today=today)
        if threading.current_thread() is not threading.main_thread():
            self.started.set()
            self.release.wait(timeout=20)
        return tasks


@pytest.fixture
def held(monkeypatch):
    build = HeldBuild()
    monkeypatch.setattr(work_queue, "build", build)
    yield build
    build.release.set()


def _open_window(qtbot, ws) -> MainWindow:  # noqa: ANN001
    w = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _shown_texts(window: MainWindow) -> list[str]:
    tree = window.work_queue.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_the_window_answers_while_the_first_work_list_is_read(qtbot, demo_ws, held) -> None:
    window = _open_window(qtbot, demo_ws)
    qtbot.waitUntil(held.started.is_set)
    # Loading, said so: never an empty list that reads as "nothing waiting".
    assert window.work_queue.loading and _shown_texts(window) == [LOADING]
    assert not window.work_queue.seen_button.isVisible()
    # The user searches and opens a child while the worker is still held.
    first, last, child_id = demo_ws.db.query_one("SELECT first_name, last_name, id FROM children ORDER BY id LIMIT 1")
    qtbot.keyClicks(window.search, f"{first} {last}")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    assert window.child_view.overview.child.full_name == f"{first} {last}"
    assert window.current_child_id is not None and window.work_queue.loading
    held.release.set()
    wait_for_work_list(qtbot, window)
    window.queue_action.trigger()
    assert window.work_queue.tasks and window.work_queue.tasks == held.real(ws=demo_ws, today=TODAY)
    assert LOADING not in _shown_texts(window)


@pytest.mark.parametrize("behind_the_child", [False, True], ids=["list-on-screen", "list-behind-the-child"])
def test_a_change_while_the_first_work_list_is_read_ends_on_it(qtbot, demo_ws, held, behind_the_child) -> None:
    window = _open_window(qtbot, demo_ws)
    qtbot.waitUntil(held.started.is_set)  # the worker has read: its list cannot hold the contact below
    child = child_with_consent(demo_ws, "Karla", "Dahl", "020316-4004")
    if behind_the_child:
        window.select_child(child.id)
    contact_id, changes = pathway.add_contact(ws=demo_ws, child_id=child.id, contact_date=TODAY - timedelta(days=3),
                                              made_by="parent", way="gp", concern="Uro")
    window.apply_changes(changes)
    assert window.work_queue.loading  # not read again on this thread while the worker reads

    def on_list() -> bool:
        return any(t.section == "drafts" and t.record_id == contact_id for t in window.work_queue.tasks)

    held.release.set()
    wait_for_work_list(qtbot, window)
    if behind_the_child:
        window.queue_action.trigger()
    qtbot.waitUntil(on_list)
    assert window.right.currentWidget() is window.work_queue and _shown_texts(window) != [LOADING]


def _unlock(qtbot, controller: AppController) -> MainWindow:
    qtbot.waitUntil(lambda: controller.unlock_dialog is not None and controller.unlock_dialog.isVisible())
    dlg = controller.unlock_dialog
    qtbot.keyClicks(dlg.passphrase, PASSPHRASE)
    qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    return controller.window


def test_locking_while_the_first_work_list_is_read(qtbot, ws, db_path, held, _prompts) -> None:
    """The lock is not held up by the read, and the read's result never reaches the closed window or connection."""
    ws.close()
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    qtbot.waitUntil(held.started.is_set)
    old_ws = controller.ws
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.locked and controller.unlock_dialog.isVisible())
    assert old_ws.db.closed and controller.window is None
    held.release.set()
    window = _unlock(qtbot, controller)  # a new window: its own first read, released already
    wait_for_work_list(qtbot, window)
    assert not controller.ws.db.closed and _shown_texts(window) != [LOADING]


def test_closing_while_the_first_work_list_is_read(qtbot, demo_ws, held) -> None:
    window = _open_window(qtbot, demo_ws)
    qtbot.waitUntil(held.started.is_set)
    window.close()
    demo_ws.close()  # quitting closes the connection with the window
    held.release.set()
    # The worker's result arrives after the connection is gone: dropped, nothing read on the closed connection.
    qtbot.waitUntil(lambda: not window.work_list.loading)
    assert window.work_queue.loading and demo_ws.db.closed
