"""The UI is written in English source strings and shown in Danish from the bundled .qm (Qt's own included)."""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from behandlerklient.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402


def test_every_ui_string_has_a_finished_danish_translation_and_the_qm_is_built_from_it() -> None:
    assert translations.problems() == []


def test_translations_keep_placeholders_markup_and_accelerators() -> None:
    root = ET.parse(translations.TS).getroot()
    checked = 0
    for msg in root.iter("message"):
        src, da = msg.findtext("source"), msg.findtext("translation")
        if not da:  # identical to the source (e.g. "SDQ"): lrelease leaves it out
            continue
        assert sorted(re.findall(r"%\d", src)) == sorted(re.findall(r"%\d", da)), src
        assert sorted(re.findall(r"</?\w+", src)) == sorted(re.findall(r"</?\w+", da)), src
        assert ("&" in src.replace("&amp;", "")) == ("&" in da.replace("&amp;", "")), src
        checked += 1
    assert checked > 300


def test_the_window_speaks_danish_including_qts_own_buttons(window) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Filer", "&Barn", "Forløbs&trin", "&Dokumenter"]
    assert window.search.placeholderText() == "Søg på navn eller CPR…  (Ctrl+F)"
    assert window.model.headerData(2, Qt.Orientation.Horizontal) == "Alder"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
    assert {b.text() for b in box.buttons()} == {"Annuller", "&Ja"}


def test_english_is_the_source_language_when_asked_for(qtbot, qapp, demo_ws, monkeypatch) -> None:
    from behandlerklient.ui.main_window import MainWindow

    for t in qapp._translators:
        qapp.removeTranslator(t)
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    try:
        assert i18n.install(qapp) == []
        w = MainWindow(demo_ws)
        qtbot.addWidget(w)
        assert [a.text() for a in w.menuBar().actions()] == ["&File", "&Child", "&Pathway steps", "&Documents"]
    finally:
        for t in qapp._translators:
            qapp.installTranslator(t)


def test_fill_replaces_each_placeholder_once() -> None:
    assert i18n.fill("%1 fundet af %2 børn", "1.234", 10) == "1.234 fundet af 10 børn"
    assert i18n.fill("%1 og %2", "%2", "x") == "%2 og x"  # a value is never read as a placeholder
