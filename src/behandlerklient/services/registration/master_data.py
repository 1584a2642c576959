"""Correcting a child's master data (name, CPR, address, school, parents, GP): each change is kept as a row with
who, when and the old value, and logged; a CPR correction needs its reason."""

from __future__ import annotations

from dataclasses import replace

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import master_data as rules
from behandlerklient.core import municipalities
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused, ValidationError
from behandlerklient.core.models import Child
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.child_changes import ChildChangeRepository, ChildChangeRow
from behandlerklient.storage.children import ChildRepository


def current(*, ws: Workspace, child_id: int) -> Child:
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    return child


def _checked_cpr(ws: Workspace, child_id: int, text: str) -> cprmod.Cpr:
    try:
        parsed = cprmod.parse(text)
        cprmod.check_plausible_age(parsed, ws.clock().date())
    except ValidationError as exc:
        raise InvalidInput(exc.message) from None
    owner = ChildRepository(ws.db).cpr_owner(parsed.digits)
    if owner is not None and owner != child_id:
        raise InvalidInput(f"Der findes allerede et barn med CPR-nummeret {parsed.masked}.")
    return parsed


def _municipality(new: str, old: str, what: str) -> str:
    """The official name of a changed municipality (a name or a kommunekode); an older free-text value the user
    left alone stays as it is."""
    if new == old:
        return new
    try:
        return municipalities.normalise(new)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def save(*, ws: Workspace, child_id: int, edited: Child, reason: str = "") -> tuple[list[rules.FieldChange], Changes]:
    """Stores what differs from the child's current master data, one change row per field, in one transaction.

    `edited` is the whole record as the user left it (a parent with id None is added). The GP is matched by its
    details: a known clinic is reused, a new or corrected one becomes a new row, so no other child's GP changes.
    """
    old = current(ws=ws, child_id=child_id)
    new = rules.tidy(replace(edited, id=child_id))
    parsed = old.parsed_cpr
    if new.cpr.replace("-", "") != old.cpr:
        parsed = _checked_cpr(ws, child_id, new.cpr)
    new = replace(new, cpr=parsed.digits)
    new = replace(new, home_municipality=_municipality(new.home_municipality, old.home_municipality, "Hjemkommune"),
                  treating_municipality=_municipality(new.treating_municipality, old.treating_municipality,
                                                      "Behandlende kommune"))
    found = rules.problems(old, new, reason)
    if found:
        raise RuleRefused(" ".join(found))
    changes = rules.diff(old, new)
    if not changes:
        return [], Changes()
    repo, ledger = ChildRepository(ws.db), ChildChangeRepository(ws.db)
    now, fields = ws.clock(), {c.field for c in changes}
    with ws.db.transaction():
        if "gp" not in fields:
            new = replace(new, gp=old.gp)  # the same details, whatever id the caller passed
        elif new.gp is not None:
            known = repo.find_gp(new.gp)
            new = replace(new, gp=replace(new.gp, id=known) if known else repo.add_gp(replace(new.gp, id=None)))
        repo.update(new, birth_date=parsed.birth_date, sex=parsed.sex, now=now, author_id=ws.user.id)
        for g in new.guardians:
            if g.id is None:
                repo.add_guardian(child_id, g)
            else:
                repo.update_guardian(g, child_id=child_id, now=now, author_id=ws.user.id)
        for c in changes:
            guardian_id = new.guardians[c.guardian_index].id if c.guardian_index is not None else None
            ledger.add(child_id=child_id, field=c.field, old_value=c.old_value, new_value=c.new_value,
                       reason=reason.strip(), changed_by=ws.user.id, now=now, guardian_id=guardian_id)
        if "cpr" in fields:
            audit.record(ws.db, user_id=ws.user.id, action="correct", now=now, child_id=child_id, obj="child:cpr")
        others = sorted(fields - {"cpr"})
        if others:
            audit.record(ws.db, user_id=ws.user.id, action="master_data", now=now, child_id=child_id,
                         obj="child:master-data", detail=",".join(others))
    return changes, Changes(children=True, child_id=child_id)


def history(*, ws: Workspace, child_id: int) -> list[ChildChangeRow]:
    """The child's master data changes, newest first."""
    return ChildChangeRepository(ws.db).for_child(child_id)


def label(field: str) -> str:
    return rules.FIELD_LABELS.get(field, field)
