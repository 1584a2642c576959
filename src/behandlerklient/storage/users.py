"""User accounts of this installation (authors of everything in the journal)."""

from __future__ import annotations

from datetime import datetime

from behandlerklient.core.models import User
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database


def _row(r) -> User:
    return User(id=r["id"], username=r["username"], full_name=r["full_name"], role=r["role"],
                title=r["title"], phone=r["phone"], profession=r["profession"])


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, user: User, *, now: datetime) -> User:
        uid = self.db.insert("users", {"username": user.username, "full_name": user.full_name, "role": user.role,
                                       "title": user.title, "phone": user.phone, "profession": user.profession,
                                       "created_at": to_text(now)})
        user.id = uid
        return user

    def set_profile(self, user_id: int, *, profession: str, title: str) -> None:
        self.db.execute("UPDATE users SET profession = ?, title = ? WHERE id = ?", (profession, title, user_id))

    def by_username(self, username: str) -> User | None:
        r = self.db.query_one("SELECT * FROM users WHERE username = ?", (username,))
        return _row(r) if r else None

    def get(self, user_id: int) -> User | None:
        r = self.db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return _row(r) if r else None

    def all(self) -> list[User]:
        return [_row(r) for r in self.db.query("SELECT * FROM users ORDER BY full_name")]


def username_of(db: Database, user_id: int | None) -> str | None:
    """A user's global identity (the user name) for a local id; None for none."""
    return None if user_id is None else db.scalar("SELECT username FROM users WHERE id = ?", (user_id,))
