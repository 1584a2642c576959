"""Domain rules and data: no Qt, no SQL."""
