"""Local user accounts: each user's own passphrase wraps the same data key; only an administrator adds users."""

from __future__ import annotations

from dataclasses import replace

from behandlerklient.core import limits
from behandlerklient.core import profession as profession_rules
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import User
from behandlerklient.core.vocab import ROLES
from behandlerklient.security import keyfile as kf
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace, check_passphrase, check_username
from behandlerklient.storage.users import UserRepository


def list_users(*, ws: Workspace) -> list[User]:
    return UserRepository(ws.db).all()


def add_user(*, ws: Workspace, admin_passphrase: str, username: str, full_name: str, role: str,
             passphrase: str, title: str = "", phone: str = "", profession: str = "",
             signing_key: bytes | None = None) -> tuple[User, Changes]:
    """A new user with her own passphrase; `signing_key`: her key from another laptop (else a new one)."""
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan oprette brugere.")
    check_username(username)
    limits.check_name("Det fulde navn", full_name)
    profession_rules.check(profession, title)
    check_passphrase(passphrase, user_inputs=(username, full_name))
    if role not in ROLES:
        raise InvalidInput(f"Ukendt rolle {role!r}; brug {', '.join(ROLES)}.")
    repo = UserRepository(ws.db)
    if repo.by_username(username) or ws.keys.find(kf.user_wrap_id(username)):
        raise InvalidInput(f"Brugernavnet {username} er optaget.")
    # The administrator's own passphrase unwraps the data key, which is then wrapped for the new user.
    data_key = ws.keys.unwrap(kf.user_wrap_id(ws.user.username), admin_passphrase)
    now = ws.clock()
    with ws.db.transaction():
        user = repo.add(User(None, username, full_name or username, role, title.strip(), phone,
                                 profession), now=now)
        ws.keys.add_wrap(kf.user_wrap_id(username), passphrase, data_key, signing_key=signing_key)
        ws.keys.save(kf.keyfile_path(ws.path))
        seal.register_wrap_key(ws=ws, username=username)  # vouched for by the administrator's key
        audit.record(ws.db, user_id=ws.user.id, action="user", now=now, obj=f"user:{user.id}", detail=f"add {role}")
    return user, Changes(users=True)


def set_profile(*, ws: Workspace, username: str, profession: str, title: str) -> tuple[User, Changes]:
    """Profession and title of a user: her own, or anyone's for an administrator (what letters name as her role)."""
    repo = UserRepository(ws.db)
    user = repo.by_username(username)
    if user is None or user.id is None:
        raise InvalidInput(f"Ingen bruger hedder {username}.")
    if user.id != ws.user.id and ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan ændre en andens faggruppe og stillingsbetegnelse.")
    profession_rules.check(profession, title)
    now = ws.clock()
    with ws.db.transaction():
        repo.set_profile(user.id, profession=profession, title=title.strip())
        audit.record(ws.db, user_id=ws.user.id, action="user", now=now, obj=f"user:{user.id}", detail="profile")
    if user.id == ws.user.id:
        ws.user.profession, ws.user.title = profession, title.strip()
    return replace(user, profession=profession, title=title.strip()), Changes(users=True)
