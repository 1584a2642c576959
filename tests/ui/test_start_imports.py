"""The cold start (issue 7's target: a usable window within a second) pays only for what the first window needs.
reportlab (PDFs, about 170 ms to import) and zxcvbn (passphrase strength, about 45 ms) are loaded where a document
is made or a passphrase set, never to show the window."""

from __future__ import annotations

import os
import subprocess
import sys


def test_showing_the_main_window_imports_neither_the_pdf_library_nor_the_passphrase_estimator() -> None:
    code = ("import sys\n"
            "import behandlerklient.app, behandlerklient.ui.main_window\n"
            "from behandlerklient.services.workspace import workspace\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'zxcvbn'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    assert out.stdout.strip() == "[]", out.stdout
