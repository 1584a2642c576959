"""Letters to the GP: the consent rule, a preview, and writing - which journalises the disclosure (what, to whom,
when, on what basis) and logs the export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from behandlerklient import paths
from behandlerklient.core import pathway_rules as rules
from behandlerklient.core import profession
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import JournalEntry
from behandlerklient.core.vocab import GP_LETTER_KINDS
from behandlerklient.exports import gp_letter, medcom
from behandlerklient.exports.pdf_base import write_file
from behandlerklient.services.changes import Changes
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import consent, records
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.letter_sources import LetterSourceRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import JournalRepository

KIND_NAMES = GP_LETTER_KINDS
OUTCOMES = {"course": "tilbudt et forløb i {track}", "bup_referral": "henvist til børne- og ungdomspsykiatrien (BUP)",
            "guidance": "vejledt videre til anden hjælp", "notification": "vejledt videre til anden hjælp",
            "no_course": "ikke tilbudt et forløb"}
# Said to the GP only when the therapist decided to disclose the notification (screenings.notification_to_gp).
NOTIFICATION_DISCLOSED = ", og der er sendt en underretning til kommunen"


def letter_folders() -> list[Path]:
    return [paths.config_dir() / "breve", paths.config_dir(), paths.resources_dir() / "letters"]


@dataclass(frozen=True)
class Prepared:
    letter: gp_letter.Letter
    pdf: bytes
    basis: str  # the consent the disclosure rests on, in Danish
    child_id: int
    course_id: int | None


def _d(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "-"


def _may_write_to_gp(ws: Workspace, child, on: date) -> None:  # noqa: ANN001 - a Child
    """Refused unless a GP is registered and the GP consent the child's age requires holds on `on`."""
    if child.gp is None:
        raise RuleRefused("Barnet har ingen egen læge registreret; brevet kan ikke sendes.")
    status = consent.share(ws=ws, child_id=child.id, party="gp", on=on)
    if not status.ok:
        raise RuleRefused("Brevet til egen læge kan ikke laves: " + " ".join(status.missing))


def prepare(*, ws: Workspace, course_id: int, kind: str, on: date | None = None) -> Prepared:
    """Everything but writing: refused (RuleRefused) when the GP consent is missing for the child's age."""
    if kind not in KIND_NAMES:
        raise InvalidInput("Brevtypen er 'start' eller 'end'.")
    on = on or ws.clock().date()
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    ov = children.overview(ws=ws, child_id=course.child_id, on=on, log_view=False)
    child = ov.child
    _may_write_to_gp(ws, child, on)
    view = next(v for v in ov.courses if v.course.id == course_id)
    track = view.track
    values = {"spor": view.track_name, "forloeb_start": _d(course.start_date),
              "planlagte_sessioner": str(course.planned_sessions), "manual_interval": track.range_text if track else "-"}
    sources = LetterSourceRepository(ws.db)
    if kind == "start":
        contact_day = sources.contact_date(course.contact_id) if course.contact_id else None
        outcome = sources.latest_screening_outcome(child.id) or "course"
        values.update({"henvendelse_dato": _d(date.fromisoformat(contact_day)) if contact_day else "-",
                       "udfald": OUTCOMES[outcome].format(track=view.track_name)})
    else:
        closing = sources.signed_closing(course_id)
        if closing is None:
            raise RuleRefused("Forløbet er ikke afsluttet med en underskrevet afslutning; tilbagemeldingen kan ikke laves.")
        change = sdq_records.letter_change_lines(ws=ws, course_id=course_id, child_id=child.id)
        values.update({"forloeb_slut": _d(date.fromisoformat(closing["closing_date"])),
                       "sessioner_gennemfoert": str(view.delivered),
                       "indhold": closing["content_summary"] or "-", "effekt": rules.EFFECTS[closing["effect"]],
                       "sdq_foer_efter": "\n".join(change) if change else "Ikke målt.",
                       "anbefalinger": closing["recommendations"] or "-", "videre_behov": closing["further_needs"] or "-"})
    return _prepared_from(ws, child, on, kind, course_id, values)


GUIDED = {2: "vejledt videre til {guided_to}", 4: "henvist til børne- og ungdomspsykiatrien (BUP)"}


def prepare_guided(*, ws: Workspace, child_id: int, on: date | None = None) -> Prepared:
    """The orientation letter when the child was guided or referred elsewhere (no course to name)."""
    on = on or ws.clock().date()
    ov = children.overview(ws=ws, child_id=child_id, on=on, log_view=False)
    child = ov.child
    _may_write_to_gp(ws, child, on)
    sources = LetterSourceRepository(ws.db)
    intake = sources.latest_intake_decision(child.id)
    screening = sources.latest_screening(child.id)
    if screening is not None and screening["outcome"] in rules.NO_COURSE_OUTCOMES:
        outcome = OUTCOMES[screening["outcome"]]
        if screening["outcome"] == "notification" and screening["notification_to_gp"]:
            outcome += NOTIFICATION_DISCLOSED
        reason, contact_day = screening["outcome_reason"].strip(), screening["contact_date"]
        if not reason:  # signed before reasons were required; the GP cannot read the journal
            raise RuleRefused(f"Screeningens udfald '{rules.SCREENING_OUTCOMES[screening['outcome']]}' har ingen "
                              "begrundelse, og egen læge kan ikke se journalen; brevet kan ikke laves uden.")
    elif intake is not None and intake["decision_group"] in GUIDED:
        group = intake["decision_group"]
        outcome = GUIDED[group].format(guided_to=intake["guided_to"] or "anden hjælp")
        reason = intake["reasoning"] + (f" {intake['bup_referral']}" if group == 4 and intake["bup_referral"] else "")
        contact_day = intake["contact_date"]
    else:
        raise RuleRefused("Barnet er ikke vejledt eller henvist videre; brug orienteringen om forløb.")
    return _prepared_from(ws, child, on, "guided", None, {
        "henvendelse_dato": _d(date.fromisoformat(contact_day)), "udfald": outcome, "begrundelse": reason})


def _prepared_from(ws: Workspace, child, on: date, kind: str, course_id: int | None, extra: dict) -> Prepared:  # noqa: ANN001
    given = LetterSourceRepository(ws.db).gp_share_consent(child.id)
    if given is None:  # _may_write_to_gp refused already; kept so the basis can never be made up
        raise RuleRefused("Der er intet underskrevet samtykke til videregivelse til egen læge.")
    giver = "den unge selv" if given["given_by"] == "young_person" else f"{given['guardian_name']} (forældremyndighed)"
    basis = f"samtykke til videregivelse til egen læge givet af {giver} den {_d(date.fromisoformat(given['given_on']))}"
    sender = gp_letter.load_sender(letter_folders())
    user = ws.user
    values = {"barn_navn": child.full_name, "barn_cpr": child.parsed_cpr.formatted, "dato": gp_letter.danish_date(on),
              "behandler_navn": user.full_name, "behandler_titel": user.role_text, "behandler_telefon": user.phone,
              "kommune": sender["kommune"], "afdeling": sender["afdeling"], **extra}
    template = gp_letter.load_template(kind, letter_folders())
    gp = child.gp
    lines = [gp.clinic_name, f"Att.: {gp.doctor_name}" if gp.doctor_name else "", gp.address,
             f"{gp.postcode} {gp.city}".strip()]
    letter = gp_letter.Letter(
        kind=kind, title=template.title, text=template.fill(values), sender=sender,
        recipient_lines=[x for x in lines if x], child_name=child.full_name, child_cpr=child.parsed_cpr.formatted,
        child_cpr_masked=child.parsed_cpr.masked, letter_date=on, therapist_name=user.full_name,
        therapist_title=user.role_text, therapist_phone=user.phone, printed_at=ws.clock().astimezone())
    return Prepared(letter, gp_letter.render(letter), basis, child.id, course_id)


def preview(*, ws: Workspace, course_id: int, kind: str) -> Prepared:
    """What the therapist reads before anything is written to disk; nothing is journalised yet."""
    return prepare(ws=ws, course_id=course_id, kind=kind)


def medcom_message(*, ws: Workspace, prepared: Prepared) -> dict:
    """The message file for any of the letters; refused (before any file is written) while the sender is the
    shipped example, the author has no role, or a number breaks MedCom's rules (exports/medcom.py)."""
    child = children.overview(ws=ws, child_id=prepared.child_id, log_view=False).child
    letter, sender = prepared.letter, prepared.letter.sender
    if sender.get("eksempel"):
        raise RuleRefused(f"MedCom-filen kan ikke laves med eksempel-afsenderen ({sender.get('fil', 'afsender.toml')})"
                          ": kopiér afsender.toml til konfigurationsmappen, udfyld kommunens eget navn, SOR-id og "
                          "EAN-nummer, og slet linjen 'eksempel = true'.")
    gp = child.gp
    if not (gp.sor and gp.ean):
        raise RuleRefused("Lægens SOR- og EAN-nummer mangler; MedCom-filen kan ikke laves.")
    role = profession.require_role(ws.user)
    *given, family = letter.therapist_name.split() or [""]
    return medcom.bundle(medcom.MessageInput(
        cpr=child.cpr, given=child.first_name, family=child.last_name, address=child.address,
        sender=medcom.Party(f"{sender['kommune']}, {sender['afdeling']}", sender["sor"], sender["ean"]),
        receiver=medcom.Party(gp.clinic_name, gp.sor, gp.ean), author_given=" ".join(given), author_family=family,
        author_role=role, author_phone=(letter.therapist_phone or sender["telefon"]).replace(" ", ""),
        topic=letter.title, text=letter.text, pdf=prepared.pdf, pdf_title=letter.title,
        sent_at=ws.clock().astimezone()))


def export_gp_letter(*, ws: Workspace, kind: str, out: Path, course_id: int | None = None, child_id: int | None = None,
                     medcom_out: Path | None = None, medcom: Path | None = None) -> tuple[list[Path], Changes]:
    """Writes the PDF (and optionally the MedCom file) where the user asked, then journalises the disclosure;
    returns the files written and what changed (the child's journal).

    With a course: the orientation at start or the feedback at the end. With only a child and kind 'start':
    the orientation that the child was guided or referred elsewhere.
    """
    medcom_out = medcom_out or medcom
    if course_id is None and child_id is None:
        raise InvalidInput("Angiv et forløb (--course) eller, for en orientering om vejledning, et barn (--child).")
    if out.suffix.lower() != ".pdf":
        raise InvalidInput("Filnavnet skal ende på .pdf.")
    for target in (out, medcom_out):
        if target is not None and not target.parent.is_dir():
            raise InvalidInput(f"Mappen findes ikke: {target.parent}")
    if course_id is None:
        if kind != "start":
            raise InvalidInput("Tilbagemeldingen ved afslutning hører til et forløb; angiv --course.")
        prepared = prepare_guided(ws=ws, child_id=child_id)  # refused before any file is written
    else:
        prepared = prepare(ws=ws, course_id=course_id, kind=kind)
    message = medcom_message(ws=ws, prepared=prepared) if medcom_out else None
    write_file(prepared.pdf, out)
    written = [out]
    if message is not None:
        write_file(json.dumps(message, ensure_ascii=False, indent=1).encode("utf-8"), medcom_out)
        written.append(medcom_out)
    changes = journalise_disclosure(ws=ws, prepared=prepared, medcom=message is not None)
    return written, changes


def journalise_disclosure(*, ws: Workspace, prepared: Prepared, medcom: bool) -> Changes:
    letter = prepared.letter
    now = ws.clock()
    gp_name = letter.recipient_lines[0]
    body = (f"Hvad: {KIND_NAMES[letter.kind]} ({letter.title}){' som PDF og MedCom-korrespondancefil' if medcom else ' som PDF'}.\n"
            f"Til hvem: {', '.join(letter.recipient_lines)}.\n"
            f"Hvornår: {now.astimezone():%d.%m.%Y %H:%M}.\n"
            f"Grundlag: {prepared.basis}.")
    with ws.db.transaction():
        JournalRepository(ws.db).add(JournalEntry(
            None, prepared.child_id, "disclosure", f"Udlevering: brev til egen læge ({gp_name})", body, ws.user.id,
            ws.user.role, records.event_time(now.date()), now, course_id=prepared.course_id, signed_at=now,
            source="disclosure"))
        audit.record(ws.db, user_id=ws.user.id, action="export", now=now, child_id=prepared.child_id,
                     obj=f"gp-letter:{letter.kind}:course:{prepared.course_id}" if prepared.course_id
                     else f"gp-letter:{letter.kind}", detail="medcom" if medcom else "pdf")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return Changes(journal=True, child_id=prepared.child_id)
