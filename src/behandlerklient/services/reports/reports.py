"""Reports as the CLI and GUI ask for them: JSON, pseudonymised CSV or PDF, written where the user asks."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.exports import activity_report
from behandlerklient.exports import fidelity_report as fidelity_pdf
from behandlerklient.exports.pdf_base import write_file
from behandlerklient.reports import activity, fidelity, status_memo
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.users import UserRepository


def _period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("Slutdatoen ligger før startdatoen.")


def activity_data(*, ws: Workspace, start: date, end: date) -> dict:
    _period(start, end)
    data = activity.build(ws.db, ws.catalogue, start=start, end=end)
    return {**data, **status_memo_data(ws=ws, start=start, end=end)}


def status_memo_data(*, ws: Workspace, start: date, end: date) -> dict:
    """The status memo's figures (reports/status_memo.py), a section of the activity report."""
    return {"status_memo": status_memo.build(ws.db, start=start, end=end,
                                             reason_labels=settings.contact_reasons(ws=ws))}


def fidelity_data(*, ws: Workspace, start: date, end: date, therapist_id: int | None = None) -> dict:
    _period(start, end)
    if ws.user.role not in ("supervisor", "admin") and therapist_id not in (None, ws.user.id):
        raise RuleRefused("Kun en supervisor kan se andre behandleres manualtroskab.")
    if ws.user.role not in ("supervisor", "admin"):
        therapist_id = ws.user.id
    return fidelity.build(ws.db, ws.catalogue, start=start, end=end, therapist_id=therapist_id)


def render(*, ws: Workspace, kind: str, fmt: str, start: date, end: date, therapist_id: int | None = None) -> bytes:
    if kind == "activity":
        data = activity_data(ws=ws, start=start, end=end)
        if fmt == "json":
            out = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        elif fmt == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=activity.CSV_COLUMNS, delimiter=";")
            writer.writeheader()
            writer.writerows(activity.pseudonymised_rows(ws.db, start=start, end=end))
            out = buffer.getvalue().encode("utf-8-sig")  # Excel on Danish Windows reads BOM + ';'
        elif fmt == "pdf":
            out = activity_report.render(data, printed_by=ws.user.full_name, printed_at=ws.clock().astimezone())
        else:
            raise InvalidInput("Aktivitetsrapporten findes som json, csv eller pdf.")
    elif kind == "fidelity":
        data = fidelity_data(ws=ws, start=start, end=end, therapist_id=therapist_id)
        if fmt == "json":
            out = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        elif fmt == "pdf":
            out = fidelity_pdf.render(_fidelity_document(ws, data))
        else:
            raise InvalidInput("Manualtroskabsrapporten findes som json eller pdf.")
    else:
        raise InvalidInput(f"Ukendt rapport {kind!r}.")
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj=f"report:{kind}:{fmt}",
                     detail=f"{start.isoformat()}..{end.isoformat()}")
    return out


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _fidelity_document(ws: Workspace, data: dict) -> fidelity_pdf.FidelityReport:
    overall = data["overall"]
    scope = "Alle behandlere"
    if data["therapist_id"] is not None:
        therapist = UserRepository(ws.db).get(data["therapist_id"])
        scope = (therapist.full_name if therapist else "") or scope
    cols = ["", "Sessioner", "Gennemgået", "Selvvurdering", "Supervisor", "Forskel"]

    def rows(section: dict) -> list[list[str]]:
        return [[key, str(v["sessions"]), _pct(v["reviewed_share"]), _pct(v["self_adherence"]),
                 _pct(v["supervisor_adherence"]),
                 "–" if v["self_minus_supervisor"] is None else f"{v['self_minus_supervisor'] * 100:+.0f} point"]
                for key, v in section.items()]

    return fidelity_pdf.FidelityReport(
        title="Manualtroskab", scope=scope, period_from=date.fromisoformat(data["period"]["from"]),
        period_to=date.fromisoformat(data["period"]["to"]), printed_by=ws.user.full_name,
        printed_at=ws.clock().astimezone(),
        summary=[("Sessioner i perioden", str(overall.get("sessions", 0))),
                 ("Andel gennemgået af supervisor", _pct(overall.get("reviewed_share"))),
                 ("Selvvurderet efterlevelse", _pct(overall.get("self_adherence"))),
                 ("Supervisors vurdering", _pct(overall.get("supervisor_adherence")))],
        sections=[fidelity_pdf.FidelitySection("Pr. behandler", ["Behandler"] + cols[1:], rows(data["by_therapist"])),
                  fidelity_pdf.FidelitySection("Pr. spor", ["Spor"] + cols[1:], rows(data["by_track"])),
                  fidelity_pdf.FidelitySection("Over tid", ["Måned"] + cols[1:], rows(data["by_month"]),
                                               "Selvvurderinger ligger ofte over supervisors vurdering; se forskellen.")])


def write(*, data: bytes, out: Path | None) -> None:
    if out is None:
        return
    if not out.parent.is_dir():
        raise InvalidInput(f"Mappen findes ikke: {out.parent}")
    write_file(data, out)
