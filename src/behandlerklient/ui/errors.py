"""The one excepthook: known errors become a Danish message; bugs a crash report without record data."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from behandlerklient import logs
from behandlerklient.core.errors import KnownError
from behandlerklient.ui import prompts
from behandlerklient.ui.i18n import fill


def report(parent, exc: BaseException) -> None:
    if isinstance(exc, KnownError):
        prompts.error(parent, "Behandlerklient", exc.message)
        return
    # Only the exception type and code locations (file, line, function) are logged: messages and source lines
    # can carry values.
    logs.log_crash("unexpected error", exc)
    translate = QCoreApplication.translate
    prompts.error(parent, translate("errors", "Unexpected error"), fill(translate(
        "errors", "An unexpected error occurred. What was already saved is not affected.\nError type: %1. A report "
        "without journal data has been written to the log file."), type(exc).__name__))


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):  # noqa: ANN001
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report(None, exc)

    sys.excepthook = hook
