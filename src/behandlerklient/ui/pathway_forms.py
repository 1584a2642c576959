"""Which fields each pathway step's form shows, in Danish. Declarations only; FormDialog builds the widgets."""

from __future__ import annotations

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.models import Child
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY
from behandlerklient.services.pathway_records import CONSENT_KINDS, PARTNERS
from behandlerklient.ui.dialogs.form_dialog import Field

NO_DECISION = {None: "Ingen beslutning endnu (forsamtale 2 følger)"}


def contact_fields() -> list[Field]:
    return [Field("contact_date", "Dato", "date"),
            Field("made_by", "Henvendt af", "choice", CONTACT_MADE_BY),
            Field("made_by_detail", "Hvilken fagperson / relation"),
            Field("way", "Vej ind", "choice", CONTACT_WAY),
            Field("channel", "Kanal", "choice", CONTACT_CHANNEL),
            Field("concern", "Bekymring (årsag til henvendelsen)", "text"),
            Field("consent_obtain", "Samtykke til at indhente oplysninger", "bool"),
            Field("consent_to_share", "Samtykke til at dele oplysninger", "bool")]


def intake_fields() -> list[Field]:
    return [Field("talk_number", "Forsamtale nr.", "choice", {1: "1", 2: "2"}),
            Field("talk_date", "Dato", "date"),
            Field("channel", "Kanal", "choice", CONTACT_CHANNEL),
            Field("duration_min", "Varighed (min)", "int"),
            Field("notes", "Samtalen", "text"),
            Field("decision_group", "Beslutning", "choice", {**NO_DECISION, **rules.INTAKE_GROUPS}),
            Field("reasoning", "Begrundelse", "text"),
            Field("guided_to", "Gruppe 2: vejledt videre til"),
            Field("bup_referral", "Gruppe 4: henvisning til BUP", "text")]


def screening_fields(tracks: dict[str, str]) -> list[Field]:
    return [Field("screening_date", "Dato", "date"),
            Field("child_account", "Barnets egen fortælling", "text"),
            Field("symptoms", "Symptomer", "text"),
            Field("self_harm_asked", "Systematiske spørgsmål om selvskade er stillet", "bool"),
            Field("self_harm_answers", "Svar om selvskade", "text"),
            Field("suicidal_thoughts", "Selvmordstanker", "text"),
            Field("suicide_plans", "Planer", "text"),
            Field("earlier_attempts", "Tidligere forsøg"),
            Field("protective_factors", "Beskyttende faktorer", "text"),
            Field("risk_level", "Vurderet risikoniveau", "choice", {None: "(ikke vurderet)", **rules.RISK_LEVELS}),
            Field("crisis_warning_signs", "Kriseplan: advarselstegn", "text",
                  help="Skal udfyldes ved moderat, høj eller akut risiko"),
            Field("crisis_own_coping", "Kriseplan: egne mestringsstrategier", "text"),
            Field("crisis_people", "Kriseplan: personer at kontakte"),
            Field("crisis_professionals", "Kriseplan: professionelle kontakter"),
            Field("crisis_means_safety", "Kriseplan: sikring af midler"),
            Field("outcome", "Udfald", "choice", {None: "(ikke afgjort)", **rules.SCREENING_OUTCOMES}),
            Field("outcome_track_id", "Spor (ved tilbud om forløb)", "choice", {"": "(intet)", **tracks}),
            Field("outcome_reason", "Begrundelse (kræves ved 'intet forløb')", "text")]


def consent_fields(child: Child) -> list[Field]:
    givers = {"young_person": "Den unge selv"}
    guardians = {None: "(ikke en forælder)"}
    for g in child.guardians:
        guardians[g.id] = g.name + ("" if g.has_custody else " (uden forældremyndighed)")
    return [Field("kind", "Samtykke til", "choice", CONSENT_KINDS),
            Field("party", "Videregivelse til", "choice", {"": "(ikke relevant)", **SHARE_PARTIES}),
            Field("given_by", "Givet af", "choice", {"custody_holder": "Forælder med forældremyndighed", **givers}),
            Field("guardian_id", "Forælder", "choice", guardians),
            Field("given_on", "Dato", "date"),
            Field("exception_17_2", "Undtagelse efter §17, stk. 2 (15-17 år)", "bool"),
            Field("note", "Note / begrundelse", "text")]


def coordination_fields() -> list[Field]:
    return [Field("entry_date", "Dato", "date"), Field("partner", "Samarbejdspartner", "choice", PARTNERS),
            Field("kind", "Type", "choice", {"coordination": "Koordinering", "sparring": "Sparring (BUP)"}),
            Field("summary", "Referat", "text")]


def notification_fields() -> list[Field]:
    return [Field("notified_on", "Dato", "date"), Field("recipient", "Modtager"),
            Field("grounds", "Grundlag", "text")]


def closing_fields() -> list[Field]:
    return [Field("closing_date", "Dato", "date"),
            Field("status", "Afslutning", "choice", {"completed": "Gennemført", "dropped_out": "Frafald"}),
            Field("effect", "Effekt", "choice", rules.EFFECTS),
            Field("content_summary", "Forløbets indhold", "text"),
            Field("further_needs", "Videre behov", "text"),
            Field("recommendations", "Anbefalinger", "text"),
            Field("criteria_reason", "Begrundelse, hvis kriterierne ikke er opfyldt", "text")]


def follow_up_fields() -> list[Field]:
    return [Field("done_on", "Dato", "date"), Field("channel", "Kanal", "choice", CONTACT_CHANNEL),
            Field("notes", "Effekt og status", "text"), Field("relapse", "Tilbagefald", "bool"),
            Field("more_needed", "Behov for mere hjælp", "bool")]


FIELDS = {"contact": contact_fields, "intake": intake_fields, "coordination": coordination_fields,
          "notification": notification_fields, "closing": closing_fields, "follow_up": follow_up_fields}
