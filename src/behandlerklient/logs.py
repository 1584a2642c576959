"""Logging to a rotating file in the user's log folder. Log lines name steps and counts, never record data.

A crash report is the exception's type and the code locations it passed (file:line in function): never its
message, arguments or local variables, since those can hold what the user typed (a name in a date field,
a template's placeholder filled with a CPR number).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path

from behandlerklient import paths

LOG_NAME = "behandlerklient.log"
_log = logging.getLogger("behandlerklient.crash")


def crash_report(exc: BaseException) -> str:
    """Type and file:line of the exception and of those it was raised from or during; nothing else."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < 5:
        seen.add(id(current))
        frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}"
                           for f in traceback.extract_tb(current.__traceback__))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}\n{frames}".rstrip())
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\nwhile handling or caused by:\n".join(parts)


def log_crash(what: str, exc: BaseException) -> None:
    _log.error("%s: %s", what, crash_report(exc))


class SafeFormatter(logging.Formatter):
    """Any `log.exception` (ours or a library's) is written as a crash report: no exception message."""

    def formatException(self, ei) -> str:  # noqa: ANN001, N802 - logging's name
        return crash_report(ei[1]) if ei and ei[1] is not None else ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return ""  # stack text includes source lines, which can hold values


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """Creates each log file readable by its user only (0600), also the ones rotation starts."""

    def _open(self):  # noqa: ANN202 - logging's own hook
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,  # noqa: SIM115
                    opener=lambda p, flags: os.open(p, flags, 0o600))


def _private(folder: Path) -> None:
    if os.name != "posix":
        return
    for f in folder.glob(LOG_NAME + "*"):
        os.chmod(f, 0o600)  # files written by an older version were created with the umask's mode


def configure(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_behandlerklient", False) for h in root.handlers):
        return
    try:
        folder = paths.ensure_private_dir(paths.log_dir())
        _private(folder)
        handler: logging.Handler = _PrivateFileHandler(
            folder / LOG_NAME, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # an unwritable log folder must not stop the app
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._behandlerklient = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _install_thread_hook()


def _install_thread_hook() -> None:
    # Python's default prints the message and the source lines of an uncaught error in a thread.
    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            log_crash("unexpected error in a thread", args.exc_value)
            print(f"fejl: intern fejl i en tråd ({type(args.exc_value).__name__}); detaljer i logfilen",
                  file=sys.stderr)

    threading.excepthook = hook
