"""Process hardening done first thing at start-up: no core dumps, which would hold the data key and names."""

from __future__ import annotations

import sys

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> None:
    """No core file on a crash, and (Linux) no attaching or reading this process's memory as another process
    of the same user. On Windows there is nothing to switch off here: Windows Error Reporting keeps no
    full memory dumps unless an administrator configures LocalDumps."""
    try:
        import resource
    except ImportError:  # Windows
        return
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass  # a hard limit we may not lower is already lower
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass
