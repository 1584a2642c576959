"""Typing kept across a lock: in the encrypted database, readable only by its own user, ids-only context."""

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.models import User
from behandlerklient.services.workspace import ui_drafts
from behandlerklient.storage.users import UserRepository


def test_a_kept_draft_comes_back_once_and_then_goes(ws) -> None:
    draft = ui_drafts.keep(ws=ws, kind="sdq", context={"child_id": 7, "course_id": None},
                           payload={"items": [2] * 25, "note": "Åse græder i skolen"})
    [pending] = ui_drafts.pending(ws=ws)
    assert pending.id == draft and pending.kind == "sdq" and pending.context == {"child_id": 7, "course_id": None}
    assert ui_drafts.get(ws=ws, draft_id=draft).payload == {"items": [2] * 25, "note": "Åse græder i skolen"}
    ui_drafts.discard(ws=ws, draft_id=draft)
    assert ui_drafts.pending(ws=ws) == [] and ui_drafts.get(ws=ws, draft_id=draft) is None


def test_another_user_never_gets_the_kept_draft(ws) -> None:
    first = ws.user
    draft = ui_drafts.keep(ws=ws, kind="new_child", context={}, payload={"first": "Hemmelig"})
    ws.user = UserRepository(ws.db).add(User(None, "tom", "Tom Terapeut", "therapist"), now=ws.clock())
    assert ui_drafts.get(ws=ws, draft_id=draft) is None and ui_drafts.pending(ws=ws) == []
    ui_drafts.discard(ws=ws, draft_id=draft)  # nor can they remove it
    ws.user = first
    assert ui_drafts.get(ws=ws, draft_id=draft).payload == {"first": "Hemmelig"}


@pytest.mark.parametrize("value", ["Åse Ærenlund", "010316-4006", 1.5, ["x"]])
def test_the_context_holds_ids_and_codes_only(ws, value) -> None:
    with pytest.raises(InvalidInput, match="kun indeholde id'er og koder"):
        ui_drafts.keep(ws=ws, kind="form", context={"child_id": 1, "form": value}, payload={})
    assert ui_drafts.pending(ws=ws) == []
