"""Installation-wide settings kept in the encrypted database (they describe how the team works, so every
laptop of the installation shares them). Declared once, with Danish labels and checks."""

from __future__ import annotations

from dataclasses import dataclass

from behandlerklient.core import fidelity, monitoring
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.settings import SettingsRepository


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: str
    choices: tuple[str, ...] = ()


SETTINGS = {s.key: s for s in (
    Setting("review_sample", "Stikprøve til supervision (every_nth:N, percent:N eller none)", "every_nth:4"),
    Setting("supervisor_sees_clinical_text", "Supervisor ser det kliniske indhold", "supervised",
            ("supervised", "always", "never")),
    Setting("lock_after_minutes", "Lås efter så mange minutters inaktivitet", "5"),
    Setting("sync_minutes", "Synkronisér med serveren hvert så mange minutter (når computeren er tilmeldt)", "5"),
    Setting("backup_folder", "Mappe til automatiske sikkerhedskopier (tom: i datamappen)", ""),
    Setting("intake_wait_days", "Dage før en henvendelse uden forsamtale vises i arbejdslisten", "14"),
    Setting("contact_reasons", "Henvendelsesårsager (kode=Betegnelse; ...; tom: standardlisten)", ""),
    Setting("delivering_unit", "Leverende enhed (forvaltning/team) til monitoreringsdata", ""),
)}


def get(*, ws: Workspace, key: str) -> str:
    value = SettingsRepository(ws.db).value(key)
    return value if value is not None else SETTINGS[key].default


def put(*, ws: Workspace, key: str, value: str) -> None:
    if ws.user.role != "admin":
        raise RuleRefused("Kun en administrator kan ændre indstillingerne.")
    setting = SETTINGS.get(key)
    if setting is None:
        raise InvalidInput(f"Ukendt indstilling {key!r}.")
    if setting.choices and value not in setting.choices:
        raise InvalidInput(f"{setting.label}: vælg {', '.join(setting.choices)}.")
    if key == "lock_after_minutes" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 120):
        raise InvalidInput("Låsetiden skal være 1-120 minutter.")
    if key == "sync_minutes" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 120):
        raise InvalidInput("Synkroniseringsintervallet skal være 1-120 minutter.")
    if key == "intake_wait_days" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= 365):
        raise InvalidInput("Ventetiden før en henvendelse uden forsamtale vises skal være 1-365 dage.")
    if key == "review_sample":
        try:
            fidelity.sampled(value, session_number=1, session_id=1)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    if key == "contact_reasons":
        try:
            monitoring.parse_reasons(value)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    with ws.db.transaction():
        # An event; the settings row is the fold's cache (two admins' offline edits are then seen, not lost).
        EventRepository(ws.db).append(aggregate="setting", subject=key, field="value", value=value, now=ws.clock(),
                                      author_id=ws.user.id)
        audit.record(ws.db, user_id=ws.user.id, action="user", now=ws.clock(), obj=f"setting:{key}", detail=value)


def contact_reasons(*, ws: Workspace) -> dict[str, str]:
    """The installation's reason-for-contact categories (code: Danish label)."""
    try:
        return monitoring.parse_reasons(get(ws=ws, key="contact_reasons"))
    except ValueError:  # set before the check existed, or synced from elsewhere: the defaults keep work going
        return dict(monitoring.DEFAULT_REASONS)
