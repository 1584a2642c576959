"""SDQ responses by item number: stored as ticked, scored on read, and their change from baseline to closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core import sdq, sdq_progress
from behandlerklient.core.errors import InvalidInput, ValidationError
from behandlerklient.core.sdq_progress import PHASES
from behandlerklient.services.accounts import access
from behandlerklient.services.accounts.signing import Proof, confirm_identity
from behandlerklient.services.changes import Changes
from behandlerklient.services.measures.scoring import band_scheme
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.sdq import SdqRepository

__all__ = ["PHASES", "Change", "SdqResponse", "change_from_baseline", "change_lines", "check", "for_child", "record",
           "sign", "summary_lines"]


def _encode(values: list[int | None]) -> str:
    return "".join("." if v is None else str(v) for v in values)


def _decode(text: str) -> list[int | None]:
    return [None if ch == "." else int(ch) for ch in text]


@dataclass(frozen=True)
class SdqResponse:
    id: int
    child_id: int
    phase: str
    informant: str
    answered_on: date
    answers: list[int | None]
    impact: list[int | None] | None
    screening_id: int | None
    course_id: int | None

    @property
    def scores(self) -> sdq.SdqScores:
        return sdq.score(self.informant, self.answers, self.impact)


def check(*, ws: Workspace, child_id: int, informant: str, phase: str, answered_on: date,
          answers: list[int | None], impact: list[int | None] | None = None) -> sdq.SdqScores:
    """Everything that refuses the form, before anyone is asked for a passphrase: may the user write the child's
    SDQ, and is the form valid."""
    access.require_write(ws=ws, child_id=child_id, kind="sdq_responses")
    return _validate(ws=ws, child_id=child_id, informant=informant, phase=phase, answered_on=answered_on,
                     answers=answers, impact=impact)


def _validate(*, ws: Workspace, child_id: int, informant: str, phase: str, answered_on: date,
              answers: list[int | None], impact: list[int | None] | None = None) -> sdq.SdqScores:
    if phase not in PHASES:
        raise InvalidInput(f"Ukendt fase {phase!r}.")
    try:
        scores = sdq.score(informant, answers, impact)
    except ValidationError as exc:
        raise InvalidInput(exc.message) from None
    if informant == "self":
        born = date.fromisoformat(SdqRepository(ws.db).child_birth_date(child_id) or "1900-01-01")
        from behandlerklient.core.ages import age_on

        if age_on(born, answered_on) < 11:
            raise InvalidInput("Selvrapporten (SDQ) er til børn fra 11 år.")
    return scores


def sign(*, ws: Workspace, child_id: int, informant: str, phase: str, answered_on: date, answers: list[int | None],
         passphrase: Proof, impact: list[int | None] | None = None, screening_id: int | None = None,
         course_id: int | None = None) -> tuple[int, Changes]:
    """Saving a form signs it, like every other record: the rules first, then the user's passphrase (or a fresh
    confirmation of it, services/accounts/signing.py), then the signed row sealed with the author's key."""
    check(ws=ws, child_id=child_id, informant=informant, phase=phase, answered_on=answered_on, answers=answers,
          impact=impact)
    confirm_identity(ws=ws, passphrase=passphrase)
    return record(ws=ws, child_id=child_id, informant=informant, phase=phase, answered_on=answered_on,
                  answers=answers, impact=impact, screening_id=screening_id, course_id=course_id)


def record(*, ws: Workspace, child_id: int, informant: str, phase: str, answered_on: date,
           answers: list[int | None], impact: list[int | None] | None = None, screening_id: int | None = None,
           course_id: int | None = None) -> tuple[int, Changes]:
    """A filled-in form is a fact: stored signed and unchangeable; a mistake is corrected by a new response.
    Called after the identity was confirmed (by `sign`, or by the demo data that has no one to ask)."""
    scores = _validate(ws=ws, child_id=child_id, informant=informant, phase=phase, answered_on=answered_on,
                       answers=answers, impact=impact)
    now = ws.clock()
    with ws.db.transaction():
        rid = SdqRepository(ws.db).add({
            "child_id": child_id, "screening_id": screening_id, "course_id": course_id, "phase": phase,
            "informant": informant, "answered_on": answered_on.isoformat(), "answers": _encode(answers),
            "impact": _encode(impact) if impact else "", "author_id": ws.user.id, "created_at": to_text(now),
            "signed_at": to_text(now)})
        audit.record(ws.db, user_id=ws.user.id, action="create", now=now, child_id=child_id, obj=f"sdq:{rid}",
                     detail=f"total={scores.total_difficulties}")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return rid, Changes(journal=True, child_id=child_id)


def _response(r) -> SdqResponse:
    return SdqResponse(r["id"], r["child_id"], r["phase"], r["informant"], date.fromisoformat(r["answered_on"]),
                       _decode(r["answers"]), _decode(r["impact"]) if r["impact"] else None,
                       r["screening_id"], r["course_id"])


def for_child(*, ws: Workspace, child_id: int) -> list[SdqResponse]:
    return [_response(r) for r in SdqRepository(ws.db).for_child(child_id)]


def _line(resp: SdqResponse) -> str:
    s = resp.scores
    band = band_scheme().classify(resp.informant, "total_difficulties", s.total_difficulties)
    band_text = f", {band['label'].lower()}{'' if band['confirmed'] else ' (bånd ikke bekræftet)'}" if band else ""
    total = "-" if s.total_difficulties is None else s.total_difficulties
    return (f"SDQ {sdq.INFORMANTS[resp.informant].lower()} {resp.answered_on:%d.%m.%Y}: samlet {total}{band_text}; "
            f"emotionel {_v(s.emotional)}, adfærd {_v(s.conduct)}, hyperaktivitet {_v(s.hyperactivity)}, "
            f"jævnaldrende {_v(s.peer)}, prosocial {_v(s.prosocial)}, påvirkning {_v(s.impact)}.")


def _v(value: int | None) -> str:
    return "-" if value is None else str(value)


def summary_lines(*, ws: Workspace, child_id: int, screening_id: int) -> list[str]:
    return [_line(r) for r in for_child(ws=ws, child_id=child_id) if r.screening_id == screening_id]


@dataclass(frozen=True)
class Change:
    informant: str
    baseline: int | None
    closing: int | None

    @property
    def delta(self) -> int | None:
        return None if self.baseline is None or self.closing is None else self.closing - self.baseline


def change_from_baseline(*, ws: Workspace, child_id: int, course_id: int) -> list[Change]:
    """Per informant: the latest baseline before or at the course, and the closing response of the course."""
    responses = for_child(ws=ws, child_id=child_id)
    out = []
    for informant in sdq.INFORMANTS:
        base = [r for r in responses if r.informant == informant and r.phase == "baseline"
                and (r.course_id in (None, course_id))]
        close = [r for r in responses if r.informant == informant and r.phase == "closing" and r.course_id == course_id]
        if base or close:
            out.append(Change(informant, base[-1].scores.total_difficulties if base else None,
                              close[-1].scores.total_difficulties if close else None))
    return out


def change_lines(*, ws: Workspace, course_id: int, child_id: int) -> list[str]:
    lines = []
    for c in change_from_baseline(ws=ws, child_id=child_id, course_id=course_id):
        delta = "" if c.delta is None else f" (ændring {c.delta:+d})"
        before = "ikke målt" if c.baseline is None else str(c.baseline)
        after = "ikke målt" if c.closing is None else str(c.closing)
        lines.append(f"{sdq.INFORMANTS[c.informant]}: samlet vanskelighedsscore før {before}, efter {after}{delta}")
    return lines


SDQ_DIRECTION = ("En højere samlet vanskelighedsscore (0-40) betyder flere vanskeligheder, en lavere færre. "
                 "Båndet er SDQ's 4-båndsinddeling: tæt på gennemsnit, let forhøjet, høj, meget høj.")


def _band(informant: str, value: int | None) -> str:
    found = band_scheme().classify(informant, "total_difficulties", value)
    if found is None:
        return ""
    return f" ({found['label'].lower()}{'' if found['confirmed'] else ', båndgrænser ikke bekræftede'})"


def letter_change_lines(*, ws: Workspace, course_id: int, child_id: int) -> list[str]:
    """SDQ change for the GP: each total with its band and the direction said in words, so that an effect judged
    'Bedring' beside a rising total is read as what it is; the last line says which way is better."""
    lines = []
    for c in change_from_baseline(ws=ws, child_id=child_id, course_id=course_id):
        before = "ikke målt" if c.baseline is None else f"{c.baseline}{_band(c.informant, c.baseline)}"
        after = "ikke målt" if c.closing is None else f"{c.closing}{_band(c.informant, c.closing)}"
        if c.delta is None:
            direction = ""
        elif c.delta < 0:
            direction = f": {-c.delta} point lavere, altså færre vanskeligheder"
        elif c.delta > 0:
            direction = f": {c.delta} point højere, altså flere vanskeligheder"
        else:
            direction = ": uændret"
        lines.append(f"{sdq.INFORMANTS[c.informant]}: samlet vanskelighedsscore før {before}, efter {after}"
                     f"{direction}.")
    return [*lines, SDQ_DIRECTION] if lines else []


def suggest_time_point(*, ws: Workspace, child_id: int, on: date | None = None) -> sdq_progress.TimePoint:
    """Which time point a new form for the child belongs to, read from the child's pathway."""
    from behandlerklient.services.registration import children

    ov = children.overview(ws=ws, child_id=child_id, on=on, log_view=False)
    closing = SdqRepository(ws.db).courses_with_closing(child_id)
    states = [sdq_progress.CourseState(v.course.id, v.course.status, v.course.start_date, v.course.end_date,
                                       v.delivered, v.course.planned_sessions, v.course.id in closing)
              for v in ov.courses if v.course.id is not None]
    latest_contact = max((c.contact_date for c in ov.contacts), default=None)
    return sdq_progress.infer_time_point(states, latest_contact=latest_contact)


@dataclass(frozen=True)
class ProgressRow:
    """One form as the child view and the PDF list it: scores, bands with the footnote mark where a table is
    not confirmed, and the change of the total since the baseline from the same informant."""

    response: SdqResponse
    scores: dict[str, int | None]
    bands: dict[str, str]  # scale -> Danish band text ('Høj*' where not confirmed)
    change: int | None


@dataclass(frozen=True)
class Progress:
    rows: list[ProgressRow]
    series: dict[str, list[tuple[date, int]]]  # informant -> [(date, total)]: what the charts draw
    chart_bands: list[tuple[int, int, str]]  # the parent total's four bands on 0-40, for the shading
    footnote: str  # sdq_progress.UNCONFIRMED_NOTE when any band shown is not confirmed, else ''


def progress_of(responses: list[SdqResponse]) -> Progress:
    scheme = band_scheme()
    measured = [sdq_progress.Measurement(r.id, r.informant, r.phase, r.answered_on, r.scores.total_difficulties,
                                         r.course_id) for r in responses]
    changes = sdq_progress.change_since_baseline(measured)
    rows, shown = [], []
    for r in responses:
        scores = r.scores.as_dict()
        bands = {}
        for name, value in scores.items():
            band = scheme.classify(r.informant, name, value)
            if band is not None:
                shown.append(band)
                bands[name] = sdq_progress.band_mark(band)
        rows.append(ProgressRow(r, scores, bands, changes.get(r.id)))
    return Progress(rows, sdq_progress.totals_over_time(measured), chart_bands(),
                    sdq_progress.UNCONFIRMED_NOTE if sdq_progress.needs_footnote(shown) else "")


def chart_bands() -> list[tuple[int, int, str]]:
    from behandlerklient.core.sdq_bands import BAND_LABELS

    table = band_scheme().tables.get(("parent", "total_difficulties"))
    if table is None:
        return []
    names = ("close_to_average", "slightly_raised", "high", "very_high")
    return [(lo, hi, BAND_LABELS[name]) for (lo, hi), name in zip(table.cutoffs, names, strict=True)]


def progress(*, ws: Workspace, child_id: int, course_id: int | None = None) -> Progress:
    """The child's forms (of one course and its baselines, when given) with bands, changes and the chart's series.
    Whoever shows it has checked that the user may read the child's SDQ (services/overview/child_record.py)."""
    responses = [r for r in for_child(ws=ws, child_id=child_id)
                 if course_id is None or r.course_id in (None, course_id)]
    return progress_of(responses)
