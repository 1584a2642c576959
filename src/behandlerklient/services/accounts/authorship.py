"""Only a draft's author writes and signs it: one check, with a message that names whose draft it is."""

from __future__ import annotations

from behandlerklient.core.errors import RuleRefused
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.users import UserRepository


def author_name(ws: Workspace, author_id: int | None) -> str:
    user = UserRepository(ws.db).get(author_id) if author_id is not None else None
    return user.full_name if user else "en anden behandler"


def require_author(*, ws: Workspace, author_id: int | None, what: str, signing: bool = True) -> None:
    """Raises RuleRefused unless the logged-in user wrote the draft (`what`, e.g. 'Session 3').

    A draft nobody has written yet (a follow-up the system planned: author None) belongs to whoever writes it.
    """
    if author_id is None or author_id == ws.user.id:
        return
    name = author_name(ws, author_id)
    verb = "underskrive" if signing else "ændre"
    raise RuleRefused(f"{what} er en kladde skrevet af {name}; kun {name} kan {verb} den. "
                      "Skriv din egen registrering i stedet.")
