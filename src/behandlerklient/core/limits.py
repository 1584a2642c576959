"""Length limits for what users type and what the program reads from files, with the Danish message that names
the field. Long enough for any real name or note; short enough that one field cannot blow up memory, disk or
the search index (a 32,767-character name once cost 1.6 GB)."""

from __future__ import annotations

from collections.abc import Mapping

from behandlerklient.core.errors import InvalidInput

NAME_MAX = 100
TEXT_MAX = 20_000
TEMPLATE_MAX_BYTES = 64 * 1024

# Columns holding a person's or a place's name, with the Danish label the message uses.
NAME_FIELDS = {"first_name": "Fornavnet", "last_name": "Efternavnet", "full_name": "Det fulde navn",
               "name": "Navnet", "doctor_name": "Lægens navn", "clinic_name": "Klinikkens navn",
               "username": "Brugernavnet", "relation": "Relationen", "city": "Byen"}
# Free-text columns people fill in most, for a message in words; any other text column is named as it is.
TEXT_LABELS = {"body": "Journalteksten", "title": "Overskriften", "notes": "Noterne", "own_note": "Noten",
               "agenda": "Dagsordenen", "status": "Status", "goals": "Målene", "exercise": "Øvelsen",
               "homework": "Hjemmeopgaven", "reasoning": "Begrundelsen", "concern": "Bekymringen",
               "comment": "Kommentaren", "reason": "Begrundelsen"}
# Written by the program itself, never typed: the audit chain and the search index.
UNCHECKED_TABLES = frozenset({"audit_log", "audit_head", "child_search_terms"})


def check_name(label: str, value: str | None) -> None:
    if value is not None and len(value) > NAME_MAX:
        raise InvalidInput(f"{label} er for langt: {len(value)} tegn, højst {NAME_MAX}.")


def check_text(label: str, value: str | None) -> None:
    if value is not None and len(value) > TEXT_MAX:
        raise InvalidInput(f"{label} er for lang: {len(value)} tegn, højst {TEXT_MAX}. Del teksten op.")


def check_row(table: str, values: Mapping[str, object]) -> None:
    """Every text value of a row about to be written: names within NAME_MAX, other text within TEXT_MAX."""
    if table in UNCHECKED_TABLES:
        return
    for column, value in values.items():
        # The lengths first, the message only for a value too long: a pull page checks ~100,000 values.
        if not isinstance(value, str) or len(value) <= NAME_MAX or (len(value) <= TEXT_MAX
                                                                    and column not in NAME_FIELDS):
            continue
        if column in NAME_FIELDS:
            check_name(NAME_FIELDS[column], value)
        else:
            check_text(TEXT_LABELS.get(column, f"Feltet '{column}'"), value)
