"""Symptom-specific questionnaires the municipality defines (TOML), stored as named, scored entries."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from behandlerklient import paths
from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.questionnaires import QuestionnaireRepository


@dataclass(frozen=True)
class Definition:
    id: str
    name: str
    items: int
    item_min: int
    item_max: int
    cutoff: int | None = None
    cutoff_label: str = ""

    def score(self, answers: list[int]) -> int:
        if len(answers) != self.items:
            raise InvalidInput(f"{self.name}: der skal være {self.items} svar, der er {len(answers)}.")
        for n, a in enumerate(answers, start=1):
            if not self.item_min <= a <= self.item_max:
                raise InvalidInput(f"{self.name}: item {n} skal være {self.item_min}-{self.item_max}, ikke {a}.")
        return sum(answers)


def _load(path: Path) -> Definition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        d = Definition(str(data["id"]), str(data["name"]), int(data["items"]), int(data["item_min"]),
                       int(data["item_max"]), data.get("cutoff"), str(data.get("cutoff_label", "")))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Spørgeskemafilen {path.name} er ugyldig ({type(exc).__name__}: {exc}).") from None
    if not 1 <= d.items <= 200 or d.item_min > d.item_max:
        raise InvalidInput(f"Spørgeskemafilen {path.name}: antal items eller svarinterval er ugyldigt.")
    return d


def definitions() -> dict[str, Definition]:
    found: dict[str, Definition] = {}
    for folder in (paths.resources_dir() / "questionnaires", paths.data_dir() / "spoergeskemaer"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                d = _load(path)
                found[d.id] = d
    return found


def record(*, ws: Workspace, child_id: int, questionnaire_id: str, answered_on: date, answers: list[int],
           screening_id: int | None = None) -> tuple[int, Changes]:
    defs = definitions()
    if questionnaire_id not in defs:
        raise InvalidInput(f"Ukendt spørgeskema {questionnaire_id!r}.")
    total = defs[questionnaire_id].score(answers)
    now = ws.clock()
    with ws.db.transaction():
        rid = QuestionnaireRepository(ws.db).add({
            "child_id": child_id, "screening_id": screening_id, "questionnaire_id": questionnaire_id,
            "answered_on": answered_on.isoformat(), "answers": ",".join(map(str, answers)), "score": total,
            "author_id": ws.user.id, "created_at": to_text(now), "signed_at": to_text(now)})
        audit.record(ws.db, user_id=ws.user.id, action="create", now=now, child_id=child_id,
                     obj=f"questionnaire:{rid}")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return rid, Changes(journal=True, child_id=child_id)
