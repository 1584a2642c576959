"""Who may see and write what: the one table of access rules, shared by the laptop's services and the server.

A user's *role* says what they may do (KOMBIT's "jobfunktionsrolle"); the *basis* says why they have anything to
do with this child at all (the "dataafgrænsning"): the child is on their caseload, shared with them, on a
supervisee's caseload, or they are the team's coordinator. Record *kinds* are classified as register (who the
child is, how it came, consent, which course), clinical (what was said and judged) or supervision. Pure data and
pure functions: no SQL, no Qt, so the server's row-level policies can be tested against the same rows
(`rows()`), and docs/access.md is generated from them (`markdown_table()`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

ROLES = ("therapist", "supervisor", "coordinator", "admin")
# Roles that may supervise (rate and decide on others' sessions); kept as services/supervision/supervision.py has it.
SUPERVISING_ROLES = ("supervisor", "admin")
# Roles that may hold a caseload or a shared child: clinicians. A coordinator never does.
CLINICAL_ROLES = ("therapist", "supervisor", "admin")
# Roles that may give and take access: put a child on a caseload, share it, hand it over, pair a supervisor with a
# therapist, and end any of them. The server's admin commands are the same people's.
GRANTING_ROLES = ("admin",)


def may_grant(role: str) -> bool:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return role in GRANTING_ROLES

# Bases, best first (a user with several bases for one child gets the first).
#   caseload     the user holds the child (responsible therapist)
#   shared       the child is shared with the user (e.g. a group co-therapist)
#   supervision  the child is on the caseload of a therapist the user supervises
#   coordinator  the user is the team's coordinator (serves the whole team's register)
#   team         laptop only: the child is in this installation's register, with none of the above. One offline
#                installation is one team's, every look-up is in the audit log, and a colleague's child must be
#                reachable when she is ill; the server never grants this basis (SERVER_BASES).
#   none         no relation to the child (what the server answers without a grant)
BASES = ("caseload", "shared", "supervision", "coordinator", "team", "none")
SERVER_BASES = ("caseload", "shared", "supervision", "coordinator", "none")
OWN_BASES = ("caseload", "shared")  # what the work queue and the child list put first


def queue_bases(role: str) -> tuple[str, ...]:
    """Whose children fill the user's work queue (issue 15): a clinician's own caseload and shared children; a
    supervisor's also those of the therapists she supervises; a coordinator's none (her own drafts only). The
    laptop's 'team' basis lets her open any child, but a colleague's waits are the colleague's list."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role == "coordinator":
        return ()
    return OWN_BASES + (("supervision",) if role in SUPERVISING_ROLES else ())

# Record kinds, by table. Register: who the child is and the frame of the course; clinical: what was said, seen
# and judged; supervision: about the therapist's work rather than the child.
REGISTER = {
    "children": "Barnets stamdata",
    "guardians": "Forældre og forældremyndighed",
    "gps": "Egen læge",
    "contacts": "Henvendelser",
    "consents": "Samtykker",
    "courses": "Forløb (spor, datoer, status)",
    "course_changes": "Ændringer af forløb (spor, planlagte sessioner)",
    "child_changes": "Historik over stamdata",
    "disclosures": "Udleveringer og breve til egen læge",
}
CLINICAL = {
    "intakes": "Forsamtaler",
    "screenings": "Screeninger (med selvmordsrisikovurdering)",
    "sdq_responses": "SDQ-besvarelser",
    "questionnaire_responses": "Spørgeskemaer",
    "sessions": "Sessioner",
    "group_sessions": "Gruppesessioner",
    "journal_entries": "Journalnotater",
    "coordination_entries": "Koordinering og sparring",
    "notifications": "Underretninger",
    "closings": "Afslutninger",
    "follow_ups": "Opfølgninger og boostere",
}
SUPERVISION = {
    "fidelity_ratings": "Vurderinger af manualtroskab",
    "reviews": "Supervision af sessioner",
    "supervision_meetings": "Supervisionsmøder",
}
KINDS = {**REGISTER, **CLINICAL, **SUPERVISION}

# What a coordinator writes: registers a child and a contact, keeps master data, writes letters to the GP.
COORDINATOR_WRITES = frozenset({"children", "guardians", "gps", "contacts", "child_changes", "disclosures"})
# What a supervisor sees of a supervisee's child whatever the setting: the register, the session's frame
# (date, attendance, which parts are filled; never its text: the server hands out the frame, not the signed
# session record, while the switch is off, docs/sync.md "Session frames") and the supervision records.
SUPERVISOR_ALWAYS_READS = frozenset(REGISTER) | {"sessions"} | frozenset(SUPERVISION)

CLINICAL_TEXT_SETTING = "supervisor_sees_clinical_text"
CLINICAL_TEXT_MODES = ("supervised", "always", "never")
DEFAULT_SETTINGS: Mapping[str, str] = {CLINICAL_TEXT_SETTING: "supervised"}


def _check(role: str, basis: str, kind: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")


def _effective(role: str, basis: str) -> str:
    """A basis only counts for the roles it is meant for: a coordinator holds no caseload, only a supervising
    role supervises, and only the coordinator has the coordinator's basis."""
    if basis in ("caseload", "shared", "team") and role == "coordinator":
        return "coordinator" if basis == "team" else "none"
    if basis == "supervision" and role not in SUPERVISING_ROLES:
        return "none"
    if basis == "coordinator" and role != "coordinator":
        return "none"
    return basis


def read_rule(role: str, basis: str, kind: str, settings: Mapping[str, str] = DEFAULT_SETTINGS) -> str:
    """'yes', 'no' or 'supervised' (yes only while the record's course is in supervision: a session of it is in
    review or the course was discussed at a supervision meeting)."""
    _check(role, basis, kind)
    if kind == "gps":
        return "yes"  # a clinic's address is no one's secret, and every letter needs it
    basis = _effective(role, basis)
    if basis in ("caseload", "shared", "team"):
        return "yes"
    if basis == "coordinator":
        return "yes" if kind in REGISTER else "no"
    if basis == "supervision":
        if kind in SUPERVISOR_ALWAYS_READS:
            return "yes"
        mode = settings.get(CLINICAL_TEXT_SETTING, DEFAULT_SETTINGS[CLINICAL_TEXT_SETTING])
        if mode not in CLINICAL_TEXT_MODES:
            raise ValueError(f"unknown {CLINICAL_TEXT_SETTING} {mode!r}")
        return {"always": "yes", "never": "no", "supervised": "supervised"}[mode]
    return "no"


def may_read(role: str, basis: str, kind: str, settings: Mapping[str, str] = DEFAULT_SETTINGS, *,
             in_supervision: bool = False) -> bool:
    rule = read_rule(role, basis, kind, settings)
    return rule == "yes" or (rule == "supervised" and in_supervision)


def may_write(role: str, basis: str, kind: str) -> bool:
    """Writing also needs `author = the user` (a draft is its author's); the server checks the basis as it held
    at the record's `signed_at`, so a record written offline before a revocation is still accepted."""
    _check(role, basis, kind)
    basis = _effective(role, basis)
    if kind == "gps":
        return basis != "none"
    if basis in ("caseload", "shared", "team"):
        # Every record about her own children, a review request and her self-rating included; a supervision
        # meeting is about a supervisee's work, not the own caseload.
        return kind != "supervision_meetings"
    if basis == "coordinator":
        return kind in COORDINATOR_WRITES
    if basis == "supervision":
        return kind in SUPERVISION  # ratings, decisions and meetings about the supervisee's work
    return False


def clinical_text_visible(mode: str, *, in_supervision: bool) -> bool:
    """The setting `supervisor_sees_clinical_text` as a policy switch for a supervisor's view of a session's text."""
    return may_read("supervisor", "supervision", "journal_entries", {CLINICAL_TEXT_SETTING: mode},
                    in_supervision=in_supervision)


def best_basis(bases: set[str] | frozenset[str]) -> str:
    """The first of BASES the user has; 'none' when none."""
    return next((b for b in BASES if b in bases), "none")


@dataclass(frozen=True)
class Rule:
    role: str
    basis: str
    kind: str
    read: str  # 'yes', 'no' or 'supervised'
    write: bool


def rows(settings: Mapping[str, str] = DEFAULT_SETTINGS, *, bases: tuple[str, ...] = BASES) -> Iterator[Rule]:
    """Every role x basis x kind with its answer: the table a server policy test iterates (bases=SERVER_BASES)."""
    for role in ROLES:
        for basis in bases:
            for kind in KINDS:
                yield Rule(role, basis, kind, read_rule(role, basis, kind, settings), may_write(role, basis, kind))


def markdown_table(settings: Mapping[str, str] = DEFAULT_SETTINGS) -> str:
    """One line per role and basis; per kind 'r' read, 'w' write, 's' read while in supervision, '-' nothing."""
    kinds = list(KINDS)
    head = "| role | basis | " + " | ".join(kinds) + " |"
    sep = "| --- | --- | " + " | ".join("---" for _ in kinds) + " |"
    lines = [head, sep]
    for role in ROLES:
        for basis in BASES:
            cells = []
            for kind in kinds:
                r = read_rule(role, basis, kind, settings)
                w = may_write(role, basis, kind)
                cell = ({"yes": "r", "supervised": "s", "no": ""}[r] + ("w" if w else "")) or "-"
                cells.append(cell)
            lines.append(f"| {role} | {basis} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
