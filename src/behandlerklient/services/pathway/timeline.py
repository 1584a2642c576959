"""A child's pathway from contact to closing as one dated list, with the waiting times the offer follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.sdq import INFORMANTS
from behandlerklient.services.measures.sdq_records import PHASES
from behandlerklient.services.pathway.pathway_records import PARTNERS
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import from_text
from behandlerklient.storage.timeline import TimelineRepository
from behandlerklient.storage.users import UserRepository

# Same-day events follow the pathway, not the alphabet.
STEP_ORDER = ("contact", "intake", "consent", "sdq", "screening", "course", "session", "coordination",
              "notification", "closing", "follow_up")


@dataclass(frozen=True)
class Event:
    day: date
    step: str  # contact, intake, screening, sdq, consent, course, session, coordination, notification, closing, follow_up
    title: str
    state: str  # "signed", "draft", "due", "done"
    signed_by: str = ""  # the author, who alone can sign it
    signed_at: datetime | None = None


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def events(*, ws: Workspace, child_id: int) -> list[Event]:
    db, out = ws.db, []
    names = {u.id: u.full_name for u in UserRepository(db).all()}

    def st(signed: str | None, author: int | None) -> dict:
        """State, and for a signed record who signed it (its author) and when."""
        if not signed:
            return {"state": "draft"}
        return {"state": "signed", "signed_by": names.get(author, ""), "signed_at": from_text(signed)}

    rows = TimelineRepository(db)
    for r in rows.contacts(child_id):
        out.append(Event(_d(r["contact_date"]), "contact", f"Henvendelse: {r['concern'][:60]}",
                         **st(r["signed_at"], r["created_by"])))
    for r in rows.intakes(child_id):
        group = f" → gruppe {r['decision_group']}" if r["decision_group"] else ""
        out.append(Event(_d(r["talk_date"]), "intake", f"Forsamtale {r['talk_number']}{group}",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.screenings(child_id):
        outcome = rules.SCREENING_OUTCOMES.get(r["outcome"], "udfald mangler")
        out.append(Event(_d(r["screening_date"]), "screening", f"Screening: {outcome.lower()} (risiko: "
                         f"{rules.RISK_LEVELS.get(r['risk_level'], '-').lower()})",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.sdq_responses(child_id):
        out.append(Event(_d(r["answered_on"]), "sdq",
                         f"SDQ, {INFORMANTS[r['informant']].lower()} ({PHASES[r['phase']].lower()})",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.consents(child_id):
        party = r["party"]
        what = {"treatment": "behandling", "share": f"videregivelse til {SHARE_PARTIES.get(party, party)}",
                "limit_parental_access":
                "begrænset forældreadgang"}[r["kind"]]
        out.append(Event(_d(r["given_on"]), "consent",
                         ("Tilbagekaldt samtykke: " if r["withdraws_id"] else "Samtykke: ") + what,
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.courses(child_id):
        track = ws.catalogue.tracks.get(r["track_id"])
        out.append(Event(_d(r["start_date"]), "course", f"Forløb start: {track.name if track else r['track_id']}",
                         "signed"))
    for r in rows.sessions(child_id):
        what = {"held": f"Session {r['number']}", "cancelled": "Aflyst session",
                "missed": "Udeblevet"}[r["attendance"]]
        out.append(Event(_d(r["session_date"]), "session", what, **st(r["signed_at"], r["author_id"])))
    for r in rows.coordination(child_id):
        out.append(Event(_d(r["entry_date"]), "coordination", "Sparring med BUP" if r["kind"] == "sparring"
                         else f"Koordinering med {PARTNERS.get(r['partner'], r['partner'])}",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.notifications(child_id):
        out.append(Event(_d(r["notified_on"]), "notification", f"Underretning til {r['recipient']}",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.closings(child_id):
        out.append(Event(_d(r["closing_date"]), "closing", f"Afslutning: {rules.EFFECTS.get(r['effect'], '').lower()}",
                         **st(r["signed_at"], r["author_id"])))
    for r in rows.follow_ups(child_id):
        name = "Booster" if r["kind"] == "booster" else "Opfølgning"
        signer = {k: v for k, v in st(r["signed_at"], r["author_id"]).items() if k != "state"}  # planned or done
        done = r["done_on"]
        out.append(Event(_d(done or r["due_date"]), "follow_up", name + ("" if done else " (planlagt)"),
                         "done" if done else "due", **signer))
    return sorted(out, key=lambda e: (e.day, STEP_ORDER.index(e.step)))


def waits(*, ws: Workspace, child_id: int) -> list[tuple[date, rules.Waits]]:
    """Per contact: days to the first intake talk, the screening and the start of the course."""
    out = []
    rows = TimelineRepository(ws.db)
    for c in rows.contacts(child_id):
        first = rows.first_steps(c["id"])
        day = _d(c["contact_date"])
        out.append((day, rules.waits(day, _d(first["intake"]), _d(first["screening"]), _d(first["start"]))))
    return out
