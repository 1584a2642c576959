"""Shared values as append-only events: the hybrid logical clock that orders them and the fold that derives the
current value of a field from its events. Pure functions, no SQL: both the laptop and the server can use them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_COUNTER_DIGITS = 4


def hlc_text(wall_ms: int, counter: int) -> str:
    """A clock reading as text that sorts like the pair (wall_ms, counter)."""
    return f"{wall_ms:013d}.{counter:0{_COUNTER_DIGITS}d}"


def hlc_parts(text: str) -> tuple[int, int]:
    wall, _, counter = text.partition(".")
    return int(wall), int(counter or 0)


def next_hlc(last: str | None, now_ms: int) -> str:
    """The next reading after `last` (the newest this device has seen, its own or pulled): the wall clock when it
    is ahead, else the same wall time with the counter moved on, so a clock set back never orders a later edit
    before an earlier one."""
    if last is None:
        return hlc_text(now_ms, 0)
    wall, counter = hlc_parts(last)
    if now_ms > wall:
        return hlc_text(now_ms, 0)
    if counter + 1 >= 10 ** _COUNTER_DIGITS:
        # A counter of five digits would sort before one of four as text (and the export's format refuses it):
        # borrow the next millisecond instead, which keeps the order and the format.
        return hlc_text(wall + 1, 0)
    return hlc_text(wall, counter + 1)


@dataclass(frozen=True)
class Event:
    """One change of one field of one shared thing (a course, a review, a setting, ...). `subject` is the thing's
    global name (its uid, a setting's key), the same on every laptop; `child_id` and `author_id` are this
    installation's ids of the child (global: `child_uid`) and the author."""

    uid: str
    aggregate: str
    subject: str
    field: str
    value: Any
    hlc: str
    device: str
    base_uid: str | None = None
    author_id: int | None = None
    child_id: int | None = None
    reason: str = ""
    created_at: str = ""
    child_uid: str | None = None

    @property
    def order(self) -> tuple[str, str, str]:
        """Total order of events everywhere: clock, then device, then uid (ties between devices are broken the
        same way on every laptop and on the server)."""
        return self.hlc, self.device, self.uid


def ordered(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.order)


def head(events: Iterable[Event]) -> Event | None:
    """The event whose value is current: the last in the total order."""
    return max(events, key=lambda e: e.order, default=None)


def fold(events: Iterable[Event], initial: Any = None) -> Any:
    """The field's current value: the last event's, or `initial` (the value the row was created with) when the
    field has never changed."""
    last = head(events)
    return initial if last is None else last.value


def fold_fields(events: Iterable[Event]) -> dict[str, Any]:
    """Every field's current value of one subject, from all its events."""
    by_field: dict[str, list[Event]] = {}
    for e in events:
        by_field.setdefault(e.field, []).append(e)
    return {f: fold(es) for f, es in by_field.items()}
