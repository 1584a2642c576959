"""The UI's language: English source strings, Danish by default from resources/translations/*.qm.

Source strings go through `self.tr()` (context: the class) or `QCoreApplication.translate(context, ...)`;
`tools/translations.py` extracts them with pyside6-lupdate into the Danish .ts and builds the .qm with
pyside6-lrelease. Domain wording that also appears in PDFs, letters and the CLI (track names, vocabularies,
the services' error messages) is Danish data, not UI text, and is not translated here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from behandlerklient import paths

DEFAULT_LANGUAGE = "da"
# "en" shows the source strings (support staff, screenshots for non-Danish readers).
LANGUAGE_ENV = "BEHANDLERKLIENT_SPROG"
CATALOGUES = ("behandlerklient", "qtbase")

_ARG = re.compile(r"%([1-9])")


def fill(template: str, *values: object) -> str:
    """Qt's QString::arg for Python: %1..%9 replaced in one pass (a value containing "%2" stays as it is)."""
    return _ARG.sub(lambda m: str(values[int(m.group(1)) - 1]) if int(m.group(1)) <= len(values) else m.group(0),
                    template)


def translations_dir() -> Path:
    return paths.resources_dir() / "translations"


def language() -> str:
    return (os.environ.get(LANGUAGE_ENV) or DEFAULT_LANGUAGE).strip().lower()


def install(app: QCoreApplication, lang: str | None = None) -> list[QTranslator]:
    """Install the app's and Qt's own catalogues before any widget exists; the caller keeps the references."""
    lang = lang or language()
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.Denmark))
        return []
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    kept = []
    for name in CATALOGUES:
        for folder in (translations_dir(), qt_dir):  # the frozen app bundles Qt's catalogue with ours
            t = QTranslator(app)
            if t.load(f"{name}_{lang}", str(folder)):
                app.installTranslator(t)
                kept.append(t)
                break
    return kept
