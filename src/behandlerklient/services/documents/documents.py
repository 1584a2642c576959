"""Documents out: gathers a child's record into the plain data the PDF layouts take, and logs every export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from behandlerklient.core import sdq, sdq_progress
from behandlerklient.core.errors import InvalidInput, NotFound
from behandlerklient.core.vocab import COURSE_STATUS, GUARDIAN_RELATION, SESSION_FORMAT, SEX, label
from behandlerklient.exports import journal_summary as layout
from behandlerklient.exports.pdf_base import write_file
from behandlerklient.services.journal import journal
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.course_changes import CourseChangeRepository

SECTIONS = {"contact": "Henvendelser", "intake": "Forsamtaler og beslutninger", "consent": "Information og samtykke",
            "screening": "Screening", "session": "Forløb og sessioner", "absence": "Forløb og sessioner",
            "course_change": "Forløb og sessioner", "coordination": "Koordinering med samarbejdspartnere",
            "notification": "Underretninger", "closing": "Afslutning og opfølgning",
            "follow_up": "Afslutning og opfølgning", "disclosure": "Udleveringer"}
SECTION_ORDER = list(dict.fromkeys(SECTIONS.values()))


def _d(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "-"


def summary_data(*, ws: Workspace, child_id: int, course_id: int | None = None, on: date | None = None
                 ) -> layout.SummaryData:
    on = on or date.today()
    ov = children.overview(ws=ws, child_id=child_id, on=on, log_view=False)
    child = ov.child
    parsed = child.parsed_cpr
    views = ov.courses
    if course_id is not None:
        views = [v for v in views if v.course.id == course_id]
        if not views:
            raise NotFound(f"Barnet har intet forløb med id {course_id}.")
    guardians = "; ".join(f"{g.name} ({label(GUARDIAN_RELATION, g.relation).lower()}"
                          f"{'' if g.has_custody else ', uden forældremyndighed'})" for g in child.guardians) or "-"
    gp = child.gp
    master = [("Navn", child.full_name), ("CPR", parsed.formatted),
              ("Født", f"{_d(parsed.birth_date)} ({ov.age} år), {label(SEX, parsed.sex).lower()}"),
              ("Forældre", guardians),
              ("Egen læge", f"{gp.clinic_name}, {gp.doctor_name}, {gp.address}, {gp.postcode} {gp.city}, tlf. {gp.phone}"
               if gp else "ikke angivet"),
              ("Bopælskommune", child.home_municipality or "-"),
              ("Behandlende kommune", child.treating_municipality or "-")]
    courses = []
    course_ids = [v.course.id for v in views if v.course.id is not None]
    changes = CourseChangeRepository(ws.db).latest_per_course(course_ids)
    for v in views:
        c, t = v.course, v.track
        facts = [("Spor", v.track_name + (f" ({t.owner})" if t and t.owner else "")),
                 ("Format", label(SESSION_FORMAT, c.format)), ("Start", _d(c.start_date)),
                 ("Status", label(COURSE_STATUS, c.status) + (f", afsluttet {_d(c.end_date)}" if c.end_date else "")),
                 ("Sessioner", f"{v.delivered} gennemført af {c.planned_sessions} planlagte"
                  + (f" (manual: {t.range_text})" if t else "") + f"; {v.cancelled} aflyst, {v.missed} udeblevet")]
        if c.id in changes:
            r = changes[c.id]
            facts.append(("Ændring", f"{r[1]}: {r[2]} → {r[3]} ({_d(date.fromisoformat(r[5]))}). Begrundelse: {r[4]}"))
        courses.append(layout.CourseBlock(f"Forløb: {v.track_name} fra {_d(c.start_date)}", facts))
    progress = sdq_records.progress(ws=ws, child_id=child_id, course_id=course_id)
    sdq_rows = [layout.SdqRow(p.response.answered_on, sdq.INFORMANTS[p.response.informant].split(" (")[0],
                              p.response.informant, sdq_records.PHASES[p.response.phase], p.scores,
                              p.bands.get("total_difficulties", ""), p.change) for p in progress.rows]
    # The PDF shows the total's band only: its footnote is there when one of those is not confirmed.
    footnote = progress.footnote if any(sdq_progress.UNCONFIRMED_MARK in r.band for r in sdq_rows) else ""
    entries = []
    for line in journal.entries(ws=ws, child_id=child_id):
        e = line.entry
        if course_id is not None and e.course_id not in (None, course_id):
            continue
        section = SECTIONS.get(e.source or e.kind, SECTIONS.get(e.kind, "Øvrige notater"))
        struck = ""
        if line.superseded:
            struck = (f"Rettet af {line.corrector_name} den "
                      f"{line.corrected_by.written_at.astimezone():%d.%m.%Y %H:%M}: se rettelsen nedenfor.")
        entries.append(layout.EntryBlock(section, e.title, e.event_time.date(), line.author_name, e.signed_at, e.body,
                                         struck))
    order = {s: i for i, s in enumerate(SECTION_ORDER + ["Øvrige notater"])}
    entries.sort(key=lambda b: (order.get(b.section, 99), b.when))
    title = "Journaludskrift" if course_id is None else "Journaludskrift for forløb"
    return layout.SummaryData(title=title, child_name=child.full_name, cpr_full=parsed.formatted,
                              cpr_masked=parsed.masked, master=master, courses=courses, sdq=sdq_rows,
                              sdq_bands=progress.chart_bands, sdq_series=progress.series,
                              sdq_footnote=footnote, entries=entries, printed_at=ws.clock().astimezone(),
                              printed_by=ws.user.full_name)


def journal_summary_pdf(*, ws: Workspace, child_id: int, course_id: int | None = None, on: date | None = None) -> bytes:
    return layout.render(summary_data(ws=ws, child_id=child_id, course_id=course_id, on=on))


def export_journal_summary(*, ws: Workspace, child_id: int, out: Path, course_id: int | None = None) -> Path:
    """Writes the PDF where the user asked, and logs the export in the child's audit trail."""
    if out.suffix.lower() != ".pdf":
        raise InvalidInput("Filnavnet skal ende på .pdf.")
    if not out.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {out.parent}")
    data = journal_summary_pdf(ws=ws, child_id=child_id, course_id=course_id)
    write_file(data, out)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), child_id=child_id,
                     obj="journal-summary" + (f":course:{course_id}" if course_id else ""))
    return out
