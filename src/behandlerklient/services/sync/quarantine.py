"""The quarantine as a list a person goes through (issue 14): each received record refused on this laptop and each
of this laptop's records the server holds in its quarantine, by kind, date, author and reason, all in Danish.
Never a record's content: the list names what a record is and why it was refused, not what it says (the record
itself stays in the encrypted database, and on the server, for the administrator who resolves it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from behandlerklient.services.signatures.seal import SIGNED
from behandlerklient.storage.events import AGGREGATE_OF_KIND
from behandlerklient.storage.sync_quarantine_list import QuarantineListRepository

HERE = "Afvist på denne computer"
SERVER = "Holdt af serveren"

KIND_LABELS: dict[str, str] = {
    **{kind: spec.label for kind, spec in SIGNED.items()},
    "gps": "Egen læge", "children": "Barn", "guardians": "Forælder/værge", "child_changes": "Ændring af stamdata",
    "courses": "Forløb", "course_changes": "Ændring af forløb", "fidelity_ratings": "Fidelitetsvurdering",
    "reviews": "Gennemgang", "supervision_meetings": "Supervisionsmøde",
    "supervision_meeting_courses": "Forløb på supervisionsmøde", "audit_log": "Revisionsspor",
    "child_merges": "Sammenlægning af barn registreret to gange",
}
AGGREGATE_LABELS = {"course": "forløb", "review": "gennemgang", "fidelity": "fidelitetsvurdering",
                    "child": "barnets stamdata", "guardian": "forælder/værge", "follow_up": "opfølgning",
                    "resolution": "konfliktafgørelse"}

REASONS: dict[str, str] = {
    "malformed": "Posten er ikke udformet, som den skal være",
    "bad_content_hash": "Indholdet passer ikke til sin kontrolsum (ændret undervejs)",
    "unknown_signer": "Forfatteren er ikke registreret på serveren",
    "bad_signature": "Signaturen passer ikke til forfatterens registrerede nøgle",
    "unknown_kind": "En slags post, denne version af programmet ikke kender",
    "schema_mismatch": "Posten er skrevet i en anden skemaversion",
    "uid_mismatch": "Postens id passer ikke til dens indhold",
    "kind_mismatch": "Postens slags passer ikke til dens indhold",
    "child_mismatch": "Posten hører til et andet barn end det, den er sendt under",
    "not_the_same_child": "Sammenlægningen nævner to børn med forskelligt CPR-nummer",
    "bad_reference": "Posten henviser til noget, der ikke findes",
    "invalid_row": "Posten overholder ikke reglerne på denne computer",
    "unknown_user": "Posten nævner en bruger, der ikke er registreret",
    "duplicate_cpr": "Barnet findes allerede her under et andet id",
    "not_a_coordinator": "En sammenlægning af to børn, der ikke er signeret af en koordinator",
    "quarantined": "Serveren afviste posten (fx ingen adgang til barnet, da den blev signeret)",
    "conflict": "Konflikt: serveren har en anden post med samme id",
}


@dataclass(frozen=True)
class QuarantinedRecord:
    kind: str        # Danish label of what the record is
    date: str        # dd.mm.yyyy: when it was signed (else received)
    author: str      # full name (user name)
    reason: str      # Danish
    where: str       # HERE or SERVER


def kind_label(kind: str | None) -> str:
    if kind is None:
        return "Ukendt slags"
    if kind in AGGREGATE_OF_KIND:
        return f"Hændelse ({AGGREGATE_LABELS.get(AGGREGATE_OF_KIND[kind], AGGREGATE_OF_KIND[kind])})"
    return KIND_LABELS.get(kind, f"Ukendt slags ({kind})")


def reason_text(reason: str) -> str:
    """Only the reason's code is shown (what follows it may quote a value of the record)."""
    code = reason.split(":", 1)[0].strip()
    return REASONS.get(code, "Afvist af en anden grund")


def _date(*texts: Any) -> str:
    for text in texts:
        if isinstance(text, str) and text:
            try:
                return f"{datetime.fromisoformat(text.replace('Z', '+00:00')).astimezone():%d.%m.%Y}"
            except ValueError:
                continue
    return ""


def entries(*, ws: Any) -> list[QuarantinedRecord]:
    repo = QuarantineListRepository(ws.db)
    if not repo.has_tables():
        return []
    names = repo.full_names()

    def who(username: str | None) -> str:
        if not username:
            return "Ukendt"
        name = names.get(username)
        return f"{name} ({username})" if name and name != username else username

    here = [QuarantinedRecord(kind_label(r["kind"]), _date(r["signed_at"], r["received_at"]), who(r["author"]),
                              reason_text(r["reason"]), HERE) for r in repo.received()]
    held = [QuarantinedRecord(kind_label(r["kind"]), _date(r["sealed_at"], r["acked_at"]), who(r["author"]),
                              REASONS[r["status"]], SERVER) for r in repo.held_by_server()]
    return held + here
