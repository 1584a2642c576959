"""Which fields each pathway step's form shows. Declarations only; FormDialog builds the widgets."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.models import Child
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY
from behandlerklient.services.pathway_records import CONSENT_KINDS, PARTNERS
from behandlerklient.ui.dialogs.form_dialog import Field


translate = QCoreApplication.translate


def no_decision() -> dict:
    return {None: translate("PathwayForms", "No decision yet (a second intake talk follows)")}


def contact_fields() -> list[Field]:
    return [Field("contact_date", translate("PathwayForms", "Date"), "date"),
            Field("made_by", translate("PathwayForms", "Contact made by"), "choice", CONTACT_MADE_BY),
            Field("made_by_detail", translate("PathwayForms", "Which professional / relation")),
            Field("way", translate("PathwayForms", "Way in"), "choice", CONTACT_WAY),
            Field("channel", translate("PathwayForms", "Channel"), "choice", CONTACT_CHANNEL),
            Field("concern", translate("PathwayForms", "Concern (reason for the contact)"), "text"),
            Field("consent_obtain", translate("PathwayForms", "Consent to obtain information"), "bool"),
            Field("consent_to_share", translate("PathwayForms", "Consent to share information"), "bool")]


def intake_fields() -> list[Field]:
    return [Field("talk_number", translate("PathwayForms", "Intake talk no."), "choice", {1: "1", 2: "2"}),
            Field("talk_date", translate("PathwayForms", "Date"), "date"),
            Field("channel", translate("PathwayForms", "Channel"), "choice", CONTACT_CHANNEL),
            Field("duration_min", translate("PathwayForms", "Duration (min)"), "int"),
            Field("notes", translate("PathwayForms", "The talk"), "text"),
            Field("decision_group", translate("PathwayForms", "Decision"), "choice", {**no_decision(), **rules.INTAKE_GROUPS}),
            Field("reasoning", translate("PathwayForms", "Reasoning"), "text"),
            Field("guided_to", translate("PathwayForms", "Group 2: guided on to")),
            Field("bup_referral", translate("PathwayForms", "Group 4: referral to BUP"), "text")]


def screening_fields(tracks: dict[str, str]) -> list[Field]:
    return [Field("screening_date", translate("PathwayForms", "Date"), "date"),
            Field("child_account", translate("PathwayForms", "The child's own account"), "text"),
            Field("symptoms", translate("PathwayForms", "Symptoms"), "text"),
            Field("self_harm_asked", translate("PathwayForms", "Systematic questions about self-harm were asked"), "bool"),
            Field("self_harm_answers", translate("PathwayForms", "Answers about self-harm"), "text"),
            Field("suicidal_thoughts", translate("PathwayForms", "Suicidal thoughts"), "text"),
            Field("suicide_plans", translate("PathwayForms", "Plans"), "text"),
            Field("earlier_attempts", translate("PathwayForms", "Earlier attempts")),
            Field("protective_factors", translate("PathwayForms", "Protective factors"), "text"),
            Field("risk_level", translate("PathwayForms", "Assessed risk level"), "choice", {None: translate("PathwayForms", "(not assessed)"), **rules.RISK_LEVELS}),
            Field("crisis_warning_signs", translate("PathwayForms", "Crisis plan: warning signs"), "text",
                  help=translate("PathwayForms", "Required at moderate, high or acute risk")),
            Field("crisis_own_coping", translate("PathwayForms", "Crisis plan: own coping strategies"), "text"),
            Field("crisis_people", translate("PathwayForms", "Crisis plan: people to contact")),
            Field("crisis_professionals", translate("PathwayForms", "Crisis plan: professional contacts")),
            Field("crisis_means_safety", translate("PathwayForms", "Crisis plan: means safety")),
            Field("outcome", translate("PathwayForms", "Outcome"), "choice", {None: translate("PathwayForms", "(not decided)"), **rules.SCREENING_OUTCOMES}),
            Field("outcome_track_id", translate("PathwayForms", "Track (when a course is offered)"), "choice", {"": translate("PathwayForms", "(none)"), **tracks}),
            Field("outcome_reason", translate("PathwayForms", "Reasoning (required for 'no course')"), "text")]


def consent_fields(child: Child) -> list[Field]:
    givers = {"young_person": translate("PathwayForms", "The young person")}
    guardians = {None: translate("PathwayForms", "(not a parent)")}
    for g in child.guardians:
        guardians[g.id] = g.name + ("" if g.has_custody else translate("PathwayForms", " (without custody)"))
    return [Field("kind", translate("PathwayForms", "Consent to"), "choice", CONSENT_KINDS),
            Field("party", translate("PathwayForms", "Disclosure to"), "choice", {"": translate("PathwayForms", "(not relevant)"), **SHARE_PARTIES}),
            Field("given_by", translate("PathwayForms", "Given by"), "choice", {"custody_holder": translate("PathwayForms", "Parent with custody"), **givers}),
            Field("guardian_id", translate("PathwayForms", "Parent"), "choice", guardians),
            Field("given_on", translate("PathwayForms", "Date"), "date"),
            Field("exception_17_2", translate("PathwayForms", "Exception under §17(2) (15-17 years)"), "bool"),
            Field("note", translate("PathwayForms", "Note / reasoning"), "text")]


def coordination_fields() -> list[Field]:
    return [Field("entry_date", translate("PathwayForms", "Date"), "date"), Field("partner", translate("PathwayForms", "Partner"), "choice", PARTNERS),
            Field("kind", translate("PathwayForms", "Type"), "choice", {"coordination": translate("PathwayForms", "Coordination"), "sparring": translate("PathwayForms", "Sparring (BUP)")}),
            Field("summary", translate("PathwayForms", "Minutes"), "text")]


def notification_fields() -> list[Field]:
    return [Field("notified_on", translate("PathwayForms", "Date"), "date"), Field("recipient", translate("PathwayForms", "Recipient")),
            Field("grounds", translate("PathwayForms", "Grounds"), "text")]


def closing_fields() -> list[Field]:
    return [Field("closing_date", translate("PathwayForms", "Date"), "date"),
            Field("status", translate("PathwayForms", "Closing"), "choice", {"completed": translate("PathwayForms", "Completed"), "dropped_out": translate("PathwayForms", "Dropped out")}),
            Field("effect", translate("PathwayForms", "Effect"), "choice", rules.EFFECTS),
            Field("content_summary", translate("PathwayForms", "Content of the course"), "text"),
            Field("further_needs", translate("PathwayForms", "Further needs"), "text"),
            Field("recommendations", translate("PathwayForms", "Recommendations"), "text"),
            Field("criteria_reason", translate("PathwayForms", "Reasoning if the criteria are not met"), "text")]


def follow_up_fields() -> list[Field]:
    return [Field("done_on", translate("PathwayForms", "Date"), "date"), Field("channel", translate("PathwayForms", "Channel"), "choice", CONTACT_CHANNEL),
            Field("notes", translate("PathwayForms", "Effect and status"), "text"), Field("relapse", translate("PathwayForms", "Relapse"), "bool"),
            Field("more_needed", translate("PathwayForms", "Needs more help"), "bool")]


FIELDS = {"contact": contact_fields, "intake": intake_fields, "coordination": coordination_fields,
          "notification": notification_fields, "closing": closing_fields, "follow_up": follow_up_fields}
