"""The one excepthook: known errors become a Danish message; bugs a crash report without record data."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QCoreApplication

from behandlerklient.core.errors import KnownError
from behandlerklient.ui import prompts
from behandlerklient.ui.i18n import fill

log = logging.getLogger(__name__)


def report(parent, exc: BaseException) -> None:
    if isinstance(exc, KnownError):
        prompts.error(parent, "Behandlerklient", exc.message)
        return
    # Only the exception type and code locations (file, line, function) are logged: messages and source lines
    # can carry values.
    frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    log.error("unexpected error %s\n%s", type(exc).__name__, frames)
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
