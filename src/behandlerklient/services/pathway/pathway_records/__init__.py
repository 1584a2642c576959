"""The pathway's record kinds, one module each: what each draft holds, what must be true to sign it, and its
journal text. Importing this package registers every kind (services.pathway.records imports it)."""

from __future__ import annotations

from behandlerklient.services.pathway.pathway_records import (  # noqa: F401 (each module registers its kind)
    closings,
    consents,
    contacts,
    coordination,
    follow_ups,
    intakes,
    notifications,
    screenings,
)
from behandlerklient.services.pathway.pathway_records.closings import closing_criteria
from behandlerklient.services.pathway.pathway_records.consents import CONSENT_KINDS
from behandlerklient.services.pathway.pathway_records.coordination import PARTNERS

__all__ = ["CONSENT_KINDS", "PARTNERS", "closing_criteria"]
