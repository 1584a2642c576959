"""A laptop process for the fault tests (test_sync_faults.py): unlocks a journal and runs one sync with small
batches and pages, so that a SIGKILL lands mid-work. It prints a line when each batch or page is done, which the
test waits for before it picks its random moment to kill.

    python -m tests.server.sync_driver DB PASSPHRASE BATCH PAGE
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from behandlerklient.services import sync as syncing
    from behandlerklient.services.sync import pull, push
    from behandlerklient.services.workspace import workspace

    db, passphrase, batch, page = argv
    push.BATCH, pull.PAGE = int(batch), int(page)
    ws = workspace.unlock(path=Path(db), passphrase=passphrase)
    try:
        print("unlocked", flush=True)
        result = syncing.sync(ws=ws, after_push_commit=lambda: print("batch", flush=True),
                              page_hook=lambda _seq: print("page", flush=True))
    finally:
        ws.close()
    print(result.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
