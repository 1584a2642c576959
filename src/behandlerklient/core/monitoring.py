"""The national monitoring data set's closed vocabularies (docs/monitoring.md): reasons for contact (a municipal
setting with these defaults), where a child was guided, why a course ended, and their checks. No Qt, no SQL."""

from __future__ import annotations

import re

# The Faglig ramme's target problems as the reason-for-contact categories; a municipality can rename them or add
# its own with the setting contact_reasons ("code=Label; code=Label"). Codes are what the database stores.
DEFAULT_REASONS: dict[str, str] = {
    "angst": "Angst",
    "nedtrykthed": "Nedtrykthed",
    "bekymringer": "Bekymringer",
    "selvskade": "Selvskade",
    "stress": "Stress",
    "adfaerd": "Adfærd",
    "krop_mad": "Krop og mad",
    "gentagne_tanker": "Gentagne tanker og handlinger",
    "andet": "Andet",
}

# Where a child was guided after the intake talk (group 2), beside the free text.
GUIDED_TO: dict[str, str] = {
    "ppr": "PPR",
    "school": "Skole eller dagtilbud",
    "social_services": "Socialforvaltningen (evt. underretning)",
    "health_visitor": "Sundhedsplejen",
    "gp": "Egen læge",
    "municipal_other": "Andet kommunalt tilbud",
    "civil_society": "Civilsamfund (forening, frivillige)",
    "other": "Andet",
}

# Why a course ended. The form puts the first one first, so a course that simply ran its plan needs no choice.
END_REASONS: dict[str, str] = {
    "plan_completed": "Gennemført efter planen",
    "goals_reached": "Målene nået før planen",
    "family_stopped": "Barnet/familien ønskede at stoppe",
    "lost_contact": "Kontakten ophørte (udeblivelse)",
    "referred_bup": "Henvist til børne- og ungdomspsykiatrien",
    "other_help": "Overgået til anden hjælp",
    "moved": "Fraflyttet kommunen",
    "other": "Andet",
}

_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


def parse_reasons(setting: str) -> dict[str, str]:
    """The categories a contact_reasons setting declares ("code=Label; ..."), in order; '' gives the defaults.
    Raises ValueError with a Danish message naming the faulty part."""
    if not setting.strip():
        return dict(DEFAULT_REASONS)
    out: dict[str, str] = {}
    for part in setting.split(";"):
        if not part.strip():
            continue
        code, sep, text = part.partition("=")
        code, text = code.strip(), text.strip()
        if not sep or not _CODE.match(code) or not text:
            raise ValueError(f"Henvendelsesårsagen {part.strip()!r} skal skrives kode=Betegnelse, med en kode af "
                             "små bogstaver, cifre og _ (fx angst=Angst).")
        if code in out:
            raise ValueError(f"Henvendelsesårsagen {code!r} står to gange.")
        out[code] = text
    if not out:
        raise ValueError("Skriv mindst én henvendelsesårsag (fx angst=Angst).")
    return out


def split_codes(value: str) -> list[str]:
    return [c for c in (p.strip() for p in value.split(",")) if c]


def reason_problems(value: str, categories: dict[str, str]) -> list[str]:
    """A contact's reasons must be categories of the setting, each once."""
    codes = split_codes(value)
    unknown = [c for c in codes if c not in categories]
    if unknown:
        return [f"Ukendt henvendelsesårsag {unknown[0]!r}; vælg blandt: {', '.join(categories)}."]
    if len(set(codes)) != len(codes):
        return ["En henvendelsesårsag er valgt to gange."]
    return []


def choice_problem(value: str, allowed: dict[str, str], what: str) -> list[str]:
    if value and value not in allowed:
        return [f"{what}: ukendt værdi {value!r}; brug {', '.join(allowed)}."]
    return []
