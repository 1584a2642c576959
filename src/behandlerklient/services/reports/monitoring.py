"""The national monitoring export (docs/monitoring.md): pseudonymised rows as CSV or JSON, and the CPR-keyed
variant for register linkage, which is only ever returned encrypted to one recipient and whose disclosure is
written to the audit log, once for the export and once for each child in it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.reports import monitoring
from behandlerklient.security import recipient_box
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace

FORMATS = ("csv", "json")


def _check(ws: Workspace, *, start: date, end: date, fmt: str, roles: tuple[str, ...], refusal: str) -> None:
    if ws.user.role not in roles:
        raise RuleRefused(refusal)
    if end < start:
        raise InvalidInput("Slutdatoen ligger før startdatoen.")
    if fmt not in FORMATS:
        raise InvalidInput("Monitoreringsdata findes som csv eller json.")


def serialise(rows: list[dict[str, str]], *, columns: tuple[str, ...], fmt: str, start: date, end: date) -> bytes:
    if fmt == "json":
        return json.dumps({"format": monitoring.FORMAT, "period": {"from": start.isoformat(), "to": end.isoformat()},
                           "columns": list(columns), "rows": rows}, ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # Excel on Danish Windows reads BOM + ';'


def _rows(ws: Workspace, *, start: date, end: date, with_cpr: bool) -> list[tuple[int, dict[str, str]]]:
    return monitoring.build(ws.db, start=start, end=end, with_cpr=with_cpr,
                            delivering_unit=settings.get(ws=ws, key="delivering_unit"))


def render(*, ws: Workspace, start: date, end: date, fmt: str) -> bytes:
    """The pseudonymised file: no CPR number, no name; the child as its keyed pseudonym."""
    _check(ws, start=start, end=end, fmt=fmt, roles=("admin", "coordinator"),
           refusal="Monitoreringsdata kan kun udtrækkes af en koordinator eller en administrator.")
    rows = [row for _child, row in _rows(ws, start=start, end=end, with_cpr=False)]
    out = serialise(rows, columns=monitoring.COLUMNS, fmt=fmt, start=start, end=end)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj=f"report:monitoring:{fmt}",
                     detail=f"{start.isoformat()}..{end.isoformat()}; {len(rows)} rækker, pseudonymiseret")
    return out


def render_for_register(*, ws: Workspace, start: date, end: date, fmt: str, recipient_key: bytes, recipient: str,
                        basis: str) -> bytes:
    """The CPR-keyed rows, encrypted to the recipient's X25519 public key; the plaintext never leaves memory."""
    _check(ws, start=start, end=end, fmt=fmt, roles=("admin",),
           refusal="Monitoreringsdata med CPR-nummer kan kun udtrækkes af en administrator.")
    if not recipient.strip():
        raise InvalidInput("Skriv hvem filen udleveres til (modtager).")
    if not basis.strip():
        raise InvalidInput("Skriv grundlaget for udleveringen (fx den bekendtgørelse, der kræver indberetningen).")
    try:
        key = recipient_box.load_public_key(recipient_key)
    except recipient_box.RecipientKeyError as exc:
        raise InvalidInput(str(exc)) from None
    found = _rows(ws, start=start, end=end, with_cpr=True)
    plain = serialise([row for _child, row in found], columns=monitoring.CPR_COLUMNS, fmt=fmt, start=start, end=end)
    sealed = recipient_box.seal(plain, key)
    now = ws.clock()
    what = (f"Monitoreringsdata med CPR ({fmt}, {start.isoformat()}..{end.isoformat()}, {len(found)} rækker) til "
            f"{recipient.strip()}; grundlag: {basis.strip()}; modtagernøgle {recipient_box.fingerprint(key)[:16]}; "
            f"fil sha256 {hashlib.sha256(sealed).hexdigest()}")
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="export", now=now, obj="report:monitoring-cpr", detail=what)
        audit.record_many(ws.db, user_id=ws.user.id, action="export", now=now,
                          entries=[(child_id, "report:monitoring-cpr", f"til {recipient.strip()}")
                                   for child_id in sorted({child for child, _row in found})])
    return sealed
