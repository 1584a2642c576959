"""Rules on courses: is the child's age within the track's, where a session number stands against the range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core.ages import age_on
from behandlerklient.core.manuals import Track
from behandlerklient.core.vocab import SESSION_FORMAT

OFFER_AGE_MIN, OFFER_AGE_MAX = 5, 17
GROUP_FORMATS = ("group", "parent_group")


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    age: int
    message: str


def eligibility(track: Track, birth_date: date, on: date) -> Eligibility:
    age = age_on(birth_date, on)
    if track.age_min <= age <= track.age_max:
        return Eligibility(True, age, "")
    return Eligibility(False, age, f"Barnet er {age} år; {track.name} er til {track.age_min}-{track.age_max} år.")


def offer_age_problem(birth_date: date, on: date, *, what: str = "henvendelsesdatoen") -> str:
    """The offer is for 5-17-year-olds: outside that on the date, the record needs a reason; this says so."""
    age = age_on(birth_date, on)
    if OFFER_AGE_MIN <= age <= OFFER_AGE_MAX:
        return ""
    return (f"Barnet er {age} år på {what} {on:%d.%m.%Y}; tilbuddet er for {OFFER_AGE_MIN}-{OFFER_AGE_MAX}-årige. "
            "Skriv en begrundelse for aldersafvigelsen (fx 'fylder 5 næste måned').")


def track_age_problem(track: Track, birth_date: date, on: date) -> str:
    """A course on a track whose age range excludes the child needs a reason; this says so."""
    elig = eligibility(track, birth_date, on)
    return "" if elig.ok else f"{elig.message} Skriv en begrundelse for at bruge sporet alligevel."


@dataclass(frozen=True)
class SessionPosition:
    number: int
    planned: int
    track_min: int
    track_max: int
    status: str  # "within", "above_planned", "above_range"

    @property
    def heading(self) -> str:
        return f"Session {self.number} af {self.planned} (manual: {range_text(self.track_min, self.track_max)})"

    @property
    def warning(self) -> str:
        if self.status == "above_range":
            return (f"Session {self.number} ligger over manualens interval ({range_text(self.track_min, self.track_max)}). "
                    "Flere sessioner end manualen kræver en begrundelse.")
        if self.status == "above_planned":
            return f"Session {self.number} er ud over de {self.planned} planlagte sessioner."
        return ""


def range_text(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def session_position(track: Track, planned: int, number: int) -> SessionPosition:
    if number > track.sessions_max:
        status = "above_range"
    elif number > planned:
        status = "above_planned"
    else:
        status = "within"
    return SessionPosition(number, planned, track.sessions_min, track.sessions_max, status)


def planned_outside_range(track: Track, planned: int) -> str:
    """A planned count outside the manual's range is allowed with a reason; this says so."""
    if planned < track.sessions_min:
        return f"{planned} planlagte sessioner er færre end manualens minimum ({track.sessions_min})."
    if planned > track.sessions_max:
        return f"{planned} planlagte sessioner er flere end manualens maksimum ({track.sessions_max})."
    return ""


def group_format_problem(track: Track, fmt: str) -> str:
    """A track that is individual only (STIME selvskade) refuses any group format; this says so."""
    if not track.individual_only or fmt not in GROUP_FORMATS:
        return ""
    return (f"{track.name} er kun individuelt (ingen grupper på grund af social smitte); formatet "
            f"'{SESSION_FORMAT[fmt].lower()}' kan ikke bruges.")
