"""Validation errors raised by the core; each names the field it is about and reads as plain Danish."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input that breaks a domain rule. `field` names what was wrong, `message` says it in Danish."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class KnownError(Exception):
    """A failure the user can act on: shown as one plain Danish message, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongPassphrase(KnownError):
    exit_code = 3


class CannotOpen(KnownError):
    """The database exists but cannot be opened now (locked by another program, newer than this version)."""

    exit_code = 3


class DatabaseTooNew(CannotOpen):
    pass


class DatabaseLocked(CannotOpen):
    pass


class CorruptDatabase(KnownError):
    exit_code = 4


class InvalidInput(KnownError):
    exit_code = 4


class NotFound(KnownError):
    exit_code = 4


class RuleRefused(KnownError):
    exit_code = 5


class StorageFull(KnownError):
    exit_code = 1


class StorageUnwritable(KnownError):
    exit_code = 1
