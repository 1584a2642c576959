"""Typed-but-unsaved editor state kept across a lock: rows of ui_drafts, always filtered by their user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from behandlerklient.storage.clock import from_text, to_text
from behandlerklient.storage.database import Database


@dataclass(frozen=True)
class UiDraft:
    id: int
    user_id: int
    kind: str
    context: dict[str, Any]
    payload: dict[str, Any]
    saved_at: datetime


def _draft(r) -> UiDraft:
    return UiDraft(id=r["id"], user_id=r["user_id"], kind=r["kind"], context=json.loads(r["context"]),
                   payload=json.loads(r["payload"]), saved_at=from_text(r["saved_at"]))


class UiDraftRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, *, user_id: int, kind: str, context: dict[str, Any], payload: dict[str, Any],
            now: datetime) -> int:
        return self.db.insert("ui_drafts", {
            "user_id": user_id, "kind": kind, "context": json.dumps(context, sort_keys=True),
            "payload": json.dumps(payload, ensure_ascii=False), "saved_at": to_text(now)})

    def get(self, *, user_id: int, draft_id: int) -> UiDraft | None:
        r = self.db.query_one("SELECT * FROM ui_drafts WHERE id = ? AND user_id = ?", (draft_id, user_id))
        return _draft(r) if r else None

    def of_user(self, user_id: int) -> list[UiDraft]:
        return [_draft(r) for r in self.db.query("SELECT * FROM ui_drafts WHERE user_id = ? ORDER BY id",
                                                 (user_id,))]

    def delete(self, *, user_id: int, draft_id: int) -> bool:
        return self.db.execute("DELETE FROM ui_drafts WHERE id = ? AND user_id = ?",
                               (draft_id, user_id)).rowcount == 1
