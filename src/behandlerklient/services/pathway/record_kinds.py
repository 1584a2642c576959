"""The registry of pathway record kinds (contact, intake, screening, ...): what a draft of each kind holds
and how it is checked and journalised. Kept apart from records.py, which saves and signs them, so that the
kinds (services/pathway/pathway_records/) register without importing records.py (no import cycle). Import records.py,
not this module, to have every kind registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace.workspace import Workspace


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    label: str  # Danish, for titles and messages
    date_column: str
    columns: tuple[str, ...]  # what a draft may set
    required: tuple[str, ...] = ()
    author_column: str = "author_id"
    validate: Callable[[Workspace, dict], list[str]] | None = None
    render: Callable[[Workspace, dict], tuple[str, str]] | None = None
    after_sign: Callable[[Workspace, dict], None] | None = None
    course_column: str | None = "course_id"
    # Values the installation fills in when a draft is created (not the user), e.g. the delivering unit.
    on_create: Callable[[Workspace], dict] | None = None
    changes: Changes = field(default_factory=lambda: Changes(journal=True))
    labels: dict[str, str] = field(default_factory=dict)  # a required column's own Danish message when missing


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidInput(f"Ukendt registreringstype {name!r}.")
    return KINDS[name]
