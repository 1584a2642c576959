"""The contact (henvendelse): the first record of a pathway, and the rule that later talks wait for its signature."""

from __future__ import annotations

from datetime import date

from behandlerklient.core import monitoring
from behandlerklient.core.course_rules import offer_age_problem
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY, label
from behandlerklient.services.pathway.pathway_records._text import _block, _d, _yn
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.pathway_records import PathwayRecordRepository


def _render_contact(ws: Workspace, r: dict) -> tuple[str, str]:
    who = label(CONTACT_MADE_BY, r["made_by"]) + (f" ({r['made_by_detail']})" if r["made_by_detail"] else "")
    body = (f"Dato: {_d(r['contact_date'])}. Henvendt af: {who}. Vej ind: {label(CONTACT_WAY, r['way'])}. "
            f"Kanal: {label(CONTACT_CHANNEL, r['channel'])}.\n\n{_reasons_line(ws, r)}"
            f"{_block('Bekymring', r['concern'])}\n\n"
            f"Samtykke til at indhente oplysninger: {_yn(r['consent_obtain'])}. "
            f"Samtykke til at dele oplysninger: {_yn(r['consent_to_share'])}.")
    if r.get("age_reason", "").strip():
        body += "\n\n" + _block("Begrundelse for alder uden for 5-17 år", r["age_reason"])
    return "Henvendelse", body


def _reasons_line(ws: Workspace, r: dict) -> str:
    codes = monitoring.split_codes(r.get("reasons", ""))
    if not codes:
        return ""
    names = settings.contact_reasons(ws=ws)
    return "Henvendelsen handler om: " + ", ".join(names.get(c, c) for c in codes) + ".\n\n"


def _delivering_unit(ws: Workspace) -> dict:
    return {"delivering_unit": settings.get(ws=ws, key="delivering_unit")}


def _validate_contact(ws: Workspace, r: dict) -> list[str]:
    found = [] if r["concern"].strip() else ["Beskriv bekymringen (årsagen til henvendelsen)."]
    found += monitoring.reason_problems(r.get("reasons", ""), settings.contact_reasons(ws=ws))
    born = PathwayRecordRepository(ws.db).birth_date(r["child_id"])
    outside = offer_age_problem(date.fromisoformat(born), date.fromisoformat(r["contact_date"])) if born else ""
    if outside and not r.get("age_reason", "").strip():
        found.append(outside)
    return found


register(Kind("contact", "contacts", "Henvendelse", "contact_date",
              ("child_id", "contact_date", "made_by", "made_by_detail", "way", "channel", "concern",
               "consent_obtain", "consent_to_share", "age_reason", "reasons"),
              required=("child_id", "contact_date", "made_by", "way"), author_column="created_by",
              validate=_validate_contact, render=_render_contact, course_column=None, on_create=_delivering_unit))


def contact_first(ws: Workspace, r: dict) -> list[str]:
    """A talk belongs to a contact: the contact's rules (the 5-17 age, the concern) are met and signed first."""
    signed = PathwayRecordRepository(ws.db).contact_signed_at(r["contact_id"])
    return [] if signed else ["Underskriv henvendelsen først; samtalen hører til den."]

