"""The signed pathway facts a GP letter is written from: the contact, the screening or intake outcome, the closing
and the consent that allows the disclosure. Rows by field name."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class LetterSourceRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def contact_date(self, contact_id: int) -> str | None:
        return self.db.scalar("SELECT contact_date FROM contacts WHERE id = ?", (contact_id,))

    def latest_screening_outcome(self, child_id: int | None) -> str | None:
        return self.db.scalar("SELECT outcome FROM screenings WHERE child_id = ? AND signed_at IS NOT NULL "
                              "ORDER BY screening_date DESC LIMIT 1", (child_id,))

    def signed_closing(self, course_id: int) -> Row | None:
        return self.db.query_one("SELECT * FROM closings WHERE course_id = ? AND signed_at IS NOT NULL", (course_id,))

    def latest_intake_decision(self, child_id: int | None) -> Row | None:
        """The last signed intake talk that decided (decision_group, reasoning, guided_to, bup_referral,
        contact_date)."""
        return self.db.query_one(
            "SELECT i.decision_group, i.reasoning, i.guided_to, i.bup_referral, c.contact_date FROM intakes i "
            "JOIN contacts c ON c.id = i.contact_id WHERE i.child_id = ? AND i.signed_at IS NOT NULL "
            "AND i.decision_group IS NOT NULL ORDER BY c.contact_date DESC, i.talk_number DESC LIMIT 1", (child_id,))

    def latest_screening(self, child_id: int | None) -> Row | None:
        """The last signed screening (outcome, outcome_reason, notification_to_gp, contact_date)."""
        return self.db.query_one(
            "SELECT s.outcome, s.outcome_reason, s.notification_to_gp, c.contact_date FROM screenings s "
            "JOIN contacts c ON c.id = s.contact_id WHERE s.child_id = ? AND s.signed_at IS NOT NULL "
            "ORDER BY s.screening_date DESC LIMIT 1", (child_id,))

    def gp_share_consent(self, child_id: int | None) -> Row | None:
        """The newest signed consent to share with the GP (given_on, given_by, guardian_name)."""
        return self.db.query_one(
            "SELECT c.given_on, c.given_by, g.name AS guardian_name FROM consents c "
            "LEFT JOIN guardians g ON g.id = c.guardian_id WHERE c.child_id = ? AND c.kind = 'share' "
            "AND c.party = 'gp' AND c.signed_at IS NOT NULL AND c.withdraws_id IS NULL "
            "ORDER BY c.given_on DESC LIMIT 1", (child_id,))
