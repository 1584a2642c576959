"""What a service call changed, so each view refreshes only when it cares (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    children: bool = False
    contacts: bool = False
    courses: bool = False
    sessions: bool = False
    journal: bool = False
    users: bool = False
    child_id: int | None = None

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in
                          ("children", "contacts", "courses", "sessions", "journal", "users")},
                       child_id=self.child_id if self.child_id is not None else other.child_id)
