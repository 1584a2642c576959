"""Registering and finding children; the data the child view shows."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import identifiers, municipalities
from behandlerklient.core.course_rules import range_text
from behandlerklient.core.errors import InvalidInput, NotFound, ValidationError
from behandlerklient.core.manuals import Track
from behandlerklient.core.models import Child, Contact, Course, GeneralPractitioner, Guardian, Session, SessionParts
from behandlerklient.services.accounts import access
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository, ChildRow
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import SessionRepository


@dataclass
class Registered:
    child: Child
    warnings: list[str]
    changes: Changes


def _municipality(text: str, what: str) -> str:
    """The official name of a municipality typed as a name or a kommunekode (core/municipalities.py)."""
    try:
        return municipalities.normalise(text)
    except ValueError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def register_child(*, ws: Workspace, first_name: str, last_name: str, cpr: str,
                   home_municipality: str = "", treating_municipality: str = "",
                   gp: GeneralPractitioner | None = None, guardians: list[Guardian] | None = None,
                   address: str = "", school: str = "") -> Registered:
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name:
        raise InvalidInput("Fornavn mangler.")
    if not last_name:
        raise InvalidInput("Efternavn mangler.")
    try:
        parsed = cprmod.parse(cpr)
        cprmod.check_plausible_age(parsed, ws.clock().date())
    except ValidationError as exc:
        raise InvalidInput(exc.message) from None
    if gp is not None:
        found = identifiers.number_problems(sor=gp.sor.strip(), ean=gp.ean.strip(), who="Egen læge")
        if found:
            raise InvalidInput(" ".join(found))
    home_municipality = _municipality(home_municipality, "Hjemkommune")
    treating_municipality = _municipality(treating_municipality, "Behandlende kommune")
    repo = ChildRepository(ws.db)
    if repo.cpr_exists(parsed.digits):
        raise InvalidInput(f"Der findes allerede et barn med CPR-nummeret {parsed.masked}.")
    child = Child(None, first_name, last_name, parsed.digits, home_municipality, treating_municipality,
                  gp, list(guardians or []), address=address.strip(), school=school.strip())
    with ws.db.transaction():
        if gp is not None and gp.id is None:
            repo.add_gp(gp)
        repo.add(child, birth_date=parsed.birth_date, sex=parsed.sex, created_by=ws.user.id, now=ws.clock())
        access.on_registered(ws=ws, child_id=child.id)
        audit.record(ws.db, user_id=ws.user.id, action="create", now=ws.clock(), child_id=child.id, obj="child")
    return Registered(child, parsed.warnings, Changes(children=True, child_id=child.id))


def gps(*, ws: Workspace) -> list[GeneralPractitioner]:
    return ChildRepository(ws.db).gps()


def search(*, ws: Workspace, text: str, offset: int = 0, limit: int = 100) -> list[ChildRow]:
    """Matches in list order, the user's own caseload (and children shared with her) first."""
    repo = ChildRepository(ws.db)
    return access.child_page(ws=ws, text=text, offset=offset, limit=limit,
                             everyone=lambda o, n: repo.search(text, offset=o, limit=n))


def page(*, ws: Workspace, offset: int, limit: int) -> list[ChildRow]:
    repo = ChildRepository(ws.db)
    return access.child_page(ws=ws, text="", offset=offset, limit=limit,
                             everyone=lambda o, n: repo.page(offset=o, limit=n))


def count(*, ws: Workspace) -> int:
    return ChildRepository(ws.db).count()


@dataclass
class CourseView:
    course: Course
    track: Track | None
    sessions: list[Session] = field(default_factory=list)

    @property
    def track_name(self) -> str:
        return self.track.name if self.track else self.course.track_id

    @property
    def delivered(self) -> int:
        return sum(1 for s in self.sessions if s.state == "signed" and s.attendance == "held")

    @property
    def cancelled(self) -> int:
        return sum(1 for s in self.sessions if s.attendance == "cancelled")

    @property
    def missed(self) -> int:
        return sum(1 for s in self.sessions if s.attendance == "missed")

    @property
    def progress_text(self) -> str:
        """E.g. '4 af 10 (manual: 9-13)': signed sessions against the plan and the manual's range."""
        text = f"{self.delivered} af {self.course.planned_sessions}"
        if self.track:
            text += f" (manual: {range_text(self.track.sessions_min, self.track.sessions_max)})"
        if self.cancelled or self.missed:
            text += f"; {self.cancelled} aflyst, {self.missed} udeblevet"
        return text


@dataclass
class ChildOverview:
    child: Child
    age: int
    contacts: list[Contact]
    courses: list[CourseView]


def overview(*, ws: Workspace, child_id: int, on: date | None = None, log_view: bool = True) -> ChildOverview:
    """The child's record as the child view shows it; every look-up is written to the audit log."""
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    if log_view:  # a refresh after the user's own change is not a new look-up
        with ws.db.transaction():
            audit.record(ws.db, user_id=ws.user.id, action="view", now=ws.clock(), child_id=child_id, obj="record")
    path = PathwayRepository(ws.db)
    sessions = SessionRepository(ws.db)
    # The sessions' frame counts the course's progress; their text goes only to those who may read it.
    text = access.may_read(ws=ws, child_id=child_id, kind="journal_entries")
    views = []
    for course in path.courses(child_id):
        found = sessions.for_course(course.id)
        views.append(CourseView(course, ws.catalogue.tracks.get(course.track_id),
                                found if text else [replace(s, parts=SessionParts(), own_note="") for s in found]))
    return ChildOverview(child, child.age_on(on or date.today()), path.contacts(child_id), views)
