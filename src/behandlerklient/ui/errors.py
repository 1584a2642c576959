"""The one excepthook: known errors become a Danish message; bugs a crash report without record data."""

from __future__ import annotations

import logging
import sys
import traceback

from behandlerklient.core.errors import KnownError
from behandlerklient.ui import prompts

log = logging.getLogger(__name__)


def report(parent, exc: BaseException) -> None:
    if isinstance(exc, KnownError):
        prompts.error(parent, "Behandlerklient", exc.message)
        return
    # Only the exception type and code locations (file, line, function) are logged: messages and source lines
    # can carry values.
    frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    log.error("unexpected error %s\n%s", type(exc).__name__, frames)
    prompts.error(parent, "Uventet fejl", "Der opstod en uventet fejl. Det, der allerede var gemt, er ikke påvirket.\n"
                  f"Fejltype: {type(exc).__name__}. En rapport uden journaldata er skrevet i logfilen.")


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):  # noqa: ANN001
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report(None, exc)

    sys.excepthook = hook
