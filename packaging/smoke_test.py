"""Smoke test of the frozen program: --self-check, then the GUI offscreen on a demo database exporting a PDF,
and the bundle's size. Fails on a missing part or on unexpected stderr.

Usage: python packaging/smoke_test.py build/dist/behandlerklient
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_BUNDLE_MB = 150


def _size_mb(folder: Path) -> float:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main() -> int:
    folder = Path(sys.argv[1])
    exe = folder / ("behandlerklient.exe" if os.name == "nt" else "behandlerklient")
    with tempfile.TemporaryDirectory(prefix="bk-smoke-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        for var in ("DATA", "CONFIG", "LOG"):
            env[f"BEHANDLERKLIENT_{var}_DIR"] = os.path.join(tmp, var.lower())
        check = subprocess.run([str(exe), "--self-check"], capture_output=True, text=True, env=env, timeout=120)
        print(check.stdout.strip())
        needed = ("SQLCipher 4.", "Qt 6.", "reportlab ", "keyring ", "Manualer: 10 spor", "zxcvbn ",
                  "kontrolproces: OK", "OK")
        missing = [n for n in needed if n not in check.stdout]
        noise = [line for line in check.stderr.splitlines() if "propagateSizeHints" not in line]
        if check.returncode != 0 or missing or noise:
            print(f"self-check failed: rc={check.returncode} missing={missing} stderr={noise}", file=sys.stderr)
            return 1
        pdf = Path(tmp) / "smoke.pdf"
        gui = subprocess.run([str(exe), "--gui-smoke-test", str(pdf)], capture_output=True, text=True, env=env,
                             timeout=300)
        noise = [line for line in gui.stderr.splitlines() if "propagateSizeHints" not in line]
        if gui.returncode != 0 or not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF") or noise:
            print(f"GUI smoke test failed: rc={gui.returncode} stdout={gui.stdout!r} stderr={noise}", file=sys.stderr)
            return 1
        print(gui.stdout.strip())
    size = _size_mb(folder)
    print(f"bundle {size:.0f} MB (limit {MAX_BUNDLE_MB} MB)")
    if size > MAX_BUNDLE_MB:
        return 1
    print("frozen smoke test: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
