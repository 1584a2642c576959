"""Who may see what, on this laptop: the user's basis for a child (caseload, shared, supervision, coordinator or
the local team), checked against core/access.py's table; granting and revoking caseloads and supervision pairs."""

from __future__ import annotations

from collections.abc import Callable

from behandlerklient.core import access as rules
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import User
from behandlerklient.core.search_terms import query_words
from behandlerklient.core.vocab import ROLES
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.access import AccessRepository, Grant, Pair
from behandlerklient.storage.children import ChildRepository, ChildRow
from behandlerklient.storage.users import UserRepository

GRANT_KINDS = {"caseload": "sagsstamme", "shared": "delt med"}


def _id(user: User) -> int:
    """A stored user's id (every user a service sees was read from the database)."""
    if user.id is None:
        raise NotFound(f"Brugeren {user.username} er ikke gemt.")
    return user.id


def bases(*, ws: Workspace, child_id: int) -> set[str]:
    """Every basis the user has for the child. On the laptop that includes 'team' (docs/access.md): the answer
    to a question is the most any of them gives."""
    user = ws.user
    if user.role == "coordinator":
        return {"coordinator"}  # she serves the whole team's register; caseloads are not hers to hold
    repo = AccessRepository(ws.db)
    held = repo.kinds_held(child_id=child_id, user_id=_id(user)) | {"team"}
    if user.role in rules.SUPERVISING_ROLES and repo.supervises_holder(child_id=child_id, supervisor_id=_id(user)):
        held.add("supervision")
    return held


def basis(*, ws: Workspace, child_id: int) -> str:
    """The user's best basis for the child (core.access.BASES order), e.g. to say why she sees it."""
    return rules.best_basis(bases(ws=ws, child_id=child_id))


def _settings(ws: Workspace) -> dict[str, str]:
    value = AccessRepository(ws.db).setting(rules.CLINICAL_TEXT_SETTING)
    return {rules.CLINICAL_TEXT_SETTING: value or rules.DEFAULT_SETTINGS[rules.CLINICAL_TEXT_SETTING]}


def may_read(*, ws: Workspace, child_id: int, kind: str, in_supervision: bool = False) -> bool:
    settings = _settings(ws)
    return any(rules.may_read(ws.user.role, b, kind, settings, in_supervision=in_supervision)
               for b in bases(ws=ws, child_id=child_id))


def may_write(*, ws: Workspace, child_id: int, kind: str) -> bool:
    return any(rules.may_write(ws.user.role, b, kind) for b in bases(ws=ws, child_id=child_id))


def sees_clinical_notes(*, ws: Workspace, child_id: int) -> bool:
    """Whether the child view may show the journal and the sessions' text to this user."""
    return may_read(ws=ws, child_id=child_id, kind="journal_entries")


def _refusal(ws: Workspace, kind: str, verb: str) -> RuleRefused:
    role = ROLES.get(ws.user.role, ws.user.role)
    what = rules.KINDS[kind].lower()
    return RuleRefused(f"Som {role.lower()} har du ikke adgang til at {verb} {what} for dette barn"
                       + (" (kun stamdata, henvendelser og breve)." if ws.user.role == "coordinator" else "."))


def require_read(*, ws: Workspace, child_id: int, kind: str, in_supervision: bool = False) -> None:
    """Raises a Danish RuleRefused when the table refuses this user reading this kind of record of the child."""
    if not may_read(ws=ws, child_id=child_id, kind=kind, in_supervision=in_supervision):
        raise _refusal(ws, kind, "se")


def require_write(*, ws: Workspace, child_id: int, kind: str) -> None:
    if not may_write(ws=ws, child_id=child_id, kind=kind):
        raise _refusal(ws, kind, "skrive")


def require_clinical_role(*, ws: Workspace, kind: str) -> None:
    """For reads that are not about one child (e.g. a group session): refused to a role that never reads the kind."""
    if ws.user.role == "coordinator" and kind not in rules.REGISTER:
        raise _refusal(ws, kind, "se")


# -- own caseload first ---------------------------------------------------------------------
def own_first(*, ws: Workspace, child_ids: list[int]) -> set[int]:
    """Which of these children are the user's own (caseload or shared with her)."""
    return AccessRepository(ws.db).own_child_ids(user_id=_id(ws.user), among=set(child_ids))


def child_page(*, ws: Workspace, text: str, offset: int, limit: int,
               everyone: Callable[[int, int], list[ChildRow]]) -> list[ChildRow]:
    """A page of the child list (or of a search), the user's own children first, then everyone else in list
    order. `everyone` is the plain listing, used as it is when the user holds no child."""
    repo = AccessRepository(ws.db)
    words = query_words(text) if text.strip() else []
    if text.strip() and not words:
        return everyone(offset, limit)
    user = _id(ws.user)
    # One row past the page says the own children go on; otherwise they end on this page or before it.
    rows = repo.own_page(user_id=user, words=words, offset=offset, limit=limit + 1)
    if len(rows) > limit:
        return rows[:limit]
    own = offset + len(rows) if rows or offset == 0 else repo.own_count(user_id=user, words=words, upto=offset)
    if own == 0:
        return everyone(offset, limit)
    rows += repo.others_page(user_id=user, words=words, offset=max(0, offset - own), limit=limit - len(rows))
    return rows


# -- administration ---------------------------------------------------------------------------
def may_grant(*, ws: Workspace) -> bool:
    """Whether this user may give and take access (core.access.GRANTING_ROLES): the grant dialog asks first."""
    return rules.may_grant(ws.user.role)


def _admin(ws: Workspace, what: str) -> None:
    if not rules.may_grant(ws.user.role):
        raise RuleRefused(f"Kun en administrator kan {what}.")


def _clinician(user: User) -> None:
    if user.role not in rules.CLINICAL_ROLES:
        raise RuleRefused(f"{user.full_name} er {ROLES.get(user.role, user.role).lower()} og kan ikke have børn i "
                          "sin sagsstamme (ingen adgang til kliniske notater).")


def clinicians(*, ws: Workspace) -> list[User]:
    """Who may hold or share a child (the grant dialog's colleagues), by name."""
    return [u for u in UserRepository(ws.db).all() if u.role in rules.CLINICAL_ROLES]


def supervisors(*, ws: Workspace) -> list[User]:
    return [u for u in UserRepository(ws.db).all() if u.role in rules.SUPERVISING_ROLES]


def _user(ws: Workspace, username: str) -> User:
    user = UserRepository(ws.db).by_username(username)
    if user is None:
        raise NotFound(f"Ingen bruger med brugernavnet {username}.")
    return user


def _child(ws: Workspace, child_id: int) -> None:
    if ChildRepository(ws.db).get(child_id) is None:
        raise NotFound(f"Intet barn med id {child_id}.")


def grant(*, ws: Workspace, child_id: int, username: str, kind: str = "caseload", note: str = "") -> Changes:
    """Puts the child on a clinician's caseload, or shares it with her; nothing new if she has it already."""
    _admin(ws, "give adgang til et barn")
    if kind not in GRANT_KINDS:
        raise InvalidInput(f"Ukendt adgang {kind!r}; brug caseload eller shared.")
    _child(ws, child_id)
    user = _user(ws, username)
    _clinician(user)
    repo = AccessRepository(ws.db)
    if kind in repo.kinds_held(child_id=child_id, user_id=_id(user)):
        return Changes()
    now = ws.clock()
    with ws.db.transaction():
        repo.grant(child_id=child_id, user_id=_id(user), kind=kind, granted_by=_id(ws.user), now=now,
                   note=note.strip())
        audit.record(ws.db, user_id=_id(ws.user), action="user", now=now, child_id=child_id,
                     obj=f"{kind}:user:{_id(user)}", detail="grant")
    return Changes(children=True, child_id=child_id)


def revoke(*, ws: Workspace, child_id: int, username: str, kind: str = "caseload") -> Changes:
    _admin(ws, "fjerne adgang til et barn")
    if kind not in GRANT_KINDS:
        raise InvalidInput(f"Ukendt adgang {kind!r}; brug caseload eller shared.")
    user = _user(ws, username)
    now = ws.clock()
    with ws.db.transaction():
        if AccessRepository(ws.db).revoke(child_id=child_id, user_id=_id(user), kind=kind,
                                          revoked_by=_id(ws.user), now=now) == 0:
            raise NotFound(f"{user.full_name} har ikke barnet med id {child_id} ({GRANT_KINDS[kind]}).")
        audit.record(ws.db, user_id=_id(ws.user), action="user", now=now, child_id=child_id,
                     obj=f"{kind}:user:{_id(user)}", detail="revoke")
    return Changes(children=True, child_id=child_id)


def hand_over(*, ws: Workspace, child_id: int, username: str, note: str = "") -> Changes:
    """Hands the child's caseload to another clinician: every other holder's caseload ends and hers begins, in one
    transaction, each audited. Colleagues the child is shared with keep it; nothing new if she alone holds it."""
    _admin(ws, "overdrage et barns sagsstamme")
    _child(ws, child_id)
    user = _user(ws, username)
    _clinician(user)
    repo = AccessRepository(ws.db)
    others = sorted({g.user_id for g in repo.active(child_id=child_id) if g.kind == "caseload"} - {_id(user)})
    holds = "caseload" in repo.kinds_held(child_id=child_id, user_id=_id(user))
    if holds and not others:
        return Changes()
    now = ws.clock()
    with ws.db.transaction():
        for other in others:
            repo.revoke(child_id=child_id, user_id=other, kind="caseload", revoked_by=_id(ws.user), now=now)
            audit.record(ws.db, user_id=_id(ws.user), action="user", now=now, child_id=child_id,
                         obj=f"caseload:user:{other}", detail="revoke")
        if not holds:
            repo.grant(child_id=child_id, user_id=_id(user), kind="caseload", granted_by=_id(ws.user), now=now,
                       note=note.strip())
            audit.record(ws.db, user_id=_id(ws.user), action="user", now=now, child_id=child_id,
                         obj=f"caseload:user:{_id(user)}", detail="grant")
    return Changes(children=True, child_id=child_id)


def holders(*, ws: Workspace, child_id: int) -> list[Grant]:
    return AccessRepository(ws.db).active(child_id=child_id)


def add_pair(*, ws: Workspace, supervisor: str, therapist: str) -> Changes:
    _admin(ws, "oprette et supervisionspar")
    sup, ther = _user(ws, supervisor), _user(ws, therapist)
    if sup.role not in rules.SUPERVISING_ROLES:
        raise RuleRefused(f"{sup.full_name} er ikke supervisor og kan ikke supervisere.")
    if ther.role not in rules.CLINICAL_ROLES:
        raise RuleRefused(f"{ther.full_name} er {ROLES.get(ther.role, ther.role).lower()}, ikke behandler.")
    if _id(sup) == _id(ther):
        raise RuleRefused("En supervisor kan ikke supervisere sig selv.")
    repo = AccessRepository(ws.db)
    if _id(ther) in repo.supervisee_ids(supervisor_id=_id(sup)):
        return Changes()
    now = ws.clock()
    with ws.db.transaction():
        repo.add_pair(supervisor_id=_id(sup), therapist_id=_id(ther), granted_by=_id(ws.user), now=now)
        audit.record(ws.db, user_id=_id(ws.user), action="user", now=now,
                     obj=f"supervision:{_id(sup)}:{_id(ther)}", detail="grant")
    return Changes(users=True)


def revoke_pair(*, ws: Workspace, supervisor: str, therapist: str) -> Changes:
    _admin(ws, "fjerne et supervisionspar")
    sup, ther = _user(ws, supervisor), _user(ws, therapist)
    now = ws.clock()
    with ws.db.transaction():
        if AccessRepository(ws.db).revoke_pair(supervisor_id=_id(sup), therapist_id=_id(ther),
                                               revoked_by=_id(ws.user), now=now) == 0:
            raise NotFound(f"{sup.full_name} superviserer ikke {ther.full_name}.")
        audit.record(ws.db, user_id=_id(ws.user), action="user", now=now,
                     obj=f"supervision:{_id(sup)}:{_id(ther)}", detail="revoke")
    return Changes(users=True)


def pairs(*, ws: Workspace) -> list[Pair]:
    return AccessRepository(ws.db).pairs()


def supervisee_ids(*, ws: Workspace) -> set[int] | None:
    """The therapists this user supervises; None while the installation has no pairs yet (then, as before
    schema 13, every supervisor sees every review)."""
    repo = AccessRepository(ws.db)
    return repo.supervisee_ids(supervisor_id=_id(ws.user)) if repo.has_pairs() else None


def on_registered(*, ws: Workspace, child_id: int | None) -> None:
    """The clinician who registers a child holds it until an administrator says otherwise; a coordinator's
    registration waits for allocation. Call inside the registering transaction."""
    if ws.user.role in rules.CLINICAL_ROLES and child_id is not None:
        AccessRepository(ws.db).grant(child_id=child_id, user_id=_id(ws.user), kind="caseload",
                                      granted_by=_id(ws.user), now=ws.clock(), note="registered")
