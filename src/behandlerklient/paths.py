"""The only module that knows where user folders, bundled resources and manuals live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from behandlerklient import APP_NAME, ORG_NAME

_dirs = PlatformDirs(appname=APP_NAME, appauthor=ORG_NAME, roaming=False)


def _override(env: str) -> Path | None:
    value = os.environ.get(env)
    return Path(value) if value else None


def install_root() -> Path:
    """Folder holding `resources/` and `manuals/`: the bundle when frozen, the source tree otherwise."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return install_root() / "resources"


def bundled_manuals_dir() -> Path:
    return install_root() / "manuals"


def data_dir() -> Path:
    """User data (the database). BEHANDLERKLIENT_DATA_DIR lets tests and portable installs relocate it."""
    return _override("BEHANDLERKLIENT_DATA_DIR") or Path(_dirs.user_data_dir)


def config_dir() -> Path:
    return _override("BEHANDLERKLIENT_CONFIG_DIR") or Path(_dirs.user_config_dir)


def log_dir() -> Path:
    return _override("BEHANDLERKLIENT_LOG_DIR") or Path(_dirs.user_log_dir)


def user_manuals_dir() -> Path:
    """Where a municipality drops its own or overriding track files."""
    return data_dir() / "manualer"


def default_database_path() -> Path:
    return data_dir() / "behandlerklient.db"


def demo_database_path() -> Path:
    return data_dir() / "demo" / "behandlerklient-demo.db"


def _own_folders() -> list[Path]:
    return [data_dir(), config_dir(), log_dir()]


def is_own_folder(path: Path) -> bool:
    """The program's own data, configuration and log folders (and what lies under them)."""
    target = Path(path).resolve()
    return any(target == own.resolve() or own.resolve() in target.parents for own in _own_folders())


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable only by the user (journal data lives here).

    An existing folder is made private only when it is one of the program's own: a folder the user chose
    (their documents, a shared drive for backups) keeps the mode they gave it."""
    path = Path(path)
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix" and (not existed or is_own_folder(path)):
        os.chmod(path, 0o700)
    return path
