"""Which fields each pathway step's form shows. Declarations only; FormDialog builds the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject

from behandlerklient.core import monitoring
from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.consent_rules import SHARE_PARTIES
from behandlerklient.core.models import Child
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY
from behandlerklient.services.pathway.pathway_records import CONSENT_KINDS, PARTNERS
from behandlerklient.ui.dialogs.form_dialog import Field


class PathwayForms(QObject):
    """Each step's fields, labels through self.tr (context PathwayForms)."""

    def fields(self, kind: str) -> list[Field]:
        return getattr(self, f"{kind}_fields")()

    def no_decision(self) -> dict:
        return {None: self.tr("No decision yet (a second intake talk follows)")}

    def contact_fields(self, reasons: dict[str, str] | None = None) -> list[Field]:
        return [Field("contact_date", self.tr("Date"), "date"),
                Field("made_by", self.tr("Contact made by"), "choice", CONTACT_MADE_BY),
                Field("made_by_detail", self.tr("Which professional / relation")),
                Field("way", self.tr("Way in"), "choice", CONTACT_WAY),
                Field("channel", self.tr("Channel"), "choice", CONTACT_CHANNEL),
                Field("reasons", self.tr("What the contact is about"), "multi",
                      reasons if reasons is not None else monitoring.DEFAULT_REASONS,
                      help=self.tr("The municipality's categories (reported to the national monitoring)")),
                Field("concern", self.tr("Concern (reason for the contact)"), "text"),
                Field("age_reason", self.tr("Reason if the child is outside 5-17 on the date"),
                      help=self.tr("The offer is for 5-17-year-olds, e.g. 'turns 5 next month'")),
                Field("consent_obtain", self.tr("Consent to obtain information"), "bool"),
                Field("consent_to_share", self.tr("Consent to share information"), "bool")]

    def intake_fields(self) -> list[Field]:
        return [Field("talk_number", self.tr("Intake talk no."), "choice", {1: "1", 2: "2"}),
                Field("talk_date", self.tr("Date"), "date"),
                Field("channel", self.tr("Channel"), "choice", CONTACT_CHANNEL),
                Field("duration_min", self.tr("Duration (min)"), "int"),
                Field("notes", self.tr("The talk"), "text"),
                Field("decision_group", self.tr("Decision"), "choice", {**self.no_decision(), **rules.INTAKE_GROUPS}),
                Field("reasoning", self.tr("Reasoning"), "text"),
                Field("guided_kind", self.tr("Group 2: guided on to (category)"), "choice",
                      {"": self.tr("(not relevant)"), **monitoring.GUIDED_TO}),
                Field("guided_to", self.tr("Group 2: guided on to")),
                Field("bup_referral", self.tr("Group 4: referral to BUP"), "text")]

    def screening_fields(self, tracks: dict[str, str]) -> list[Field]:
        return [Field("screening_date", self.tr("Date"), "date"),
                Field("child_account", self.tr("The child's own account"), "text"),
                Field("symptoms", self.tr("Symptoms"), "text"),
                Field("self_harm_asked", self.tr("Systematic questions about self-harm were asked"), "bool"),
                Field("self_harm_answers", self.tr("Answers about self-harm"), "text"),
                Field("suicidal_thoughts", self.tr("Suicidal thoughts"), "text"),
                Field("suicide_plans", self.tr("Plans"), "text"),
                Field("earlier_attempts", self.tr("Earlier attempts")),
                Field("protective_factors", self.tr("Protective factors"), "text"),
                Field("risk_level", self.tr("Assessed risk level"), "choice",
                      {None: self.tr("(not assessed)"), **rules.RISK_LEVELS}),
                Field("crisis_warning_signs", self.tr("Crisis plan: warning signs"), "text",
                      help=self.tr("Required at moderate, high or acute risk")),
                Field("crisis_own_coping", self.tr("Crisis plan: own coping strategies"), "text"),
                Field("crisis_people", self.tr("Crisis plan: people to contact")),
                Field("crisis_professionals", self.tr("Crisis plan: professional contacts")),
                Field("crisis_means_safety", self.tr("Crisis plan: means safety")),
                Field("outcome", self.tr("Outcome"), "choice",
                      {None: self.tr("(not decided)"), **rules.SCREENING_OUTCOMES}),
                Field("outcome_track_id", self.tr("Track (when a course is offered)"), "choice",
                      {"": self.tr("(none)"), **tracks}),
                Field("outcome_reason", self.tr("Reasoning (required unless a course is offered)"), "text",
                      help=self.tr("Stated in the letter to the GP, who cannot read the journal")),
                Field("notification_to_gp", self.tr("Mention the notification in the letter to the GP"), "bool",
                      help=self.tr("Your own decision, signed with the outcome"))]

    def consent_fields(self, child: Child) -> list[Field]:
        givers = {"young_person": self.tr("The young person")}
        guardians = {None: self.tr("(not a parent)")}
        for g in child.guardians:
            guardians[g.id] = g.name + ("" if g.has_custody else self.tr(" (without custody)"))
        return [Field("kind", self.tr("Consent to"), "choice", CONSENT_KINDS),
                Field("party", self.tr("Disclosure to"), "choice", {"": self.tr("(not relevant)"), **SHARE_PARTIES}),
                Field("given_by", self.tr("Given by"), "choice",
                      {"custody_holder": self.tr("Parent with custody"), **givers}),
                Field("guardian_id", self.tr("Parent"), "choice", guardians),
                Field("given_on", self.tr("Date"), "date"),
                Field("exception_17_2", self.tr("Exception under §17(2) (15-17 years)"), "bool"),
                Field("note", self.tr("Note / reasoning"), "text")]

    def coordination_fields(self) -> list[Field]:
        return [Field("entry_date", self.tr("Date"), "date"), Field("partner", self.tr("Partner"), "choice", PARTNERS),
                Field("kind", self.tr("Type"), "choice",
                      {"coordination": self.tr("Coordination"), "sparring": self.tr("Sparring (BUP)")}),
                Field("bup_referral", self.tr("Referral to BUP during the course"), "bool"),
                Field("summary", self.tr("Minutes"), "text")]

    def notification_fields(self) -> list[Field]:
        return [Field("notified_on", self.tr("Date"), "date"), Field("recipient", self.tr("Recipient")),
                Field("grounds", self.tr("Grounds"), "text")]

    def closing_fields(self) -> list[Field]:
        return [Field("closing_date", self.tr("Date"), "date"),
                Field("status", self.tr("Closing"), "choice",
                      {"completed": self.tr("Completed"), "dropped_out": self.tr("Dropped out")}),
                Field("effect", self.tr("Effect"), "choice", {None: self.tr("(choose)"), **rules.EFFECTS}),
                Field("end_reason", self.tr("Why the course ended"), "choice", monitoring.END_REASONS),
                Field("content_summary", self.tr("Content of the course"), "text"),
                Field("further_needs", self.tr("Further needs"), "text"),
                Field("recommendations", self.tr("Recommendations"), "text"),
                Field("criteria_reason", self.tr("Reasoning if the criteria are not met"), "text")]

    def follow_up_fields(self) -> list[Field]:
        return [Field("done_on", self.tr("Date"), "date"),
                Field("channel", self.tr("Channel"), "choice", CONTACT_CHANNEL),
                Field("notes", self.tr("Effect and status"), "text"),
                Field("effect", self.tr("Effect at the follow-up"), "choice",
                      {"": self.tr("(not assessed)"), **rules.EFFECTS}),
                Field("relapse", self.tr("Relapse"), "bool"),
                Field("more_needed", self.tr("Needs more help"), "bool")]
