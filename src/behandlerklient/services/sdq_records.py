"""SDQ responses by item number: stored as ticked, scored on read, and their change from baseline to closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core import sdq
from behandlerklient.core.errors import InvalidInput, ValidationError
from behandlerklient.services import audit, seal
from behandlerklient.services.changes import Changes
from behandlerklient.services.scoring import band_scheme
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.sdq import SdqRepository

PHASES = {"baseline": "Før forløb", "during": "Under forløb", "closing": "Ved afslutning", "follow_up": "Opfølgning"}


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


def record(*, ws: Workspace, child_id: int, informant: str, phase: str, answered_on: date,
           answers: list[int | None], impact: list[int | None] | None = None, screening_id: int | None = None,
           course_id: int | None = None) -> tuple[int, Changes]:
    """A filled-in form is a fact: stored signed and unchangeable; a mistake is corrected by a new response."""
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
