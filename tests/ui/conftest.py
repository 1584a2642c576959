"""GUI fixtures: prompts answered in advance, a small demo database unlocked as the test user."""

from __future__ import annotations

from datetime import date

import pytest

from behandlerklient.services import demo

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True, scope="session")
def _danish(qapp):
    """The app's start-up installs the Danish catalogues before any widget; the GUI tests do the same."""
    from behandlerklient.ui import i18n

    qapp._translators = i18n.install(qapp, "da")
    yield
    for t in qapp._translators:
        qapp.removeTranslator(t)


@pytest.fixture(autouse=True)
def _prompts():
    from behandlerklient.ui import prompts

    prompts.reset()
    prompts.strict = True
    yield prompts
    prompts.strict = False
    prompts.reset()


@pytest.fixture
def demo_ws(ws):
    demo.generate(ws=ws, children_count=60, seed=11, today=TODAY)
    return ws


@pytest.fixture
def window(qtbot, demo_ws):
    from behandlerklient.ui.main_window import MainWindow

    w = MainWindow(demo_ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w
