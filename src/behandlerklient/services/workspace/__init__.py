"""The installation: creating and unlocking it, its settings, the manuals catalogue, backups, and the editors'
drafts kept over a lock."""
