"""The use cases are grouped in folders named for an aggregate or a pathway step (issue 13; docs/architecture.md),
so a newcomer finds a rule from the folder names alone. tools/group_services.py made the folders; these tests keep
them: a new module goes into a folder, a folder says what it holds and imports nothing, and no file still names a
module by its path from before the grouping."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import behandlerklient.services

SERVICES = Path(behandlerklient.services.__file__).parent
ROOT = SERVICES.parents[2]
# The package itself, and the record every use case returns (shared by all folders, so it sits above them).
LOOSE_ALLOWED = {"__init__.py", "changes.py"}
# The sync client's package predates the folders and is its public API (services/sync/__init__.py says so).
API_PACKAGES = {"sync"}


def _folders() -> list[Path]:
    return sorted(p for p in SERVICES.iterdir() if p.is_dir() and any(p.glob("*.py")))


def test_services_holds_no_loose_modules() -> None:
    loose = sorted(p.name for p in SERVICES.glob("*.py") if p.name not in LOOSE_ALLOWED)
    assert loose == [], (f"modules directly in services/: {loose}; put each in the folder of its aggregate or "
                         "pathway step (python tools/group_services.py --place NAME=FOLDER)")


def test_the_use_cases_sit_in_folders_each_saying_what_it_holds() -> None:
    folders = _folders()
    assert len(folders) >= 10, f"services/ is not grouped yet (run tools/group_services.py): {folders}"
    for folder in folders:
        init = folder / "__init__.py"
        assert init.exists(), f"{folder.name}/ has no __init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{folder.name}/__init__.py does not say what the folder holds"
        if folder.name not in API_PACKAGES:
            # Importing a folder runs nothing, so the folders add no import cycles of their own.
            assert len(tree.body) == 1, f"{folder.name}/__init__.py holds more than its docstring"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout (git ls-files)")
def test_no_file_names_a_module_by_its_path_from_before_the_grouping() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "group_services.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, "old module paths (run python tools/group_services.py):\n" + done.stdout + done.stderr
