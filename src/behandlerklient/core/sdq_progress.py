"""SDQ over a child's pathway: which time point a new form belongs to, the change since the baseline from the
same informant, the totals per informant over time (the one series both the PDF and the child view draw), and
the one footnote for band tables that are not confirmed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from behandlerklient.core.sdq import INFORMANTS

# Danish names of the time points, in pathway order.
PHASES = {"baseline": "Før forløb", "during": "Under forløb", "closing": "Ved afslutning", "follow_up": "Opfølgning"}

UNCONFIRMED_MARK = "*"
UNCONFIRMED_NOTE = ("* Bånd markeret med * bygger på grænser, der ikke er bekræftet for danske børn og unge; "
                    "brug dem med forbehold, indtil kommunen har kontrolleret dem.")


@dataclass(frozen=True)
class CourseState:
    """What the time point depends on: a course's status, its progress and whether its closing is begun."""

    id: int
    status: str  # planned, active, completed, dropped_out, cancelled
    start: date
    end: date | None
    delivered: int
    planned: int
    closing_begun: bool = False


@dataclass(frozen=True)
class TimePoint:
    phase: str
    course_id: int | None
    why: str  # Danish: what the suggestion was read from


def infer_time_point(courses: list[CourseState], *, latest_contact: date | None = None) -> TimePoint:
    """The SDQ's time point from the pathway: before a course (or before its first session), at closing once the
    planned sessions are held or the closing is begun, under the course in between, and follow-up after the
    course ended unless a newer contact has started a new pathway."""
    open_courses = [c for c in courses if c.status in ("active", "planned")]
    if open_courses:
        c = max(open_courses, key=lambda c: (c.start, c.id))
        if c.closing_begun or (c.planned and c.delivered >= c.planned):
            return TimePoint("closing", c.id, f"forløbet afsluttes ({c.delivered} af {c.planned} sessioner holdt)")
        if c.delivered == 0:
            return TimePoint("baseline", None, "forløbet er ikke begyndt")
        return TimePoint("during", c.id, f"forløbet er i gang ({c.delivered} af {c.planned} sessioner holdt)")
    ended = [c for c in courses if c.status in ("completed", "dropped_out") and c.end is not None]
    if ended:
        c = max(ended, key=lambda c: (c.end, c.id))
        if latest_contact is not None and c.end is not None and latest_contact > c.end:
            return TimePoint("baseline", None, "ny henvendelse efter det afsluttede forløb")
        return TimePoint("follow_up", c.id, f"forløbet sluttede {c.end:%d.%m.%Y}")
    return TimePoint("baseline", None, "intet forløb endnu")


@dataclass(frozen=True)
class Measurement:
    """One scored form, as far as the progress cares."""

    id: int
    informant: str
    phase: str
    answered_on: date
    total: int | None
    course_id: int | None


def change_since_baseline(rows: list[Measurement]) -> dict[int, int | None]:
    """Per form: its total minus the latest earlier baseline total from the same informant (None where no
    such baseline exists, for a baseline itself, or where a total is missing). Never across informants."""
    out: dict[int, int | None] = {}
    latest: dict[str, int | None] = {}
    for m in sorted(rows, key=lambda m: (m.answered_on, m.id)):
        if m.phase == "baseline":
            latest[m.informant] = m.total
            out[m.id] = None
            continue
        base = latest.get(m.informant)
        out[m.id] = None if base is None or m.total is None else m.total - base
    return out


def totals_over_time(rows: list[Measurement]) -> dict[str, list[tuple[date, int]]]:
    """Informant -> [(date, total difficulties)] in date order, informants in a fixed order; forms without a
    total are left out. The PDF chart and the child view's chart both draw exactly this."""
    points: dict[str, list[tuple[date, int]]] = {}
    for informant in INFORMANTS:
        series = sorted((m.answered_on, m.total) for m in rows if m.informant == informant and m.total is not None)
        if series:
            points[informant] = [(day, int(total)) for day, total in series]
    return points


def band_mark(band: dict | None) -> str:
    """A band's text with the footnote mark where its table is not confirmed (the note itself is said once)."""
    if band is None:
        return ""
    return band["label"] + ("" if band["confirmed"] else UNCONFIRMED_MARK)


def needs_footnote(bands: Sequence[dict | None]) -> bool:
    return any(b is not None and not b["confirmed"] for b in bands)
