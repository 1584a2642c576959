"""Domain records. Plain dataclasses shared by services, storage and UI; ids are None until stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from behandlerklient.core import ages
from behandlerklient.core import cpr as cprmod
from behandlerklient.core.vocab import PROFESSIONS


@dataclass
class User:
    id: int | None
    username: str
    full_name: str
    role: str = "therapist"
    title: str = ""
    phone: str = ""
    profession: str = ""  # a code of vocab.PROFESSIONS; '' when never filled in

    @property
    def role_text(self) -> str:
        """The author's role as a letter and a MedCom file name it: the title, else the profession; '' for none."""
        return self.title.strip() or (PROFESSIONS.get(self.profession, "") if self.profession != "other" else "")


@dataclass
class GeneralPractitioner:
    id: int | None
    clinic_name: str
    doctor_name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    sor: str = ""
    ean: str = ""


@dataclass
class Guardian:
    id: int | None
    name: str
    relation: str = "other"
    has_custody: bool = True
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class Child:
    id: int | None
    first_name: str
    last_name: str
    cpr: str  # ten characters, no hyphen
    home_municipality: str = ""
    treating_municipality: str = ""
    gp: GeneralPractitioner | None = None
    guardians: list[Guardian] = field(default_factory=list)
    address: str = ""
    school: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def parsed_cpr(self) -> cprmod.Cpr:
        return cprmod.parse(self.cpr)

    @property
    def birth_date(self) -> date:
        return self.parsed_cpr.birth_date

    @property
    def sex(self) -> str:
        return self.parsed_cpr.sex

    def age_on(self, on: date) -> int:
        return ages.age_on(self.birth_date, on)


@dataclass
class Contact:
    id: int | None
    child_id: int
    contact_date: date
    made_by: str
    way: str
    concern: str
    made_by_detail: str = ""
    channel: str = "phone"
    consent_to_share: bool = False


@dataclass
class Course:
    id: int | None
    child_id: int
    track_id: str
    start_date: date
    planned_sessions: int
    status: str = "active"
    format: str = "individual"
    end_date: date | None = None
    contact_id: int | None = None  # the henvendelse the course answers
    entry_route: str = "screening"  # "screening", or "other_way": started outside the screening pathway
    entry_note: str = ""  # how an "other way" course came about


@dataclass
class SessionParts:
    agenda: str = ""
    status: str = ""
    goals: str = ""
    exercise: str = ""
    homework: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"agenda": self.agenda, "status": self.status, "goals": self.goals,
                "exercise": self.exercise, "homework": self.homework}


@dataclass
class Session:
    id: int | None
    course_id: int
    number: int
    session_date: date
    duration_min: int = 60
    participants: str = "both"
    format: str = "individual"
    parts: SessionParts = field(default_factory=SessionParts)
    state: str = "draft"
    author_id: int | None = None
    signed_at: datetime | None = None
    attendance: str = "held"  # held, cancelled, missed
    own_note: str = ""  # in a group session: this child's own notes
    group_session_id: int | None = None
    risk_level: str | None = None  # the session's risk check while a suicide risk is active (None: not made)
    risk_note: str = ""


@dataclass
class JournalEntry:
    id: int | None
    child_id: int
    kind: str
    title: str
    body: str
    author_id: int
    author_role: str
    event_time: datetime
    written_at: datetime
    course_id: int | None = None
    session_id: int | None = None
    signed_at: datetime | None = None
    supersedes_id: int | None = None
    source: str = ""  # the pathway record the entry journalises ("intake", "screening", ...)
    source_id: int | None = None
