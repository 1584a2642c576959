"""The UI translations: `python tools/translations.py update` extracts the source strings of the GUI into
resources/translations/behandlerklient_da.ts (pyside6-lupdate; new strings arrive as unfinished for a
translator to fill in, e.g. in Qt Linguist), and `release` builds the .qm the app loads (pyside6-lrelease).
`check` fails when the .ts is out of step with the code or has unfinished messages, or the .qm is stale.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "src" / "behandlerklient" / "ui", ROOT / "src" / "behandlerklient" / "app.py"]
TS = ROOT / "resources" / "translations" / "behandlerklient_da.ts"
QM = TS.with_suffix(".qm")


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found (it comes with PySide6)")
    return found


def _python_files() -> list[str]:
    files: list[Path] = []
    for src in SOURCES:
        files.extend(sorted(src.rglob("*.py")) if src.is_dir() else [src])
    return [str(f) for f in files]


def update(ts: Path = TS) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("lupdate"), "-no-obsolete", "-locations", "none", "-source-language", "en",
                    "-target-language", "da_DK", *_python_files(), "-ts", str(ts)],
                   check=True, capture_output=True, text=True)


def release(ts: Path = TS, qm: Path = QM) -> None:
    subprocess.run([_tool("lrelease"), "-removeidentical", str(ts), "-qm", str(qm)], check=True,
                   capture_output=True, text=True)


def messages(ts: Path = TS) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source, disambiguation) -> message: one source may have several meanings (tr's 2nd argument)."""
    root = ET.parse(ts).getroot()
    return {(ctx.findtext("name") or "", msg.findtext("source") or "", msg.findtext("comment") or ""): msg
            for ctx in root.iter("context") for msg in ctx.iter("message")}


def _stale_qm(committed: dict[tuple[str, str, str], ET.Element]) -> list[str]:
    """The .qm must answer every message as the .ts says (compared by meaning, not bytes: another lrelease
    version may lay the file out differently)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    if not translator.load(str(QM)):
        return [f"{QM.name} is missing or unreadable (run release)"]
    stale = []
    for (context, source, comment), msg in committed.items():
        want = msg.findtext("translation") or ""
        got = translator.translate(context, source, comment or None)
        if (got or source) != (want or source):
            stale.append(f"{QM.name} is not built from the current .ts (run release): {context}: {source!r}")
    return stale


def problems() -> list[str]:
    """What `check` reports: strings in the code without a finished Danish translation, and a stale .qm."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / TS.name
        shutil.copy2(TS, fresh)
        update(fresh)
        current, committed = messages(fresh), messages(TS)
        out += [f"not in the .ts (run update): {c}: {s!r}" for c, s, _ in current.keys() - committed.keys()]
        out += [f"obsolete in the .ts (run update): {c}: {s!r}" for c, s, _ in committed.keys() - current.keys()]
        for (c, s, _), msg in committed.items():
            tr = msg.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                out.append(f"unfinished: {c}: {s!r}")
        out += _stale_qm(committed)
    return out


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "translations complete and built")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
