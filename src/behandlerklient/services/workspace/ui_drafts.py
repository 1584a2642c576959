"""What an editor held when the program locked: kept encrypted in the database for its own user, reopened
after unlocking, removed once the editor is closed again. The context names ids and codes only; the typed
text lives in the payload, which only this user can read back."""

from __future__ import annotations

from typing import Any

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.ui_drafts import UiDraft, UiDraftRepository


def _check_context(context: dict[str, Any]) -> None:
    # The context travels in memory across the lock and is read before the payload: ids and codes only.
    for key, value in context.items():
        if not (value is None or isinstance(value, int) or (isinstance(value, str) and value.isidentifier())):
            raise InvalidInput(f"Kladdens sammenhæng må kun indeholde id'er og koder, ikke {key!r}.")


def keep(*, ws: Workspace, kind: str, context: dict[str, Any], payload: dict[str, Any]) -> int:
    _check_context(context)
    with ws.db.transaction():
        return UiDraftRepository(ws.db).add(user_id=ws.user.id, kind=kind, context=context, payload=payload,
                                             now=ws.clock())


def get(*, ws: Workspace, draft_id: int) -> UiDraft | None:
    """The user's own draft; another user's is not there for them."""
    return UiDraftRepository(ws.db).get(user_id=ws.user.id, draft_id=draft_id)


def pending(*, ws: Workspace) -> list[UiDraft]:
    """The user's drafts not yet reopened (e.g. the program was quit at the lock screen), oldest first."""
    return UiDraftRepository(ws.db).of_user(ws.user.id)


def discard(*, ws: Workspace, draft_id: int) -> None:
    with ws.db.transaction():
        UiDraftRepository(ws.db).delete(user_id=ws.user.id, draft_id=draft_id)
