"""The pathway's record kinds: what each draft holds, what must be true to sign it, and its journal text."""

from __future__ import annotations

from datetime import date, timedelta

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.course_rules import offer_age_problem
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY, label
from behandlerklient.services import sdq_records
from behandlerklient.services.changes import Changes
from behandlerklient.services.record_kinds import Kind, register
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.pathway import PathwayRepository

PARTNERS = {"ppr": "PPR", "school": "Skole", "social_services": "Socialforvaltning", "bup": "BUP",
            "gp": "Egen læge", "other": "Andet"}
CONSENT_KINDS = {"treatment": "Samtykke til behandling", "share": "Samtykke til videregivelse",
                 "limit_parental_access": "Begrænset forældreadgang (15-17 år)"}


def _d(text: str | None) -> str:
    return date.fromisoformat(text).strftime("%d.%m.%Y") if text else "-"


def _yn(value) -> str:  # noqa: ANN001
    return "ja" if value else "nej"


def _block(title: str, text: str) -> str:
    return f"{title}:\n{text.strip() or '-'}"


# -- contact ------------------------------------------------------------------------------
def _render_contact(ws: Workspace, r: dict) -> tuple[str, str]:
    who = label(CONTACT_MADE_BY, r["made_by"]) + (f" ({r['made_by_detail']})" if r["made_by_detail"] else "")
    body = (f"Dato: {_d(r['contact_date'])}. Henvendt af: {who}. Vej ind: {label(CONTACT_WAY, r['way'])}. "
            f"Kanal: {label(CONTACT_CHANNEL, r['channel'])}.\n\n{_block('Bekymring', r['concern'])}\n\n"
            f"Samtykke til at indhente oplysninger: {_yn(r['consent_obtain'])}. "
            f"Samtykke til at dele oplysninger: {_yn(r['consent_to_share'])}.")
    if r.get("age_reason", "").strip():
        body += "\n\n" + _block("Begrundelse for alder uden for 5-17 år", r["age_reason"])
    return "Henvendelse", body


def _validate_contact(ws: Workspace, r: dict) -> list[str]:
    found = [] if r["concern"].strip() else ["Beskriv bekymringen (årsagen til henvendelsen)."]
    born = ws.db.scalar("SELECT birth_date FROM children WHERE id = ?", (r["child_id"],))
    outside = offer_age_problem(date.fromisoformat(born), date.fromisoformat(r["contact_date"])) if born else ""
    if outside and not r.get("age_reason", "").strip():
        found.append(outside)
    return found


register(Kind("contact", "contacts", "Henvendelse", "contact_date",
              ("child_id", "contact_date", "made_by", "made_by_detail", "way", "channel", "concern",
               "consent_obtain", "consent_to_share", "age_reason"),
              required=("child_id", "contact_date", "made_by", "way"), author_column="created_by",
              validate=_validate_contact, render=_render_contact, course_column=None))


# -- intake -------------------------------------------------------------------------------
def _contact_first(ws: Workspace, r: dict) -> list[str]:
    """A talk belongs to a contact: the contact's rules (the 5-17 age, the concern) are met and signed first."""
    signed = ws.db.scalar("SELECT signed_at FROM contacts WHERE id = ?", (r["contact_id"],))
    return [] if signed else ["Underskriv henvendelsen først; samtalen hører til den."]


def _validate_intake(ws: Workspace, r: dict) -> list[str]:
    found = _contact_first(ws, r)
    if not str(r.get("notes") or "").strip() and not str(r.get("reasoning") or "").strip():
        found.append("Skriv hvad der blev talt om (samtalen).")
    if r["talk_number"] == 1 and r["decision_group"] is None:
        return found  # a first talk may end without a decision when a second talk follows
    return found + rules.intake_problems(decision_group=r["decision_group"], reasoning=r["reasoning"],
                                         guided_to=r["guided_to"], bup_referral=r["bup_referral"])


def _render_intake(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Dato: {_d(r['talk_date'])}. Kanal: {label(CONTACT_CHANNEL, r['channel'])}. Varighed: {r['duration_min']} min.",
             _block("Samtalen", r["notes"])]
    if r["decision_group"]:
        parts.append(f"Beslutning: {rules.INTAKE_GROUPS[r['decision_group']]}.")
        parts.append(_block("Begrundelse", r["reasoning"]))
        if r["decision_group"] == 2:
            parts.append(_block("Vejledt videre til", r["guided_to"]))
        if r["decision_group"] == 4:
            parts.append(_block("Henvisning til BUP", r["bup_referral"]))
    else:
        parts.append("Ingen beslutning endnu; en forsamtale 2 følger.")
    return f"Forsamtale {r['talk_number']}", "\n\n".join(parts)


register(Kind("intake", "intakes", "Forsamtale", "talk_date",
              ("contact_id", "child_id", "talk_number", "talk_date", "channel", "duration_min", "notes",
               "decision_group", "reasoning", "guided_to", "bup_referral"),
              required=("contact_id", "child_id", "talk_number", "talk_date"),
              validate=_validate_intake, render=_render_intake, course_column=None))


# -- screening ----------------------------------------------------------------------------
def _validate_screening(ws: Workspace, r: dict) -> list[str]:
    found = _contact_first(ws, r) + rules.screening_problems(r)
    if r["outcome"] == "course" and r["outcome_track_id"] and r["outcome_track_id"] not in ws.catalogue.tracks:
        found.append(f"Sporet {r['outcome_track_id']!r} findes ikke.")
    return found


def _render_screening(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Dato: {_d(r['screening_date'])}.", _block("Barnets egen fortælling", r["child_account"]),
             _block("Symptomer", r["symptoms"])]
    sdq_lines = sdq_records.summary_lines(ws=ws, child_id=r["child_id"], screening_id=r["id"])
    parts.append(_block("Spørgeskemaer", "\n".join(sdq_lines) if sdq_lines else "Ingen registreret."))
    parts.append(f"Systematiske spørgsmål om selvskade stillet: {_yn(r['self_harm_asked'])}.\n"
                 f"{r['self_harm_answers'].strip()}".strip())
    parts.append("Selvmordsrisikovurdering:\n"
                 f"Tanker: {r['suicidal_thoughts'] or '-'}\nPlaner: {r['suicide_plans'] or '-'}\n"
                 f"Tidligere forsøg: {r['earlier_attempts'] or '-'}\nBeskyttende faktorer: {r['protective_factors'] or '-'}\n"
                 f"Vurderet niveau: {rules.RISK_LEVELS.get(r['risk_level'], '-')}")
    if any(r[k].strip() for k in rules.CRISIS_PLAN_FIELDS):
        parts.append("Kriseplan:\n" + "\n".join(f"{lab.capitalize()}: {r[k] or '-'}"
                                                for k, lab in rules.CRISIS_PLAN_FIELDS.items()))
    outcome = rules.SCREENING_OUTCOMES.get(r["outcome"], "-")
    if r["outcome"] == "course":
        track = ws.catalogue.tracks.get(r["outcome_track_id"])
        outcome += f" ({track.name if track else r['outcome_track_id']})"
    parts.append(f"Udfald: {outcome}." + (f"\n{r['outcome_reason']}" if r["outcome_reason"].strip() else ""))
    return "Screeningssamtale", "\n\n".join(parts)


register(Kind("screening", "screenings", "Screening", "screening_date",
              ("contact_id", "child_id", "screening_date", "child_account", "symptoms", "self_harm_asked",
               "self_harm_answers", "suicidal_thoughts", "suicide_plans", "earlier_attempts", "protective_factors",
               "risk_level", "crisis_warning_signs", "crisis_own_coping", "crisis_people", "crisis_professionals",
               "crisis_means_safety", "outcome", "outcome_track_id", "outcome_reason"),
              required=("contact_id", "child_id", "screening_date"),
              validate=_validate_screening, render=_render_screening, course_column=None))


# -- consent ------------------------------------------------------------------------------
def _guardian_name(ws: Workspace, guardian_id: int | None) -> str:
    if guardian_id is None:
        return ""
    return ws.db.scalar("SELECT name FROM guardians WHERE id = ?", (guardian_id,)) or ""


def _validate_consent(ws: Workspace, r: dict) -> list[str]:
    from behandlerklient.core.ages import age_on

    found = []
    if r["given_by"] == "custody_holder":
        row = ws.db.query_one("SELECT child_id, has_custody FROM guardians WHERE id = ?", (r["guardian_id"],))
        if row is None or row[0] != r["child_id"]:
            found.append("Forælderen hører ikke til barnet.")
        elif not row[1]:
            found.append("Forælderen har ikke forældremyndighed og kan ikke give samtykke.")
    if r["kind"] == "share" and not r["party"]:
        found.append("Vælg, hvem oplysningerne må deles med.")
    if r["kind"] == "limit_parental_access":
        born = date.fromisoformat(ws.db.scalar("SELECT birth_date FROM children WHERE id = ?", (r["child_id"],)))
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


# -- coordination and notification --------------------------------------------------------
def _render_coordination(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Sparring med BUP" if r["kind"] == "sparring" else f"Koordinering med {PARTNERS[r['partner']]}"
    return what, f"Dato: {_d(r['entry_date'])}.\n\n{r['summary'].strip()}"


register(Kind("coordination", "coordination_entries", "Koordinering", "entry_date",
              ("child_id", "course_id", "entry_date", "partner", "kind", "summary"),
              required=("child_id", "entry_date", "partner", "summary"),
              validate=lambda ws, r: [] if r["summary"].strip() else ["Skriv et referat."],
              render=_render_coordination))


def _render_notification(ws: Workspace, r: dict) -> tuple[str, str]:
    return ("Underretning (Barnets lov §133)",
            f"Underretning sendt den {_d(r['notified_on'])} til {r['recipient']}.\n\n{_block('Grundlag', r['grounds'])}")


register(Kind("notification", "notifications", "Underretning", "notified_on",
              ("child_id", "course_id", "notified_on", "grounds", "recipient"),
              required=("child_id", "notified_on", "grounds", "recipient"), render=_render_notification))


# -- closing and follow-up ----------------------------------------------------------------
def closing_criteria(ws: Workspace, r: dict) -> list[rules.ClosingCriterion]:
    has_sdq = bool(ws.db.scalar("SELECT 1 FROM sdq_responses WHERE course_id = ? AND phase = 'closing'",
                                (r["course_id"],)))
    return rules.closing_criteria(has_closing_sdq=has_sdq, effect=r["effect"], further_needs=r["further_needs"])


def _validate_closing(ws: Workspace, r: dict) -> list[str]:
    unmet = [c.name for c in closing_criteria(ws, r) if not c.met]
    if unmet and not r["criteria_reason"].strip():
        return [f"Kriterierne for afslutning er ikke opfyldt ({', '.join(unmet).lower()}); "
                "skriv en begrundelse for at afslutte alligevel."]
    return []


def _render_closing(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Afsluttet den {_d(r['closing_date'])}" + (" (frafald)." if r["status"] == "dropped_out" else "."),
             _block("Forløbets indhold", r["content_summary"]),
             f"Effekt: {rules.EFFECTS.get(r['effect'], '-')}."]
    change = sdq_records.change_lines(ws=ws, course_id=r["course_id"], child_id=r["child_id"])
    parts.append(_block("SDQ fra start til afslutning", "\n".join(change) if change else "Ikke målt."))
    parts += [_block("Videre behov", r["further_needs"]), _block("Anbefalinger", r["recommendations"])]
    if r["criteria_reason"].strip():
        parts.append(_block("Afsluttet uden at alle kriterier er opfyldt, fordi", r["criteria_reason"]))
    return "Afslutning af forløb", "\n\n".join(parts)


def _after_closing(ws: Workspace, r: dict) -> None:
    repo = PathwayRepository(ws.db)
    course = repo.course(r["course_id"])
    now = ws.clock()
    repo.set_status(course.id, r["status"], date.fromisoformat(r["closing_date"]), now=now, author_id=ws.user.id,
                    child_id=course.child_id)
    repo.set_field(course.id, "closing_reason", r["criteria_reason"], now=now, author_id=ws.user.id,
                   child_id=course.child_id)
    track = ws.catalogue.tracks.get(course.track_id)
    days = track.follow_up_after_days if track else rules.DEFAULT_FOLLOW_UP_DAYS
    kind = track.follow_up_kind if track else "follow_up"
    due = date.fromisoformat(r["closing_date"]) + timedelta(days=days)
    follow_up_id = ws.db.insert("follow_ups", {"course_id": course.id, "child_id": r["child_id"], "kind": kind,
                                               "due_date": due.isoformat()})
    # The planned follow-up is shared as an event, so another therapist can take it (sync.md).
    EventRepository(ws.db).append(aggregate="follow_up", subject=follow_up_id, field="state", now=now,
                                  value={"state": "planned", "due_date": due.isoformat()}, author_id=ws.user.id,
                                  child_id=r["child_id"])


def _after_follow_up(ws: Workspace, r: dict) -> None:
    """Done is an event too: two therapists doing one follow-up offline is then seen as a conflict."""
    EventRepository(ws.db).append(aggregate="follow_up", subject=r["id"], field="state", now=ws.clock(),
                                  value={"state": "done", "done_on": r["done_on"]}, author_id=ws.user.id,
                                  child_id=r["child_id"])


register(Kind("closing", "closings", "Afslutning", "closing_date",
              ("course_id", "child_id", "closing_date", "effect", "content_summary", "further_needs",
               "recommendations", "criteria_reason", "status"),
              required=("course_id", "child_id", "closing_date", "effect"),
              validate=_validate_closing, render=_render_closing, after_sign=_after_closing,
              changes=Changes(journal=True, courses=True)))


def _render_follow_up(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Booster" if r["kind"] == "booster" else "Opfølgning"
    return (f"{what} efter forløb",
            f"Gennemført den {_d(r['done_on'])} ({label(CONTACT_CHANNEL, r['channel']).lower()}).\n\n"
            f"{_block('Effekt og status', r['notes'])}\n\nTilbagefald: {_yn(r['relapse'])}. "
            f"Behov for mere: {_yn(r['more_needed'])}.")


register(Kind("follow_up", "follow_ups", "Opfølgning", "due_date",
              ("done_on", "channel", "notes", "relapse", "more_needed"),
              validate=lambda ws, r: [] if r["done_on"] else ["Angiv datoen for opfølgningen."],
              render=_render_follow_up, after_sign=_after_follow_up))
