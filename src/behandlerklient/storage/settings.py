"""Installation-wide settings (schema 0003): the settings row is the fold of the setting's events
(storage/events.py writes it), so reading is all this repository does."""

from __future__ import annotations

from behandlerklient.storage.database import Database


class SettingsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def value(self, key: str) -> str | None:
        """The setting's current value; None when it was never set (the caller knows the default)."""
        return self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
