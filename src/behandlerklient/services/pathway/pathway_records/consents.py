"""Consents (to treatment, to share, a 15-17-year-old's limit on parental access) and their withdrawals."""

from __future__ import annotations

from datetime import date

from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.services.changes import Changes
from behandlerklient.services.pathway.pathway_records._text import _d
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.pathway_records import PathwayRecordRepository

CONSENT_KINDS = {"treatment": "Samtykke til behandling", "share": "Samtykke til videregivelse",
                 "limit_parental_access": "Begrænset forældreadgang (15-17 år)"}


def _guardian_name(ws: Workspace, guardian_id: int | None) -> str:
    if guardian_id is None:
        return ""
    return PathwayRecordRepository(ws.db).guardian_name(guardian_id)


def _validate_consent(ws: Workspace, r: dict) -> list[str]:
    from behandlerklient.core.ages import age_on

    found = []
    if r["given_by"] == "custody_holder":
        row = PathwayRecordRepository(ws.db).guardian_custody(r["guardian_id"])
        if row is None or row["child_id"] != r["child_id"]:
            found.append("Forælderen hører ikke til barnet.")
        elif not row["has_custody"]:
            found.append("Forælderen har ikke forældremyndighed og kan ikke give samtykke.")
    if r["kind"] == "share" and not r["party"]:
        found.append("Vælg, hvem oplysningerne må deles med.")
    if r["kind"] == "limit_parental_access":
        born = date.fromisoformat(PathwayRecordRepository(ws.db).birth_date(r["child_id"]) or "")
        if not 15 <= age_on(born, date.fromisoformat(r["given_on"])) <= 17:
            found.append("Kun en 15-17-årig kan bede om, at forældrenes adgang begrænses.")
        if r["given_by"] != "young_person":
            found.append("Begrænsningen af forældrenes adgang besluttes af den unge selv.")
    if r["exception_17_2"] and not r["note"].strip():
        found.append("Undtagelsen efter §17, stk. 2 skal begrundes i noten.")
    return found


def _render_consent(ws: Workspace, r: dict) -> tuple[str, str]:
    who = "den unge selv" if r["given_by"] == "young_person" else f"{_guardian_name(ws, r['guardian_id'])} (forældremyndighed)"
    what = CONSENT_KINDS[r["kind"]]
    if r["kind"] == "share":
        what += f" til {SHARE_PARTIES.get(r['party'], r['party'])}"
    if r["withdraws_id"]:
        title, verb = f"Tilbagekaldelse: {what.lower()}", "Tilbagekaldt af"
    else:
        title, verb = what, "Givet af"
    body = f"{verb} {who} den {_d(r['given_on'])}."
    if r["exception_17_2"]:
        body += "\nUndtagelse efter sundhedslovens §17, stk. 2."
    if r["note"].strip():
        body += f"\n{r['note'].strip()}"
    return title, body


register(Kind("consent", "consents", "Samtykke", "given_on",
              ("child_id", "kind", "party", "given_by", "guardian_id", "given_on", "exception_17_2", "note",
               "withdraws_id"),
              required=("child_id", "kind", "given_by", "given_on"),
              validate=_validate_consent, render=_render_consent, course_column=None,
              changes=Changes(journal=True, contacts=True)))
