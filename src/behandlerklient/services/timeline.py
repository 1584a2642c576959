"""A child's pathway from contact to closing as one dated list, with the waiting times the offer follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.sdq import INFORMANTS
from behandlerklient.services.pathway_records import PARTNERS
from behandlerklient.services.sdq_records import PHASES
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.clock import from_text
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

    for r in db.query("SELECT contact_date, concern, signed_at, created_by FROM contacts WHERE child_id = ?",
                      (child_id,)):
        out.append(Event(_d(r[0]), "contact", f"Henvendelse: {r[1][:60]}", **st(r[2], r[3])))
    for r in db.query("SELECT talk_date, talk_number, decision_group, signed_at, author_id FROM intakes "
                      "WHERE child_id = ?", (child_id,)):
        group = f" → gruppe {r[2]}" if r[2] else ""
        out.append(Event(_d(r[0]), "intake", f"Forsamtale {r[1]}{group}", **st(r[3], r[4])))
    for r in db.query("SELECT screening_date, outcome, risk_level, signed_at, author_id FROM screenings "
                      "WHERE child_id = ?", (child_id,)):
        outcome = rules.SCREENING_OUTCOMES.get(r[1], "udfald mangler")
        out.append(Event(_d(r[0]), "screening", f"Screening: {outcome.lower()} (risiko: "
                         f"{rules.RISK_LEVELS.get(r[2], '-').lower()})", **st(r[3], r[4])))
    for r in db.query("SELECT answered_on, informant, phase, signed_at, author_id FROM sdq_responses "
                      "WHERE child_id = ?", (child_id,)):
        out.append(Event(_d(r[0]), "sdq", f"SDQ, {INFORMANTS[r[1]].lower()} ({PHASES[r[2]].lower()})",
                         **st(r[3], r[4])))
    for r in db.query("SELECT given_on, kind, party, withdraws_id, signed_at, author_id FROM consents "
                      "WHERE child_id = ?", (child_id,)):
        what = {"treatment": "behandling", "share": f"videregivelse til {SHARE_PARTIES.get(r[2], r[2])}",
                "limit_parental_access":
                "begrænset forældreadgang"}[r[1]]
        out.append(Event(_d(r[0]), "consent", ("Tilbagekaldt samtykke: " if r[3] else "Samtykke: ") + what,
                         **st(r[4], r[5])))
    for r in db.query("SELECT id, start_date, end_date, track_id, status FROM courses WHERE child_id = ?", (child_id,)):
        track = ws.catalogue.tracks.get(r[3])
        out.append(Event(_d(r[1]), "course", f"Forløb start: {track.name if track else r[3]}", "signed"))
    for r in db.query("SELECT s.session_date, s.number, s.attendance, s.signed_at, s.author_id FROM sessions s "
                      "JOIN courses c ON c.id = s.course_id WHERE c.child_id = ?", (child_id,)):
        what = {"held": f"Session {r[1]}", "cancelled": "Aflyst session", "missed": "Udeblevet"}[r[2]]
        out.append(Event(_d(r[0]), "session", what, **st(r[3], r[4])))
    for r in db.query("SELECT entry_date, partner, kind, signed_at, author_id FROM coordination_entries "
                      "WHERE child_id = ?", (child_id,)):
        out.append(Event(_d(r[0]), "coordination", "Sparring med BUP" if r[2] == "sparring"
                         else f"Koordinering med {PARTNERS.get(r[1], r[1])}",
                         **st(r[3], r[4])))
    for r in db.query("SELECT notified_on, recipient, signed_at, author_id FROM notifications WHERE child_id = ?",
                      (child_id,)):
        out.append(Event(_d(r[0]), "notification", f"Underretning til {r[1]}", **st(r[2], r[3])))
    for r in db.query("SELECT closing_date, effect, signed_at, author_id FROM closings WHERE child_id = ?", (child_id,)):
        out.append(Event(_d(r[0]), "closing", f"Afslutning: {rules.EFFECTS.get(r[1], '').lower()}", **st(r[2], r[3])))
    for r in db.query("SELECT due_date, done_on, kind, signed_at, author_id FROM follow_ups WHERE child_id = ?",
                      (child_id,)):
        name = "Booster" if r[2] == "booster" else "Opfølgning"
        signer = {k: v for k, v in st(r[3], r[4]).items() if k != "state"}  # state: planned or done
        out.append(Event(_d(r[1] or r[0]), "follow_up", name + ("" if r[1] else " (planlagt)"),
                         "done" if r[1] else "due", **signer))
    return sorted(out, key=lambda e: (e.day, STEP_ORDER.index(e.step)))


def waits(*, ws: Workspace, child_id: int) -> list[tuple[date, rules.Waits]]:
    """Per contact: days to the first intake talk, the screening and the start of the course."""
    out = []
    for c in ws.db.query("SELECT id, contact_date FROM contacts WHERE child_id = ? ORDER BY contact_date", (child_id,)):
        intake = ws.db.scalar("SELECT min(talk_date) FROM intakes WHERE contact_id = ?", (c[0],))
        screening = ws.db.scalar("SELECT min(screening_date) FROM screenings WHERE contact_id = ?", (c[0],))
        start = ws.db.scalar("SELECT min(start_date) FROM courses WHERE contact_id = ?", (c[0],))
        out.append((_d(c[1]), rules.waits(_d(c[1]), _d(intake), _d(screening), _d(start))))
    return out
