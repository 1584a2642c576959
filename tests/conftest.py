"""Shared fixtures: user folders in tmp, fast KDF, one migrated encrypted database copied per test."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Before anything imports Qt: headless, and every user folder in a throwaway place.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="bk-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "xdg-config")
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "xdg-data")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_HOME / "xdg-cache")
os.environ.pop("BEHANDLERKLIENT_PASSPHRASE", None)
os.environ.pop("BEHANDLERKLIENT_USER", None)

if os.environ.get("BEHANDLERKLIENT_TEST_WITHOUT_QT") == "1":
    # Proves the core runs with Qt absent: any import of PySide6 now fails as if it were not installed.
    sys.modules["PySide6"] = None  # type: ignore[assignment]

from behandlerklient.security import kdf  # noqa: E402
from behandlerklient.security import keyfile as kf  # noqa: E402

FAST_KDF = kdf.ScryptParams(n=2**10)
PASSPHRASE = "korrekt-hest-batteri"
USERNAME = "anna"


def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATA", "CONFIG", "LOG"):
        monkeypatch.setenv(f"BEHANDLERKLIENT_{var}_DIR", str(tmp_path / f"user-{var.lower()}"))
    monkeypatch.setattr(kdf, "_default", FAST_KDF)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Created once through the real service (fast KDF); tests get a copy."""
    from behandlerklient.services.workspace import workspace

    folder = tmp_path_factory.mktemp("template")
    path = folder / "journal.db"
    old = kdf._default
    kdf._default = FAST_KDF
    try:
        ws = workspace.create(path=path, username=USERNAME, full_name="Anna Åberg", passphrase=PASSPHRASE,
                              role="therapist", title="Psykolog", phone="59 66 60 01")
        ws.close()
    finally:
        kdf._default = old
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "db" / "journal.db"
    target.parent.mkdir()
    shutil.copy2(template_db, target)
    shutil.copy2(kf.keyfile_path(template_db), kf.keyfile_path(target))
    return target


@pytest.fixture
def ws(db_path: Path):
    from behandlerklient.services.workspace import workspace

    w = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    yield w
    if not w.db.closed:
        w.close()
