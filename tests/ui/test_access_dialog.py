"""The access dialog, by keyboard: an administrator shares the chosen child with a colleague, hands its caseload to
another therapist, ends a supervision pair and makes it again; each step is audited. A therapist cannot open it."""

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.core.models import User
from behandlerklient.storage.users import UserRepository
from tests.ui.conftest import TODAY

ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _window(qtbot, ws):
    from behandlerklient.ui.main_window import MainWindow

    w = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(w.isActiveWindow)
    return w


def _holders(dlg) -> list[str]:
    return [dlg.holders.item(i).text() for i in range(dlg.holders.count())]


def _pairs(dlg) -> list[str]:
    return [dlg.pairs.item(i).text() for i in range(dlg.pairs.count())]


def _pick(qtbot, dlg, mnemonic, combo, text: str) -> None:
    qtbot.keyClick(dlg, mnemonic, ALT)
    assert QApplication.focusWidget() is combo
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):  # arrow down to the person, as a user would
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith(text)


def _audit(ws) -> list[tuple[str, str]]:
    return [(r["object"], r["detail"]) for r in ws.db.query(
        "SELECT object, detail FROM audit_log WHERE action = 'user' ORDER BY id")]


def test_an_administrator_shares_hands_over_and_pairs_by_keyboard(qtbot, demo_ws, _prompts) -> None:
    ws = demo_ws
    chef = UserRepository(ws.db).add(User(None, "chef", "Charlotte Chef", "admin"), now=ws.clock())
    w = _window(qtbot, dataclasses.replace(ws, user=chef))
    child_id = w.model.child_id(0)
    w.list.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.child_view.overview is not None and w.child_view.overview.child.id == child_id)
    holder = ws.db.scalar("SELECT u.username FROM caseloads k JOIN users u ON u.id = k.user_id WHERE k.child_id = ? "
                          "AND k.revoked_at IS NULL AND k.kind = 'caseload'", (child_id,))
    assert w.access.action.text() == "A&dgang og supervision…" and w.access.action.isEnabled()

    qtbot.keyClick(w, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: w.dialog is not None and w.dialog.isVisible())
    dlg = w.dialog
    assert dlg.objectName() == "accessDialog" and dlg.windowTitle() == "Adgang og supervision"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.colleague)
    assert any(f"({holder}) — sagsstamme" in h for h in _holders(dlg))
    before = len(_audit(ws))

    # Share with lhv (Louise Hvid): Alt+K the colleague, Alt+D share.
    _pick(qtbot, dlg, Qt.Key.Key_K, dlg.colleague, "Louise")
    qtbot.keyClick(dlg, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: "Louise Hvid (lhv) — delt (medbehandler)" in _holders(dlg))
    assert dlg.status.text() == "Barnet er nu delt med Louise Hvid (lhv)."

    # Hand the caseload to another therapist: Alt+O, confirmed.
    new = "Thomas" if holder != "tbo" else "Sanne"
    _pick(qtbot, dlg, Qt.Key.Key_K, dlg.colleague, new)
    _prompts.set_next_answer(True)
    qtbot.keyClick(dlg, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: any(h.startswith(new) and h.endswith("— sagsstamme") for h in _holders(dlg)))
    assert not any(f"({holder}) — sagsstamme" in h for h in _holders(dlg))
    assert "Louise Hvid (lhv) — delt (medbehandler)" in _holders(dlg)  # the shared colleague keeps the child
    assert [p[0] for p in _prompts.shown] == ["question"]

    # End the first supervision pair (Alt+P the list, Alt+A end, confirmed), then make it again.
    pairs = _pairs(dlg)
    first = pairs[0]
    assert first == "Louise Hvid superviserer Anna Åberg"
    qtbot.keyClick(dlg, Qt.Key.Key_P, ALT)
    assert QApplication.focusWidget() is dlg.pairs
    qtbot.keyClick(dlg.pairs, Qt.Key.Key_Home)
    _prompts.set_next_answer(True)
    qtbot.keyClick(dlg, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: first not in _pairs(dlg))
    _pick(qtbot, dlg, Qt.Key.Key_S, dlg.supervisor, "Louise")
    _pick(qtbot, dlg, Qt.Key.Key_B, dlg.therapist, "Anna")
    qtbot.keyClick(dlg, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: _pairs(dlg) == pairs)

    steps = [detail for _obj, detail in _audit(ws)[before:]]
    assert steps == ["grant", "revoke", "grant", "revoke", "grant"]  # share, hand over (2), end pair, add pair
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.dialog is None)


def test_a_therapist_has_no_way_into_the_dialog(qtbot, demo_ws, _prompts) -> None:
    window = _window(qtbot, demo_ws)
    _prompts.set_next_answer(True)  # the message box's OK
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL_SHIFT)
    assert window.dialog is None
    assert _prompts.shown == [("info", "Behandlerklient", "Kun en administrator kan give adgang til et barn.")]
