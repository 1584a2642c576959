"""The manuals catalogue as the app sees it: bundled tracks plus the municipality's own folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from behandlerklient import paths
from behandlerklient.core.manuals import Catalogue, load_catalogue


def load(user_dir: Path | None = None) -> Catalogue:
    return load_catalogue(paths.bundled_manuals_dir(), user_dir if user_dir is not None else paths.user_manuals_dir())


@lru_cache(maxsize=1)
def bundled() -> Catalogue:
    """The shipped tracks only (for demo data and checks that must not depend on local overrides)."""
    return load_catalogue(paths.bundled_manuals_dir(), None)
