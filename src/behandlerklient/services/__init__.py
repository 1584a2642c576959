"""Use cases that the UI and the CLI call; keyword-only functions."""
