"""Logging to a rotating file in the user's log folder. Log lines name steps and counts, never record data."""

from __future__ import annotations

import logging
import logging.handlers

from behandlerklient import paths


def configure(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_behandlerklient", False) for h in root.handlers):
        return
    try:
        folder = paths.ensure_private_dir(paths.log_dir())
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "behandlerklient.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # an unwritable log folder must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._behandlerklient = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
