from PySide6.QtCore import Qt

from behandlerklient.core import cpr as cprmod
from behandlerklient.services.reports import listing
from tests.ui.conftest import TODAY


def _visible_rows(w) -> list[str]:
    m = w.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def test_child_list_model_passes_the_model_tester(qtmodeltester, window) -> None:
    qtmodeltester.check(window.model)


def test_list_shows_everyone_with_masked_cpr(window) -> None:
    m = window.model
    assert m.rowCount() < 60 and window.count_label.text() == "60 børn"  # a page at a time
    while m.canFetchMore():
        m.fetchMore()
    assert m.rowCount() == 60
    for r in range(m.rowCount()):
        shown = m.data(m.index(r, 1))
        assert shown.endswith("-xxxx") and len(shown) == 11


def test_window_title_never_names_a_child(qtbot, window) -> None:
    window.list.selectRow(0)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    name = window.child_view.overview.child.full_name
    assert name not in window.windowTitle() and window.windowTitle() == "Behandlerklient"


def test_search_as_you_type_by_name(qtbot, window, demo_ws) -> None:
    target = listing.children(ws=demo_ws)[17]
    first = target["first_name"]
    qtbot.keyClicks(window.search, first[:3])
    qtbot.waitUntil(lambda: window.model.query == first[:3], timeout=2000)
    rows = _visible_rows(window)
    assert rows and all(first[:3].lower() in r.lower() for r in rows)
    assert f"{target['last_name']}, {first}" in rows
    assert "fundet af 60" in window.count_label.text()


def test_search_by_cpr_and_open_with_enter(qtbot, window, demo_ws) -> None:
    target = listing.children(ws=demo_ws)[5]
    qtbot.keyClicks(window.search, cprmod.parse(target["cpr"]).formatted)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.overview is not None, timeout=2000)
    assert window.child_view.overview.child.id == target["id"]
    assert target["name"] in window.child_view.header.text()


def test_clearing_the_search_shows_everyone_again(qtbot, window) -> None:
    qtbot.keyClicks(window.search, "zzzz")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=2000)
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 and window.count_label.text() == "60 børn", timeout=2000)


def test_ctrl_f_focuses_search(qtbot, window) -> None:
    window.list.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()


def test_child_view_lists_courses_with_progress_against_range(qtbot, window, demo_ws) -> None:
    course = next(c for c in listing.courses(ws=demo_ws) if c["status"] == "active")
    window.select_child(course["child_id"])
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    tree = window.child_view.courses
    texts = [tree.topLevelItem(i).text(3) for i in range(tree.topLevelItemCount())]
    assert any(t.startswith(f"{course['sessions_delivered']} af {course['planned_sessions']} (manual: ") for t in texts)
    assert TODAY.year  # the view computes ages on the injected date


def test_many_matches_load_a_page_at_a_time_and_the_count_says_so(qtbot, monkeypatch, demo_ws) -> None:
    from behandlerklient.services.registration import children
    from behandlerklient.ui.main_window import MainWindow
    from behandlerklient.ui.models import child_list_model

    monkeypatch.setattr(child_list_model, "PAGE", 5)
    w = MainWindow(demo_ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    w.list.setFixedHeight(90)  # room for a few rows: the view asks for one page, not all of them
    letter = max("abcdefghijklmnopqrstuvwxyzæøå", key=lambda c: len(children.search(ws=demo_ws, text=c, limit=100)))
    found = len(children.search(ws=demo_ws, text=letter, limit=100))
    assert found > 16
    qtbot.keyClicks(w.search, letter)
    qtbot.waitUntil(lambda: w.model.query == letter, timeout=2000)
    loaded = w.model.rowCount()  # a page, or as many pages as the view needs to fill its height
    assert loaded % 5 == 0 and loaded < found and w.count_label.text() == f"{loaded}+ fundet af 60 børn"
    bar = w.list.verticalScrollBar()
    for _ in range(found):
        bar.setValue(bar.maximum())
        qtbot.wait(5)
        if w.model.complete():
            break
    assert w.model.rowCount() == found and w.count_label.text() == f"{found} fundet af 60 børn"


def test_a_missed_session_is_listed_as_missed_not_as_a_second_signed_session(qtbot, window, demo_ws) -> None:
    from datetime import date

    from behandlerklient.services.journal import sessions
    from behandlerklient.services.pathway import pathway
    from tests.helpers import child_with_consent

    child = child_with_consent(demo_ws, "Ulla", "Østergaard", "010316-4002")
    course = pathway.open_course(ws=demo_ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 9, 1)).course
    sessions.record_absence(ws=demo_ws, course_id=course.id, on=date(2026, 9, 8), attendance="missed")
    sessions.record_absence(ws=demo_ws, course_id=course.id, on=date(2026, 9, 15), attendance="cancelled")
    window.model.register_changed()
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.overview.child.id == child.id)
    top = window.child_view.courses.topLevelItem(0)
    states = [top.child(i).text(2) for i in range(top.childCount())]
    assert states == ["Udeblevet", "Aflyst"]
